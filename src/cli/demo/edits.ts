/**
 * Edits a user makes between the demo's passes, through each system's API (the
 * connector's write, the same calls a script of the user's would make): a field of a
 * linked pair changed on one side, a record archived. Which fields: the mapping's plain
 * text fields that flow both ways (no transform, lookup or value table, not a match
 * key), so what moves is easy to see; field names come from the mapping.
 */
import type { Connector, SourceRecord } from '../../connector/index.ts';
import type { LoadedMapping } from '../../mapping/load.ts';
import type { Side } from '../../mapping/spec.ts';
import type { Link } from '../../store/link-repository.ts';

/** A field rule the demo edits, with its raw field on each side. */
export interface EditableField {
  /** Field rule name. */
  readonly name: string;
  readonly crm: string;
  readonly erp: string;
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The mapping's plain two-way text fields, in file order. */
export function editableFields(loaded: LoadedMapping): EditableField[] {
  const { spec, mapping } = loaded;
  const keys = new Set(mapping.matchRules.flatMap((r) => (r.fields ? [r.fields.crm, r.fields.erp] : [])));
  const out: EditableField[] = [];
  for (const rule of spec.fields as ReadonlyArray<Record<string, unknown>>) {
    const { crm, erp } = rule;
    if (typeof crm !== 'string' || typeof erp !== 'string' || !PLAIN.test(crm) || !PLAIN.test(erp)) continue;
    const name = typeof rule.name === 'string' ? rule.name : crm;
    const extra = ['transform', 'inverse', 'lookup', 'values', 'aggregate', 'owner', 'default', 'children'];
    if (extra.some((k) => rule[k] !== undefined) || mapping.flow(name) !== 'both') continue;
    if (keys.has(crm) || keys.has(erp) || mapping.derived(name)) continue;
    out.push({ name, crm, erp });
  }
  return out;
}

/** One record of a side, read now through its connector (undefined when it is gone). */
export async function readOne(connector: Connector, object: string, id: string): Promise<SourceRecord | undefined> {
  const [record] = await connector.read(object, [id]);
  return record;
}

/** Writes one update (or an archive) through the connector; throws with the system's message when refused. */
export async function userWrite(
  connector: Connector,
  object: string,
  id: string,
  change: { fields: Record<string, unknown> } | { archive: true },
): Promise<void> {
  const op =
    'archive' in change ? { op: 'archive' as const, id } : { op: 'update' as const, id, fields: change.fields };
  const [result] = await connector.write(object, [{ ...op, ref: 'demo-user-edit' }]);
  if (!result?.ok)
    throw new Error(`the demo's edit of ${object} ${id} was refused: ${result?.error.message ?? 'no answer'}`);
}

/** Linked pairs of the mapping whose two records are live, by CRM id (the same pairs in every run of a seed). */
export async function livePairs(
  loaded: LoadedMapping,
  links: readonly Link[],
  connectors: Readonly<Record<Side, Connector>>,
): Promise<Array<{ link: Link; crm: SourceRecord; erp: SourceRecord }>> {
  const { mapping } = loaded;
  const [crm, erp] = await Promise.all([
    connectors.crm.read(
      mapping.sides.crm.object,
      links.map((l) => l.crmId),
    ),
    connectors.erp.read(
      mapping.sides.erp.object,
      links.map((l) => l.erpId),
    ),
  ]);
  const byId = (records: SourceRecord[]): Map<string, SourceRecord> => new Map(records.map((r) => [r.id, r]));
  const [c, e] = [byId(crm), byId(erp)];
  const ordered = [...links].sort((x, y) => x.crmId.localeCompare(y.crmId, 'en', { numeric: true }));
  return ordered.flatMap((link) => {
    const left = c.get(link.crmId);
    const right = e.get(link.erpId);
    return left && right && !left.archived && !right.archived ? [{ link, crm: left, erp: right }] : [];
  });
}
