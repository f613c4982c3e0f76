/**
 * After a write, reads the written records back in one `read` call per batch, so each
 * result carries the values Odoo now holds (`WriteSuccess.fields`): the snapshot the
 * engine stores to recognise its own change when it comes back (no sync loops). Odoo's
 * `create`, `write` and `load` answer ids or `True`, never values, and what Odoo holds
 * can differ from what was sent (onchange and compute methods, rounding, a name
 * normalised by a module).
 *
 * Only the fields a record was written with are read (relation lines excepted: they come
 * back as ids, not as the lines sent). A read-back that fails leaves the results without
 * values, never turns a done write into a failure: the write happened, and a plain
 * create reported as failed would be created again.
 */
import type { SourceRecord, WriteOp, WriteResult } from '../../src/connector/index.ts';
import { EXTERNAL_ID_FIELD } from './describe.ts';
import type { OdooFields } from './values.ts';

/** Reads records of the written model by id (the connector's `read`). */
export type ReadIds = (ids: readonly string[], fields: readonly string[]) => Promise<SourceRecord[]>;

/** `results` with `fields` filled from a read-back of the created and updated records. */
export async function withReadBack(
  results: WriteResult[],
  ops: readonly WriteOp[],
  types: OdooFields,
  read: ReadIds,
): Promise<WriteResult[]> {
  const opOf = new Map(ops.map((op) => [op.ref, op]));
  const written = new Map<string, string[]>();
  for (const result of results) {
    if (!result.ok || (result.outcome !== 'created' && result.outcome !== 'updated')) continue;
    const names = Object.keys(opOf.get(result.ref)?.fields ?? {}).filter(
      (n) => n !== EXTERNAL_ID_FIELD && n !== 'id' && types.get(n)?.type !== 'one2many' && types.has(n),
    );
    if (names.length > 0) written.set(result.id, names);
  }
  if (written.size === 0) return results;
  const fields = [...new Set([...written.values()].flat())];
  let records: SourceRecord[];
  try {
    records = await read([...written.keys()], fields);
  } catch {
    return results;
  }
  const byId = new Map(records.map((r) => [r.id, r]));
  return results.map((result) => {
    const names = result.ok ? written.get(result.id) : undefined;
    const record = result.ok ? byId.get(result.id) : undefined;
    if (!result.ok || names === undefined || record === undefined) return result;
    return { ...result, fields: Object.fromEntries(names.map((n) => [n, record.fields[n] ?? null])) };
  });
}
