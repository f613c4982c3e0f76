/**
 * Passes a person asks for through the admin API (a plan, or a run now), without the server
 * running them (issue #16: in distributed mode `serve` holds no state). Each asked-for side
 * is recorded first as a run `queued` (with an audit entry naming who asked), so its id is
 * known at once and `GET /admin/runs/:id` shows it queued, running, then finished; then a
 * job carrying that id is added (job id `admin-<run>`: one job per run, whoever adds it),
 * which the pass worker runs under the run (pass-worker.ts, queued-run.ts). The run row, not
 * the job, is the truth: a job delivered twice runs the pass once, and a job that cannot be
 * added leaves no run waiting.
 */
import type { Side } from '../../mapping/spec.ts';
import type { JobQueue } from '../../queue/job-queue.ts';
import type { Store } from '../../store/store.ts';
import { adminJobId, adminTrigger, PASS_JOB, SIDES, type PassJob } from './pass-job.ts';

/** One side's pass asked for: the run to poll. */
export interface QueuedRun {
  /** The side the pass reads. */
  readonly side: Side;
  /** The run recorded `queued` for it, known before the pass starts. */
  readonly runId: string;
}

/** Which sides a request names. */
export type SidesAsked = Side | 'both';

/** Asks for passes of a mapping without running them in the caller (the admin API's port). */
export interface AdminJobs {
  /** A plan (dry run) of each side asked: writes nothing anywhere, stores its plans under its run. */
  plan(mappingId: string, from: SidesAsked, by: string): Promise<QueuedRun[]>;
  /** A pass that writes, of each side asked, attributed to the admin (`actor: admin`). */
  runNow(mappingId: string, from: SidesAsked, by: string): Promise<QueuedRun[]>;
}

/** The sides of a request, in the order the scheduler runs them. */
export const sidesOf = (from: SidesAsked): Side[] => (from === 'both' ? [...SIDES] : [from]);

/**
 * Records one side's pass asked for: its run `queued` and an audit entry (`requested`,
 * actor `admin`, details `by`, `side`, `dryRun`), in one transaction.
 */
export async function recordRequest(
  store: Store,
  request: { mappingId: string; side: Side; dryRun: boolean; by: string },
): Promise<string> {
  return store.transaction(async (tx) => {
    const run = await tx.runs.queue(request.mappingId, adminTrigger(request.dryRun, request.side));
    await tx.audit.append({
      runId: run.id,
      mappingId: request.mappingId,
      action: 'requested',
      rule: request.dryRun ? 'plan' : 'run-now',
      actor: 'admin',
      details: { by: request.by, side: request.side, dryRun: request.dryRun },
    });
    return run.id;
  });
}

/**
 * Admin passes as jobs on `queue`: the loop's queue in `start`, the shared Redis queue in a
 * `serve` with `queue.redis` (it only adds; `frontback worker`s take them).
 */
export function queuedAdminJobs(options: { store: Store; queue: Pick<JobQueue, 'add'> }): AdminJobs {
  const { store, queue } = options;
  const ask = async (mappingId: string, from: SidesAsked, dryRun: boolean, by: string): Promise<QueuedRun[]> => {
    const runs: QueuedRun[] = [];
    for (const side of sidesOf(from)) {
      const runId = await recordRequest(store, { mappingId, side, dryRun, by });
      const data: PassJob = { mapping: mappingId, side, admin: { run: runId, dryRun, by } };
      try {
        await queue.add(PASS_JOB, data, { jobId: adminJobId(runId) });
      } catch (err) {
        // Not queued: the run ends failed now instead of waiting for a job that does not exist.
        await store.runs.finish(runId, {
          status: 'failed',
          counts: {},
          timings: {},
          error: `could not be queued: ${(err as Error).message}`,
        });
        throw err;
      }
      runs.push({ side, runId });
    }
    return runs;
  };
  return {
    plan: (mappingId, from, by) => ask(mappingId, from, true, by),
    runNow: (mappingId, from, by) => ask(mappingId, from, false, by),
  };
}
