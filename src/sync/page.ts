/**
 * One page through the whole pipeline: load and decide (plan.ts), write and record
 * (apply.ts). A pair whose snapshot compare-and-set was lost to another writer is re-read
 * and re-decided once, with the page's cursor held back until then; lost a second time,
 * it is dead-lettered with the reason (replayable), and the cursor moves.
 */
import type { SourceRecord } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';
import { applyPage, type AppliedRecord, type ApplyContext } from './apply.ts';
import type { GatedPage } from './create-claims.ts';
import { planPage, type PlannedRecord } from './plan.ts';
import type { PageCursor } from './record.ts';

/** Options of {@link syncPage}. */
export interface SyncPageOptions {
  /** The stream's cursor to move with the page's outcomes. */
  readonly cursor?: PageCursor;
  /**
   * The pass's claim on creates (create-claims.ts), applied to the plans before anything is
   * written: creates over a key another record of the pass claimed wait, and the guard's
   * allowance is spent. When the guard cuts the page, it is handled up to the create that
   * would exceed it, nothing after is recorded, the cursor stays, and the outcome says
   * `guarded`. Undefined: every plan goes through.
   */
  readonly gate?: (plans: readonly PlannedRecord[]) => GatedPage;
}

/** What a page came to. */
export interface PageOutcome {
  /** One per record of the page (the retried ones with their second outcome). */
  readonly applied: readonly AppliedRecord[];
  /** Write calls made. */
  readonly writeCalls: number;
  /** Results for refs nobody sent (a connector bug). */
  readonly strays: number;
  /** Pairs re-read and re-decided after a lost compare-and-set. */
  readonly retried: number;
  /** The page stopped at the guard: records from the first create over the allowance on were not handled. */
  readonly guarded: boolean;
  /** Records of the page left unhandled by the guard. */
  readonly unhandled: number;
}

/** A plan for a record that changed under another sync and was gone when read again. */
function gone(from: Side, id: string): PlannedRecord {
  return {
    from,
    id,
    action: 'skip',
    reason: 'changed under another sync, then gone when read again',
    decisions: [],
    patch: { crm: {}, erp: {} },
    problems: [],
    canonical: {},
    records: {},
  };
}

/** Plans, writes and records one page of records read from `from`. */
export async function syncPage(
  ctx: ApplyContext,
  from: Side,
  records: readonly SourceRecord[],
  options: SyncPageOptions = {},
): Promise<PageOutcome> {
  const decided = ctx.decided ? { decided: ctx.decided } : {};
  let page = await planPage(ctx, from, records, decided);
  let cursor: { cursor?: SyncPageOptions['cursor'] } = options.cursor ? { cursor: options.cursor } : {};
  let guarded = false;
  let unhandled = 0;
  if (options.gate !== undefined) {
    const gated = options.gate(page.plans);
    page = { ...page, plans: gated.plans };
    if (gated.guarded) {
      // Stopped before the create that would exceed the guard: what comes before is handled, the rest waits with the cursor.
      guarded = true;
      unhandled = gated.unhandled;
      cursor = {};
    }
  }
  const first = await applyPage(ctx, page, { onLost: 'retry', ...cursor });
  if (first.lost.length === 0)
    return {
      applied: first.applied,
      writeCalls: first.writeCalls,
      strays: first.strays,
      retried: 0,
      guarded,
      unhandled,
    };
  const ids = first.lost.map((p) => p.id);
  const again = await ctx.connectors[from].read(ctx.mapping.sides[from].object, ids, undefined, {
    fieldTimes: ctx.mapping.conflicts === 'newest',
  });
  const replanned = await planPage(ctx, from, again, decided);
  const missing = ids.filter((id) => !again.some((r) => r.id === id)).map((id) => gone(from, id));
  const second = await applyPage(
    ctx,
    { ...replanned, plans: [...replanned.plans, ...missing] },
    { onLost: 'dead-letter', ...cursor },
  );
  return {
    applied: [...first.applied, ...second.applied],
    writeCalls: first.writeCalls + second.writeCalls,
    strays: first.strays + second.strays,
    retried: ids.length,
    guarded,
    unhandled,
  };
}
