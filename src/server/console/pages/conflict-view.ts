/**
 * What the Conflicts page shows of each parked conflict: the two values parked, the value
 * both sides last agreed on (the pair's snapshot keeps a parked field's old value until
 * someone decides), and when each side changed. The store does not keep per-side change
 * times, so both records of the page's conflicts are read through their connectors (one
 * batched read per side and mapping; page-records.ts): each record's last modification
 * time (the field changed at or before it: per-field times, where a system keeps them,
 * cost a heavier read and are keyed by the vendor's field names, so they are not asked
 * for), and each record's value now, when it moved on since the conflict was parked.
 */
import type { SourceRecord } from '../../../connector/index.ts';
import type { Side } from '../../../mapping/spec.ts';
import type { Conflict } from '../../../store/conflict-repository.ts';
import type { Link } from '../../../store/link-repository.ts';
import type { Snapshot } from '../../../store/snapshot-repository.ts';
import type { SyncEngine } from '../../../sync/engine.ts';
import { flatten, SIDES } from '../../../sync/sides.ts';
import type { Store } from '../../../store/store.ts';
import { readForPage, type PageRecords } from './page-records.ts';
import { shown, type ShownValue } from './shown-value.ts';

/** One side of a conflict as shown. */
export interface ConflictSideView {
  /** The record's id on this side (absent when the pair is no longer linked). */
  readonly recordId?: string;
  /** The value parked. */
  readonly value: ShownValue;
  /** The value now, when it differs from the one parked. */
  readonly now?: ShownValue;
  /** When the record last changed (ISO 8601; the field changed at or before it); absent when it was not read. */
  readonly changedAt?: string;
  /** Whether a person may take this side's value (the field flows from it). */
  readonly takeable: boolean;
}

/** A conflict row of the page. */
export interface ConflictView {
  readonly conflict: Conflict;
  readonly crm: ConflictSideView;
  readonly erp: ConflictSideView;
  /** What both sides last agreed on (the snapshot's CRM value, and the ERP's when it reads differently). */
  readonly agreed?: ShownValue;
  readonly agreedErp?: ShownValue;
  /** When the pair was last synced (the snapshot written). */
  readonly agreedAt?: string;
  /** Absent when the pair is still linked. */
  readonly unlinked?: boolean;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Builds the rows of the page for `conflicts` (one page: bounded). */
export async function conflictViews(
  store: Store,
  engine: SyncEngine,
  conflicts: readonly Conflict[],
): Promise<{ rows: ConflictView[]; notes: string[] }> {
  const links = new Map<string, Link>();
  for (const link of await Promise.all([...new Set(conflicts.map((c) => c.linkId))].map((id) => store.links.get(id))))
    if (link) links.set(link.id, link);
  const snapshots = await store.snapshots.getMany([...links.keys()]);
  const notes: string[] = [];
  // Both records of every pair on the page, per mapping and side: one batched read each.
  const read = new Map<string, PageRecords>();
  for (const mappingId of new Set(conflicts.map((c) => c.mappingId))) {
    const known = engine.mappings.find((m) => m.id === mappingId);
    if (known === undefined) continue;
    let ctx: ReturnType<SyncEngine['context']>;
    try {
      ctx = engine.context(mappingId);
    } catch (err) {
      notes.push((err as Error).message);
      continue;
    }
    const pairs = conflicts.filter((c) => c.mappingId === mappingId).flatMap((c) => links.get(c.linkId) ?? []);
    for (const side of SIDES) {
      const got = await readForPage(
        ctx.connectors[side],
        known.sides[side].object,
        pairs.map((l) => (side === 'crm' ? l.crmId : l.erpId)),
      );
      if (got.error) notes.push(got.error);
      read.set(`${mappingId}:${side}`, got);
    }
  }
  const rows = conflicts.map((c): ConflictView => {
    const link = links.get(c.linkId);
    const snapshot: Snapshot | undefined = link ? snapshots.get(link.id) : undefined;
    const mapping = engine.mappings.find((m) => m.id === c.mappingId);
    const side = (s: Side): ConflictSideView => {
      const recordId = link ? (s === 'crm' ? link.crmId : link.erpId) : undefined;
      const record: SourceRecord | undefined =
        recordId === undefined ? undefined : read.get(`${c.mappingId}:${s}`)?.byId.get(recordId);
      const parked = s === 'crm' ? c.crmValue : c.erpValue;
      const flow = mapping?.flow(c.field);
      let now: unknown;
      if (record && mapping) {
        try {
          now = mapping.toCanonical(flatten(record), s).values[c.field];
        } catch {
          now = undefined;
        }
      }
      return {
        ...(recordId === undefined ? {} : { recordId }),
        value: shown(parked),
        ...(record && mapping && !same(now, parked) ? { now: shown(now) } : {}),
        ...(record ? { changedAt: record.modifiedAt } : {}),
        takeable: c.status === 'open' && (flow === 'both' || flow === `${s}->${s === 'crm' ? 'erp' : 'crm'}`),
      };
    };
    const agreedCrm = snapshot?.crm[c.field];
    const agreedErp = snapshot?.erp[c.field];
    return {
      conflict: c,
      crm: side('crm'),
      erp: side('erp'),
      ...(snapshot ? { agreed: shown(agreedCrm), agreedAt: snapshot.updatedAt } : {}),
      ...(snapshot && !same(agreedCrm, agreedErp) ? { agreedErp: shown(agreedErp) } : {}),
      ...(link ? {} : { unlinked: true }),
    };
  });
  return { rows, notes };
}
