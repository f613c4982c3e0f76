/**
 * One sync pass of a mapping from one side: the side's streams (streams.ts: its changes,
 * its deletions where the system lists them apart, the rows its aggregates roll up) drained
 * page by page through one loop. Each page goes through the bulk phases (page.ts: load,
 * decide, write, record) and its outcomes commit with the stream's cursor in one store
 * transaction, so a crash re-reads the page and nothing is lost (ARCHITECTURE invariant 2).
 *
 * A dry run loads and decides the same pages, writes nothing anywhere, leaves the cursors,
 * and stores its plans page by page (the store's `plans`, paged by the CLI and the admin
 * API; the plans of the newest dry runs of each mapping are kept). A pass keeps counts and
 * the page in hand, never every plan: `onPage` hands each page to a caller that wants it
 * (the CLI prints some, tests collect them). Every pass is a run in the store.
 */
import type { Cursor, PassPriority, SourceRecord } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';
import type { AuditActor } from '../store/audit-repository.ts';
import type { JsonObject } from '../store/json.ts';
import type { AppliedRecord, ApplyContext } from './apply.ts';
import { CreateClaims, type GatedPage } from './create-claims.ts';
import { createAllowance, heldError, holdState } from './guard.ts';
import { emptyIdentity, tallyIdentity, type IdentitySummary } from './identity-summary.ts';
import { indexRecords, refreshIndex } from './key-index.ts';
import { PageOrder } from './page-order.ts';
import { syncPage } from './page.ts';
import { withPassBudget, type PassApiUse } from './pass-budget.ts';
import { other } from './sides.ts';
import { planPage, type PlanAction, type PlannedRecord } from './plan.ts';
import { storedPlanOf } from './plan-view.ts';
import { PassProgress, serialWrites, type StreamProgress } from './progress.ts';
import { streamsOf } from './streams.ts';

export { cursorKey } from './streams.ts';

/** How many dry runs of a mapping keep their stored plans (older ones are pruned). */
export const DRY_RUNS_KEPT = 20;

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
  /** Called with each page once it is handled (planned, or written and recorded). */
  readonly onPage?: (page: PassPage) => void | Promise<void>;
  /** Called with the run's id as soon as the run is recorded (a caller stopping at once can close it). */
  readonly onRun?: (runId: string) => void;
  /**
   * The id of a run recorded beforehand and already taken (`runs.queue`, then `runs.claim`: a
   * pass a person asked for through the admin API, polled by its id): the pass records under
   * it instead of starting a run. Held by the create guard, that run ends `guarded`, saying so.
   */
  readonly runId?: string;
  /** `webhook` for a pass webhook deliveries started: it may spend the budget reserve (`sync.budgetReserve`). Default `scheduled`. */
  readonly priority?: PassPriority;
}

/** One page of a pass, handed to `onPage`. */
export interface PassPage {
  /** The stream it came from: `changes`, `deletions`, `rows:<object>`. */
  readonly stream: string;
  /** The plan of each record of the page. */
  readonly plans: readonly PlannedRecord[];
  /** Outcomes, for a pass that writes (the retried pairs with their second outcome). */
  readonly applied: readonly AppliedRecord[];
  /** The stream's progress after this page (progress.ts): counts so far, rate, total and ETA where known. */
  readonly progress: StreamProgress;
}

/** What a pass did (or, dry, would do), counted. */
export interface PassCounts {
  /** Records read. */
  read: number;
  /** Plans by action (`sync`, `create`, `archive`, `delete`, `skip`). */
  sync: number;
  create: number;
  archive: number;
  delete: number;
  skip: number;
  /** Outcomes of a pass that writes. */
  applied: number;
  skipped: number;
  conflicted: number;
  failed: number;
  /** Skips of records read and found unchanged since the last sync (counted here, not audited). */
  unchanged: number;
  /** Write calls made to the connectors. */
  writeCalls: number;
  /** Pairs re-read and re-decided after a lost compare-and-set. */
  retried: number;
  /** Write results for refs nobody sent (a connector breaking its contract). */
  strays: number;
  /** Records left unhandled by the create guard. */
  guarded: number;
  /** Listing calls made to build or refresh the other side's key index. */
  indexPages: number;
  /** Linked, matched, ambiguous, waiting, to create: the identity summary. */
  identity: IdentitySummary;
}

/** What a pass did (or, dry, would do). */
export interface PassReport {
  readonly mapping: string;
  readonly from: Side;
  readonly dryRun: boolean;
  /** The run's id in the store (dry runs are runs too; their plans are stored under it). */
  readonly runId: string;
  /** Records read. */
  readonly read: number;
  readonly counts: Readonly<PassCounts>;
  /** The `changes` stream's cursor after the pass (unchanged by a dry run). */
  readonly cursor: Cursor | null;
  /** Stopped between pages by `signal`. */
  readonly stopped: boolean;
  /** The create guard stopped it (the mapping is held now); a dry run says whether a real pass would stop. */
  readonly guarded: boolean;
  /** Vendor calls made by connection, with the budget left at the end (also the run's `api` count). */
  readonly api: PassApiUse;
}

const emptyCounts = (): PassCounts => ({
  read: 0,
  sync: 0,
  create: 0,
  archive: 0,
  delete: 0,
  skip: 0,
  applied: 0,
  skipped: 0,
  conflicted: 0,
  failed: 0,
  unchanged: 0,
  writeCalls: 0,
  retried: 0,
  strays: 0,
  guarded: 0,
  indexPages: 0,
  identity: emptyIdentity(),
});

/**
 * What a run records: the outcomes of a pass that writes, the plan counts of a dry run, and the identity summary.
 * `unchanged` (part of `skipped`) counts the records read and found as last synced, which are not audited.
 */
function runCounts(counts: PassCounts, dryRun: boolean): JsonObject {
  const {
    read,
    sync,
    create,
    archive,
    skip,
    applied,
    skipped,
    conflicted,
    failed,
    unchanged,
    writeCalls,
    retried,
    strays,
    guarded,
    indexPages,
  } = counts;
  const { examples: _examples, ...identity } = counts.identity;
  const extra = {
    ...(retried > 0 ? { retried } : {}),
    ...(strays > 0 ? { strays } : {}),
    ...(guarded > 0 ? { guarded } : {}),
    ...(indexPages > 0 ? { indexPages } : {}),
    identity,
  };
  if (dryRun)
    return {
      read,
      planned: read - skip,
      skipped: skip,
      unchanged,
      sync,
      create,
      archive: archive + counts.delete,
      ...extra,
    };
  return { read, applied, skipped, unchanged, conflicted, failed, writeCalls, ...extra };
}

/** The most pages the connections of a pass take at once: the lower of their `concurrency` (undeclared: 1). */
export function pagesAtOnce(ctx: Pick<ApplyContext, 'connectors'>): number {
  return Math.max(1, Math.min(ctx.connectors.crm.limits.concurrency ?? 1, ctx.connectors.erp.limits.concurrency ?? 1));
}

/** Runs one pass of `ctx.mapping` from `from`. */
export function runPass(
  ctx: Omit<ApplyContext, 'runId' | 'actor'>,
  from: Side,
  options: PassOptions,
): Promise<PassReport> {
  const connectors = [...new Set([ctx.connectors.crm, ctx.connectors.erp])];
  return withPassBudget(options.priority ?? 'scheduled', connectors, (api) => passWithin(ctx, from, options, api));
}

/** {@link runPass} in its call context: `api()` is its API use so far. */
async function passWithin(
  ctx: Omit<ApplyContext, 'runId' | 'actor'>,
  from: Side,
  options: PassOptions,
  api: () => PassApiUse,
): Promise<PassReport> {
  const { mapping, store } = ctx;
  const dryRun = !options.apply;
  const hold = dryRun ? { state: 'free' as const } : await holdState(store, mapping, from);
  if (hold.state === 'held') {
    const held = heldError(hold.hold);
    // A run asked for and polled by its id ends here, skipped as a scheduled pass is (never left running).
    if (options.runId !== undefined)
      await store.runs.finish(options.runId, { status: 'guarded', counts: {}, timings: {}, error: held.message });
    throw held;
  }
  const run =
    options.runId !== undefined
      ? { id: options.runId }
      : await store.runs.start(mapping.id, dryRun ? `dry-run:${from}` : `pass:${from}`);
  options.onRun?.(run.id);
  const started = Date.now();
  const counts = emptyCounts();
  const progress = new PassProgress(dryRun);
  // Counts so far on the run row, for the admin API in any process (one small update per page, in order).
  const saveProgress = serialWrites(() => store.runs.progress(run.id, runCounts(counts, dryRun), progress.toJson()));
  const applyCtx: ApplyContext = { ...ctx, runId: run.id, actor: options.actor ?? 'poll' };
  let cursor: Cursor | null = null;
  const stopped = (): boolean => options.signal?.aborted === true;
  let guarded = false;
  // An accepted hold lifts the guard for this pass.
  const guard = hold.state !== 'accepted';
  try {
    // The other side's key index, built the first time, then brought up to date from its own cursor. The stop
    // signal is not handed to the listings: a request in flight is answered and its page handled (stopping
    // happens between pages, where nothing is left half done).
    const refreshed = await refreshIndex(ctx, other(from), {
      ...(options.overlapMs === undefined ? {} : { overlapMs: options.overlapMs }),
      ...(options.signal === undefined ? {} : { stop: options.signal }),
    });
    counts.indexPages += refreshed.pages;
    const streams = streamsOf(ctx, from, {
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      ...(options.overlapMs === undefined ? {} : { overlapMs: options.overlapMs }),
    });
    // Pages handled at once: the lower of the two connections' concurrency (requests in flight are capped by each
    // connection's HTTP client too). Aggregate rows go one page at a time: rows of one record span pages.
    const parallel = pagesAtOnce(ctx);
    // A dry run plans every page to the end: it only says whether a real pass would stop at the guard.
    const claims = new CreateClaims(
      mapping,
      guard && !dryRun ? () => createAllowance(mapping, counts.read) : undefined,
    );
    const gate = (plans: readonly PlannedRecord[]): GatedPage => claims.gate(plans);
    for (const stream of streams) {
      if (stopped() || guarded) break;
      const saved = stream.cursorKey === undefined ? undefined : await store.cursors.get(stream.cursorKey);
      const since: Cursor | null =
        saved?.timestamp && saved.id !== null ? { timestamp: saved.timestamp, id: saved.id } : null;
      if (stream.name === 'changes') cursor = since;
      const order = new PageOrder<Cursor>();
      const width = stream.name.startsWith('rows:') ? 1 : parallel;
      const inHand = new Set<Promise<void>>();
      let failure: { error: unknown } | undefined;

      const handle = async (
        records: readonly SourceRecord[],
        total: number | undefined,
        seq: number,
      ): Promise<void> => {
        // This side's keys, as just read, for passes of the other side.
        await indexRecords(ctx, from, records);
        let plans: readonly PlannedRecord[];
        let applied: readonly AppliedRecord[] = [];
        if (dryRun) {
          const gated = gate((await planPage(ctx, from, records)).plans);
          plans = gated.plans;
          if (plans.length > 0) await store.plans.addMany(run.id, plans.map(storedPlanOf));
          // Whether a real pass would stop at the guard here.
          if (claims.claimed > createAllowance(mapping, counts.read)) guarded = true;
        } else {
          const key = stream.cursorKey;
          const outcome = await syncPage(applyCtx, from, records, {
            ...(key === undefined ? {} : { cursor: { key, value: () => order.cursorFor(seq) } }),
            gate,
          });
          applied = outcome.applied;
          plans = applied.map((a) => a.plan);
          counts.writeCalls += outcome.writeCalls;
          counts.retried += outcome.retried;
          counts.strays += outcome.strays;
          counts.guarded += outcome.unhandled;
          for (const a of applied) counts[a.status] += 1;
          // A page cut at the guard is not handled: no cursor passes it.
          if (outcome.guarded) guarded = true;
          else order.handled(seq);
        }
        for (const p of plans) {
          counts[p.action satisfies PlanAction] += 1;
          if (p.unchanged === true) counts.unchanged += 1;
          tallyIdentity(counts.identity, p);
        }
        const tally = { stream: stream.name, read: records.length, total, plans, applied };
        const done = progress.add(tally);
        await saveProgress();
        await options.onPage?.({ stream: stream.name, plans, applied, progress: done });
      };

      for await (const page of stream.pages(since)) {
        if (stopped() || failure !== undefined || (guarded && !dryRun)) break;
        counts.read += page.records.length;
        const seq = order.add({ timestamp: page.cursor.timestamp, id: page.cursor.id });
        const task: Promise<void> = handle(page.records, page.total, seq)
          .catch((error: unknown) => {
            failure ??= { error };
          })
          .finally(() => inHand.delete(task));
        inHand.add(task);
        // The listing reads ahead while pages are in hand; it waits when `width` pages are.
        while (inHand.size >= width) await Promise.race(inHand);
      }
      // The pages in hand are finished whatever stopped the loop (Ctrl-C once stops after them).
      await Promise.all(inHand);
      if (!dryRun && stream.cursorKey !== undefined) {
        const behind = order.behind();
        if (behind !== undefined) await store.cursors.set(stream.cursorKey, behind);
      }
      if (stream.name === 'changes' && !dryRun) cursor = order.position() ?? cursor;
      if (failure !== undefined) throw failure.error;
    }
    if (guarded && !dryRun) {
      const reason =
        `the pass from ${from} would create more than the guard allows (${counts.create} created ` +
        `of ${counts.read} read; ${counts.guarded} records of the page left for after acceptance)`;
      await store.holds.hold({
        mappingId: mapping.id,
        mappingVersion: mapping.version,
        runId: run.id,
        reason,
        counts: {
          side: from,
          read: counts.read,
          created: counts.create,
          allowance: createAllowance(mapping, counts.read),
        },
      });
    } else if (hold.state === 'accepted' && !stopped()) await store.holds.clear(mapping.id);
    await store.runs.finish(run.id, {
      status: guarded && !dryRun ? 'guarded' : stopped() ? 'stopped' : 'succeeded',
      counts: { ...runCounts(counts, dryRun), api: api() },
      timings: { total: Date.now() - started },
      ...(stopped()
        ? { error: 'stopped between pages (the process was stopping); the next pass goes on from the cursor' }
        : {}),
    });
    if (dryRun) await store.plans.prune(mapping.id, DRY_RUNS_KEPT);
  } catch (err) {
    await store.runs.finish(run.id, {
      status: 'failed',
      counts: { ...runCounts(counts, dryRun), api: api() },
      timings: { total: Date.now() - started },
      error: (err as Error).message,
    });
    throw err;
  }
  return {
    mapping: mapping.id,
    from,
    dryRun,
    runId: run.id,
    read: counts.read,
    counts,
    cursor,
    stopped: stopped(),
    guarded,
    api: api(),
  };
}
