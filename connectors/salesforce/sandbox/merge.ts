/**
 * Merging duplicates, as the SOAP API's `merge()` call and the UI do (SOAP API Developer
 * Guide, "merge()"): the master keeps its id and takes the given field values, the
 * records pointing at a loser are re-parented to the master, and each loser goes to the
 * recycle bin with `MasterRecordId` set, visible through `queryAll` and getDeleted. Only
 * Account and Contact merge here (and in a new org's REST-reachable objects).
 */
import { SalesforceApiError } from './errors.ts';
import { normalizeId } from './ids.ts';
import type { SObjectRow } from './records.ts';
import type { SalesforceStore, WriteContext } from './store.ts';

/** What a merge answers (MergeResult). */
export interface MergeOutcome {
  /** The master's id. */
  id: string;
  /** The losers' ids. */
  mergedRecordIds: string[];
  /** Records re-parented from a loser to the master. */
  updatedRelatedIds: string[];
}

/** Merges `loserIds` (one or two) into `masterId`, all or nothing. */
export function mergeRecords(
  store: SalesforceStore,
  typeName: string,
  masterId: string,
  loserIds: string[],
  masterFields: Record<string, unknown>,
  ctx: WriteContext,
): MergeOutcome {
  const type = store.requireType(typeName);
  if (!type.mergeable) {
    throw new SalesforceApiError(400, 'INVALID_TYPE_FOR_OPERATION', `entity type ${type.name} does not support merge`);
  }
  if (loserIds.length < 1 || loserIds.length > 2) {
    throw new SalesforceApiError(400, 'INVALID_OPERATION', 'A merge request must include one or two records to merge');
  }
  const master = normalizeId(masterId) ?? masterId;
  const losers = loserIds.map((id) => normalizeId(id) ?? id);
  if (losers.includes(master) || new Set(losers).size !== losers.length) {
    throw new SalesforceApiError(400, 'INVALID_OPERATION', 'cannot merge a record with itself', []);
  }
  return store.transaction(() => {
    store.get(type.name, master);
    for (const id of losers) store.get(type.name, id);
    const updatedRelatedIds: string[] = [];
    for (const loser of losers) {
      for (const t of store.types()) {
        const refs = t.fields.filter(
          (f) => f.type === 'reference' && f.referenceTo.includes(type.name) && f.name !== 'MasterRecordId',
        );
        if (refs.length === 0) continue;
        for (const row of [...store.rows(t.name, false)]) {
          const changed = refs.filter((f) => row[f.name] === loser).map((f) => f.name);
          if (changed.length === 0 || losers.includes(String(row['Id']))) continue;
          const next: SObjectRow = { ...row };
          for (const name of changed) next[name] = master;
          store.save(t, next, row, changed, ctx, 'updated');
          updatedRelatedIds.push(String(row['Id']));
        }
      }
    }
    const prev = store.get(type.name, master);
    const fields = Object.keys(masterFields).filter((k) => k.toLowerCase() !== 'id');
    if (fields.length > 0)
      store.update(type.name, master, Object.fromEntries(fields.map((k) => [k, masterFields[k]])), ctx);
    const now = store.get(type.name, master);
    const changed = Object.keys(now).filter((k) => now[k] !== prev[k]);
    store.save(type, { ...now }, now, changed, ctx, 'merged');
    for (const loser of losers) store.delete(type.name, loser, ctx, master);
    return { id: master, mergedRecordIds: losers, updatedRelatedIds };
  });
}
