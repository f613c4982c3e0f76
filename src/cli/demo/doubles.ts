/**
 * "Nothing doubled", counted: every record of one side of a mapping is listed through
 * its connector (archived ones left out, the side's filter applied), and read into the
 * key of the mapping's first match rule that gives it one (normalised as the engine
 * compares it: `Ann@X.example ` and `ann@x.example` are one key). A key held by two
 * live records on one side is a customer doubled there.
 */
import type { Connector, SourceRecord } from '../../connector/index.ts';
import type { Side } from '../../mapping/spec.ts';
import type { CompiledMapping } from '../../mapping/types.ts';
import { flatten } from '../../sync/sides.ts';

/** The live records of one side of a mapping, by key. */
export interface SideKeys {
  readonly side: Side;
  /** Live records the side's filter accepts. */
  readonly records: number;
  /** Distinct keys among them. */
  readonly keys: number;
  /** Records without a key (no email, no domain and no name...). */
  readonly keyless: number;
  /** Keys held by more than one record, with their ids. */
  readonly doubled: ReadonlyArray<{ key: string; ids: string[] }>;
}

/** Every record of `object`, each once (a listing's pages may overlap). */
export async function listAll(connector: Connector, object: string): Promise<SourceRecord[]> {
  const byId = new Map<string, SourceRecord>();
  for await (const page of connector.listChanges(object, null)) for (const r of page.records) byId.set(r.id, r);
  return [...byId.values()];
}

/** Counts the keys of `side` of `mapping` as its connector lists them now. */
export async function sideKeys(mapping: CompiledMapping, side: Side, connector: Connector): Promise<SideKeys> {
  const rules = mapping.matchRules.filter((r) => !r.compound);
  const live = (await listAll(connector, mapping.sides[side].object))
    .filter((r) => r.archived !== true)
    .map(flatten)
    .filter((r) => mapping.accepts(r, side));
  const byKey = new Map<string, string[]>();
  let keyless = 0;
  for (const record of live) {
    const key = rules.map((r) => r.key(record, side) && `${r.label}: ${r.key(record, side)}`).find(Boolean);
    if (!key) {
      keyless += 1;
      continue;
    }
    const ids = byKey.get(key) ?? [];
    ids.push(String(record.id));
    byKey.set(key, ids);
  }
  const doubled = [...byKey].filter(([, ids]) => ids.length > 1).map(([key, ids]) => ({ key, ids }));
  return { side, records: live.length, keys: byKey.size, keyless, doubled };
}
