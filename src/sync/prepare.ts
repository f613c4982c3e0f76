/**
 * Before a mapping syncs: the custom fields it declares (`sides.<side>.custom`, e.g. the
 * HubSpot properties `erp_credit_limit`, `erp_order_ref`) are created where they are
 * missing, through the connector (`ensureFields`). Each gets the type of the field it is
 * filled from on the other side (a sum or a number: number; a date: date), else text.
 * A system whose fields frontback does not create is left as it is: writing to a field
 * it lacks then fails with that system's own message, dead-lettered.
 */
import type { Connector, FieldRequest, FieldType } from '../connector/index.ts';
import type { LoadedMapping } from '../mapping/load.ts';
import type { Side } from '../mapping/spec.ts';

const other = (side: Side): Side => (side === 'crm' ? 'erp' : 'crm');

/** Creates the missing custom fields of `loaded` (with `dryRun`, only finds them); answers them, by side. */
export async function prepareMapping(loaded: LoadedMapping, connectors: Readonly<Record<Side, Connector>>, options: { dryRun?: boolean } = {}): Promise<Record<Side, string[]>> {
  const created: Record<Side, string[]> = { crm: [], erp: [] };
  for (const side of ['crm', 'erp'] as const) {
    const custom = loaded.spec.sides[side].custom ?? [];
    const connector = connectors[side];
    if (custom.length === 0 || connector.ensureFields === undefined) continue;
    const there = other(side);
    const described = (await connectors[there].describe()).find((o) => o.name === loaded.spec.sides[there].object);
    const typeOf = (name: string): FieldType => {
      const rule = loaded.spec.fields.find((f) => f?.[side] === name);
      if (rule?.aggregate) return rule.aggregate.count === true ? 'integer' : 'number';
      const source = rule?.[there];
      const type = source === undefined ? undefined : described?.fields.find((f) => f.name === source)?.type;
      return type === 'number' || type === 'integer' || type === 'boolean' || type === 'date' || type === 'datetime' || type === 'text' ? type : 'string';
    };
    if (options.dryRun === true) {
      const mine = (await connector.describe()).find((o) => o.name === loaded.spec.sides[side].object);
      created[side] = custom.filter((name) => !(mine?.fields.some((f) => f.name === name) ?? false));
      continue;
    }
    const requests: FieldRequest[] = custom.map((name) => ({ name, type: typeOf(name) }));
    created[side] = await connector.ensureFields(loaded.spec.sides[side].object, requests);
  }
  return created;
}
