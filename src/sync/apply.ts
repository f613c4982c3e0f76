/**
 * Carries out a page's plan: the write phase (write-batcher.ts: each side's ops in
 * chunks of its connector's limits, every op answered exactly once), then the record
 * phase (record.ts: one store transaction with links, snapshots, conflicts, dead letters,
 * audit entries and the cursor). When a write call fails as a whole, the outcomes already
 * answered are recorded (without moving the cursor) before the error goes on, so a link
 * to a record just created is never lost.
 */
import type { WriteOp, WriteResult } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';
import type { AuditActor } from '../store/audit-repository.ts';
import type { MappingValue } from '../mapping/transforms/index.ts';
import type { PagePlan, PlanContext, PlannedRecord } from './plan.ts';
import { recordPage, type PageCursor, type RecordOutcome } from './record.ts';
import { other, SIDES } from './sides.ts';
import { WriteAborted, writeInBatches } from './write-batcher.ts';

/** What applying needs besides the plan context. */
export interface ApplyContext extends PlanContext {
  /** Connection name of each side (dead letters name it). */
  readonly connections: Readonly<Record<Side, string>>;
  /** The run, for audit entries. */
  readonly runId: string;
  /** Who caused it. */
  readonly actor: AuditActor;
  /** The person behind it (an admin resolving or replaying), recorded in each audit entry. */
  readonly by?: string;
  /** The side a person chose per field, resolving parked conflicts (the plan was made with the same: `PlanOptions.decided`). */
  readonly decided?: Readonly<Record<string, Side>>;
}

/** What became of one planned record. */
export interface AppliedRecord {
  readonly plan: PlannedRecord;
  readonly status: 'applied' | 'skipped' | 'conflicted' | 'failed';
  /** The target's message, for a failure. */
  readonly message?: string;
  /** The partner's id after the write (a create's new id). */
  readonly partnerId?: string;
}

/** Options of {@link applyPage}. */
export interface ApplyOptions {
  /** The stream's cursor to move with the page's outcomes. */
  readonly cursor?: PageCursor;
  /** What to do with a pair whose compare-and-set is lost (see record.ts). */
  readonly onLost: 'retry' | 'dead-letter';
}

/** What applying a page did. */
export interface ApplyOutcome extends RecordOutcome {
  /** Write calls made (each at most one chunk of the connector's limits). */
  readonly writeCalls: number;
  /** Results for refs nobody sent (a connector bug), counted. */
  readonly strays: number;
}

const nonEmpty = (patch: Record<string, MappingValue>): boolean => Object.keys(patch).length > 0;
const refOf = (plan: PlannedRecord, side: Side): string => `${plan.from}:${plan.id}>${side}`;

/** The write ops of a plan, per side. */
export function opsOf(plan: PlannedRecord): Partial<Record<Side, WriteOp>> {
  const to = other(plan.from);
  const ops: Partial<Record<Side, WriteOp>> = {};
  if (plan.action === 'create') {
    ops[to] = {
      op: 'create',
      ref: refOf(plan, to),
      fields: plan.patch[to],
      ...(plan.createKey ? { idempotencyKey: plan.createKey } : {}),
    };
  } else if ((plan.action === 'archive' || plan.action === 'delete') && plan.partnerId) {
    ops[to] = { op: plan.action, ref: refOf(plan, to), id: plan.partnerId };
  } else if (plan.action === 'sync') {
    if (nonEmpty(plan.patch[to]) && plan.partnerId)
      ops[to] = { op: 'update', ref: refOf(plan, to), id: plan.partnerId, fields: plan.patch[to] };
    if (nonEmpty(plan.patch[plan.from]))
      ops[plan.from] = { op: 'update', ref: refOf(plan, plan.from), id: plan.id, fields: plan.patch[plan.from] };
  }
  return ops;
}

/** Writes a page's plan and records every outcome. */
export async function applyPage(ctx: ApplyContext, page: PagePlan, options: ApplyOptions): Promise<ApplyOutcome> {
  const ops = page.plans.map(opsOf);
  const results = new Map<string, WriteResult>();
  let writeCalls = 0;
  let strays = 0;
  // The two sides' writes are independent: sent side by side, each in its connection's chunks.
  const written = await Promise.allSettled(
    SIDES.map(async (side) => {
      const mine = ops.flatMap((o) => (o[side] ? [o[side]] : []));
      return mine.length === 0 ? undefined : writeInBatches(ctx.connectors[side], ctx.mapping.sides[side].object, mine);
    }),
  );
  let aborted: unknown;
  for (const outcome of written) {
    if (outcome.status === 'fulfilled') {
      if (outcome.value === undefined) continue;
      for (const [ref, result] of outcome.value.results) results.set(ref, result);
      writeCalls += outcome.value.calls;
      strays += outcome.value.strays;
      continue;
    }
    const err: unknown = outcome.reason;
    if (!(err instanceof WriteAborted)) throw err;
    for (const [ref, result] of err.answered.results) results.set(ref, result);
    writeCalls += err.answered.calls;
    aborted ??= err.cause;
  }
  if (aborted !== undefined) {
    // Record what was answered (links to records just made must not be lost); the cursor stays.
    const answered = new Set(
      page.plans.flatMap((_, i) =>
        SIDES.every((s) => ops[i]?.[s] === undefined || results.has((ops[i]?.[s] as WriteOp).ref)) &&
        Object.keys(ops[i] ?? {}).length > 0
          ? [i]
          : [],
      ),
    );
    if (answered.size > 0) await recordPage(ctx, { page, ops, results, only: answered, onLost: 'dead-letter' });
    throw aborted;
  }
  const recorded = await recordPage(ctx, {
    page,
    ops,
    results,
    onLost: options.onLost,
    ...(options.cursor ? { cursor: options.cursor } : {}),
  });
  return { ...recorded, writeCalls, strays };
}
