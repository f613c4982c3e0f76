/**
 * Before a mapping syncs: the custom fields it declares (`sides.<side>.custom`, e.g. the
 * HubSpot properties `erp_credit_limit`, `erp_order_ref`) are created where they are
 * missing, through the connector (`ensureFields`). Each gets the type of the field it is
 * filled from on the other side (a sum or a number: number; a date: date), else text.
 * A system whose fields frontback does not create is left as it is: writing to a field
 * it lacks then fails with that system's own message, dead-lettered. An object that can
 * receive creates also gets the unique key field its connector declares for idempotent
 * creates (`createKey.ensure`, e.g. HubSpot's `frontback_key` on companies and deals).
 */
import type { Connector, FieldRequest, FieldType } from '../connector/index.ts';
import type { LoadedMapping } from '../mapping/load.ts';
import type { Side } from '../mapping/spec.ts';

const other = (side: Side): Side => (side === 'crm' ? 'erp' : 'crm');

/** Whether some field flows into `side`, so that creates can reach it. */
function flowsInto(loaded: LoadedMapping, side: Side): boolean {
  return loaded.mapping.fields.some((f) => {
    const flow = loaded.mapping.flow(f);
    return flow === 'both' || flow === `${other(side)}->${side}`;
  });
}

/** The key field `side`'s connector declares for idempotent creates and asks frontback to make, when creates can reach it. */
async function keyFieldOf(loaded: LoadedMapping, connector: Connector, side: Side): Promise<FieldRequest | undefined> {
  if (connector.ensureFields === undefined || !flowsInto(loaded, side)) return undefined;
  const described = (await connector.describe()).find((o) => o.name === loaded.spec.sides[side].object);
  const key = described?.createKey;
  return key?.source === 'generated' ? key.ensure : undefined;
}

/** Creates the missing custom fields of `loaded` (with `dryRun`, only finds them); answers them, by side. */
export async function prepareMapping(
  loaded: LoadedMapping,
  connectors: Readonly<Record<Side, Connector>>,
  options: { dryRun?: boolean } = {},
): Promise<Record<Side, string[]>> {
  const created: Record<Side, string[]> = { crm: [], erp: [] };
  for (const side of ['crm', 'erp'] as const) {
    const custom = loaded.spec.sides[side].custom ?? [];
    const connector = connectors[side];
    const keyField = await keyFieldOf(loaded, connector, side);
    if ((custom.length === 0 && keyField === undefined) || connector.ensureFields === undefined) continue;
    const there = other(side);
    const thereObjects = await connectors[there].describe();
    const described = thereObjects.find((o) => o.name === loaded.spec.sides[there].object);
    const plain = (type: FieldType | undefined): FieldType =>
      type === 'number' ||
      type === 'integer' ||
      type === 'boolean' ||
      type === 'date' ||
      type === 'datetime' ||
      type === 'text'
        ? type
        : 'string';
    const typeOf = (name: string): FieldType => {
      const rule = loaded.spec.fields.find((f) => f?.[side] === name);
      const agg = rule?.aggregate;
      if (agg) {
        if (agg.count === true) return 'integer';
        if (agg.sum !== undefined) return 'number';
        // min, max, latest: the type of the rows' field (a date, a name), text once a value table turns it into labels.
        if (rule?.values !== undefined) return 'string';
        const read = agg.min ?? agg.max ?? agg.latest;
        return plain(thereObjects.find((o) => o.name === agg.from)?.fields.find((f) => f.name === read)?.type);
      }
      const source = rule?.[there];
      return plain(source === undefined ? undefined : described?.fields.find((f) => f.name === source)?.type);
    };
    if (options.dryRun === true) {
      const mine = (await connector.describe()).find((o) => o.name === loaded.spec.sides[side].object);
      created[side] = [...custom, ...(keyField ? [keyField.name] : [])].filter(
        (name) => !(mine?.fields.some((f) => f.name === name) ?? false),
      );
      continue;
    }
    const requests: FieldRequest[] = custom.map((name) => ({ name, type: typeOf(name) }));
    if (keyField) requests.push(keyField);
    created[side] = await connector.ensureFields(loaded.spec.sides[side].object, requests);
  }
  return created;
}
