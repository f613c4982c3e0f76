/**
 * One sync pass of a mapping from one side: the changes since that side's cursor, page
 * by page, planned (plan.ts) and, unless it is a dry run, carried out (apply.ts). The
 * cursor moves only after every record of a page is handled (written, skipped with a
 * reason, parked as a conflict, or dead-lettered), so a crash re-reads the page and
 * nothing is lost (ARCHITECTURE invariant 2). Where a system lists deletions apart
 * (HubSpot), they are read too, with a cursor of their own, when the mapping acts on them
 * (`deletes: archive | delete`). Rows that aggregates roll up (invoices of a company) are
 * listed too, with a cursor of their own, and bring the records they reference into the
 * pass. A dry run reads the same changes, writes nothing anywhere
 * and leaves the cursors where they were. Every pass is a run in the store.
 */
import type { Cursor } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';
import type { CompiledMapping } from '../mapping/types.ts';
import type { AuditActor } from '../store/audit-repository.ts';
import { applyPage, type AppliedRecord, type ApplyContext } from './apply.ts';
import { planPage, type PlannedRecord } from './plan.ts';

/** Options of {@link runPass}. */
export interface PassOptions {
  /** Write (true) or only plan (a dry run). */
  readonly apply: boolean;
  /** Who started it (audit actor); default `poll`. */
  readonly actor?: AuditActor;
  /** Records per page asked of the connector. */
  readonly pageSize?: number;
  /** Extra re-read window behind the cursor, ms (connectors enforce their own minimum). */
  readonly overlapMs?: number;
  /** Stops the pass between pages (the process is stopping): what was handled stays handled, the cursor says where to go on. */
  readonly signal?: AbortSignal;
}

/** What a pass did (or, dry, would do). */
export interface PassReport {
  readonly mapping: string;
  readonly from: Side;
  readonly dryRun: boolean;
  /** The run's id in the store (dry runs are runs too). */
  readonly runId: string;
  /** Records read. */
  readonly read: number;
  /** The plan of every record read, in order. */
  readonly plans: readonly PlannedRecord[];
  /** Outcomes, when applied. */
  readonly applied: readonly AppliedRecord[];
  /** The cursor after the pass (unchanged by a dry run). */
  readonly cursor: Cursor | null;
}

/** The distinct row sources of the aggregates on `side` (one listing each, even when several fields roll them up). */
function rollUpSources(rollUps: CompiledMapping['rollUps'], side: Side): { from: string; by: string }[] {
  const seen = new Map<string, { from: string; by: string }>();
  for (const r of rollUps) if (r.side === side) seen.set(`${r.from}|${r.by}`, { from: r.from, by: r.by });
  return [...seen.values()];
}

/** The store key of a mapping side's cursor. */
export const cursorKey = (mappingId: string, side: Side): string => `sync:${mappingId}:${side}`;

/** Runs one pass of `ctx.mapping` from `from`. */
export async function runPass(ctx: Omit<ApplyContext, 'runId' | 'actor'>, from: Side, options: PassOptions): Promise<PassReport> {
  const { mapping, store } = ctx;
  const run = await store.runs.start(mapping.id, options.apply ? `pass:${from}` : `dry-run:${from}`);
  const started = Date.now();
  const saved = await store.cursors.get(cursorKey(mapping.id, from));
  let cursor: Cursor | null = saved?.timestamp && saved.id !== null ? { timestamp: saved.timestamp, id: saved.id } : null;
  const plans: PlannedRecord[] = [];
  const applied: AppliedRecord[] = [];
  let read = 0;
  try {
    const listing = ctx.connectors[from].listChanges(mapping.sides[from].object, cursor, {
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      ...(options.overlapMs === undefined ? {} : { overlapMs: options.overlapMs }),
    });
    for await (const page of listing) {
      if (options.signal?.aborted) break;
      read += page.records.length;
      const planned = await planPage(ctx, from, page.records);
      plans.push(...planned);
      if (options.apply) {
        applied.push(...(await applyPage({ ...ctx, runId: run.id, actor: options.actor ?? 'poll' }, planned)));
        await store.cursors.set(cursorKey(mapping.id, from), { timestamp: page.cursor.timestamp, id: page.cursor.id });
        cursor = page.cursor;
      }
    }
    // Systems whose change listing omits deletions (HubSpot search) list them apart, with their own cursor.
    const listDeleted = ctx.connectors[from].listDeleted?.bind(ctx.connectors[from]);
    if (listDeleted && mapping.deletes !== 'ignore' && options.signal?.aborted !== true) {
      const key = `${cursorKey(mapping.id, from)}:deleted`;
      const savedDeleted = await store.cursors.get(key);
      const since: Cursor | null = savedDeleted?.timestamp && savedDeleted.id !== null ? { timestamp: savedDeleted.timestamp, id: savedDeleted.id } : null;
      for await (const page of listDeleted(mapping.sides[from].object, since, options.overlapMs === undefined ? {} : { overlapMs: options.overlapMs })) {
        if (options.signal?.aborted) break;
        read += page.records.length;
        const planned = await planPage(ctx, from, page.records.map((r) => ({ ...r, archived: true })));
        plans.push(...planned);
        if (options.apply) {
          applied.push(...(await applyPage({ ...ctx, runId: run.id, actor: options.actor ?? 'poll' }, planned)));
          await store.cursors.set(key, { timestamp: page.cursor.timestamp, id: page.cursor.id });
        }
      }
    }
    // Aggregates read rows of another object (a company's invoices): rows changed since their own cursor
    // bring the records they reference into the pass, so a paid invoice updates its company's figure.
    for (const source of rollUpSources(mapping.rollUps, from)) {
      if (options.signal?.aborted) break;
      const key = `${cursorKey(mapping.id, from)}:rows:${source.from}`;
      const savedRows = await store.cursors.get(key);
      const since: Cursor | null = savedRows?.timestamp && savedRows.id !== null ? { timestamp: savedRows.timestamp, id: savedRows.id } : null;
      const rows = ctx.connectors[from].listChanges(source.from, since, { fields: [source.by], ...(options.overlapMs === undefined ? {} : { overlapMs: options.overlapMs }) });
      for await (const page of rows) {
        if (options.signal?.aborted) break;
        const ids = [...new Set(page.records.flatMap((r) => (r.fields[source.by] === null || r.fields[source.by] === undefined || r.fields[source.by] === false ? [] : [String(r.fields[source.by])])))];
        const records = ids.length === 0 ? [] : await ctx.connectors[from].read(mapping.sides[from].object, ids, undefined, { fieldTimes: mapping.conflicts === 'newest' });
        read += records.length;
        const planned = await planPage(ctx, from, records);
        plans.push(...planned);
        if (options.apply) {
          applied.push(...(await applyPage({ ...ctx, runId: run.id, actor: options.actor ?? 'poll' }, planned)));
          await store.cursors.set(key, { timestamp: page.cursor.timestamp, id: page.cursor.id });
        }
      }
    }
    const count = (status: string): number => applied.filter((a) => a.status === status).length;
    const counts: Record<string, number> = options.apply
      ? { read, applied: count('applied'), skipped: count('skipped'), conflicted: count('conflicted'), failed: count('failed') }
      : { read, planned: plans.filter((p) => p.action !== 'skip').length, skipped: plans.filter((p) => p.action === 'skip').length };
    await store.runs.finish(run.id, { status: 'succeeded', counts, timings: { total: Date.now() - started }, ...(options.signal?.aborted ? { error: 'stopped between pages (the process was stopping); the next pass goes on from the cursor' } : {}) });
  } catch (err) {
    await store.runs.finish(run.id, { status: 'failed', counts: { read }, timings: { total: Date.now() - started }, error: (err as Error).message });
    throw err;
  }
  return { mapping: mapping.id, from, dryRun: !options.apply, runId: run.id, read, plans, applied, cursor };
}
