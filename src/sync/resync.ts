/**
 * Syncs one record again, now: read it by id from its side and take it through the same
 * pipeline as a page of a pass (page.ts: load, decide, write, record) as a run of its own. This is how a person's decisions take effect
 * (resolve.ts: a parked conflict; replay.ts: a dead letter): through the same merge,
 * links, snapshot compare-and-set, dead letters and audit entries as a pass, never by
 * writing a stored payload that may be stale.
 */
import { FrontbackError, ErrorCode } from '../errors.ts';
import type { Side } from '../mapping/spec.ts';
import type { AuditActor } from '../store/audit-repository.ts';
import type { AppliedRecord, ApplyContext } from './apply.ts';
import { syncPage } from './page.ts';

/** A mapping with its connectors and store: what passes, resolutions and replays run in. */
export type SyncContext = Omit<ApplyContext, 'runId' | 'actor' | 'by' | 'decided'>;

/** What syncing one record again did. */
export interface ResyncOutcome {
  /** The run it was recorded under. */
  readonly runId: string;
  /** The plan and its outcome. */
  readonly applied: AppliedRecord;
}

/** Options of {@link resyncRecord}. */
export interface ResyncOptions {
  /** Audit actor: `admin` for a resolution, `replay` for a dead letter. */
  readonly actor: AuditActor;
  /** The run's trigger, e.g. `resolve` or `replay`. */
  readonly trigger: string;
  /** The person behind it (recorded in the audit entry). */
  readonly by?: string;
  /** A person's choice of side per field (see `PlanOptions.decided`). */
  readonly decided?: Readonly<Record<string, Side>>;
}

/** Reads record `id` of side `from` and syncs it as a one-record run. */
export async function resyncRecord(
  ctx: SyncContext,
  from: Side,
  id: string,
  options: ResyncOptions,
): Promise<ResyncOutcome> {
  const { mapping, store } = ctx;
  const object = mapping.sides[from].object;
  const run = await store.runs.start(mapping.id, options.trigger);
  const started = Date.now();
  try {
    const [record] = await ctx.connectors[from].read(object, [id], undefined, {
      fieldTimes: mapping.conflicts === 'newest',
    });
    if (record === undefined) {
      throw new FrontbackError(
        ErrorCode.NotFound,
        `${from} record ${object} ${id} is not there any more (deleted or archived): nothing to sync`,
        { details: { mapping: mapping.id, side: from, id } },
      );
    }
    const {
      applied: [applied],
    } = await syncPage(
      {
        ...ctx,
        runId: run.id,
        actor: options.actor,
        ...(options.by === undefined ? {} : { by: options.by }),
        ...(options.decided ? { decided: options.decided } : {}),
      },
      from,
      [record],
    );
    if (applied === undefined)
      throw new FrontbackError(ErrorCode.Internal, `planning ${from} record ${id} gave no plan`);
    await store.runs.finish(run.id, {
      status: 'succeeded',
      counts: { read: 1, [applied.status]: 1 },
      timings: { total: Date.now() - started },
    });
    return { runId: run.id, applied };
  } catch (err) {
    await store.runs.finish(run.id, {
      status: 'failed',
      counts: { read: 0 },
      timings: { total: Date.now() - started },
      error: (err as Error).message,
    });
    throw err;
  }
}
