/**
 * The queued-run reconciler: the run row, not the job, is the truth of a pass asked for
 * through the admin API (admin-jobs.ts), so a job the queue lost (Redis emptied or failed
 * over, the in-process queue of a `start` that crashed before taking it) must not leave its
 * run `queued` for ever. Every `everyMs`, the scheduler's process adds again the job of each
 * run queued for longer than that (same job id `admin-<run>`: ignored while the queue still
 * has it, so a job waiting for its mapping is not doubled; and a second delivery would run
 * nothing, queued-run.ts). A run still queued after `maxQueuedMs` (default an hour: no worker
 * took it, e.g. none knows its mapping) ends `failed`, saying so.
 */
import type { Logger } from '../../observability/logger.ts';
import type { JobQueue } from '../../queue/job-queue.ts';
import type { RunRepository } from '../../store/run-repository.ts';
import { adminJobId, PASS_JOB, SIDES, type PassJob } from './pass-job.ts';
import { endQueuedRun } from './queued-run.ts';

/** How long a run may stay queued before it is recorded failed by default, ms. */
export const MAX_QUEUED_MS = 60 * 60_000;

/** Runs looked at per round. */
const ROUND = 200;

/** Options of {@link startQueuedRunReconciler}. */
export interface QueuedRunReconcilerOptions {
  readonly runs: RunRepository;
  readonly queue: Pick<JobQueue, 'add'>;
  readonly logger: Logger;
  /** Whether this process reconciles now (it holds the scheduler lease). */
  readonly active: () => boolean;
  /** How often it looks, and how long a run stays queued before its job is added again, ms; default 30,000. */
  readonly everyMs?: number;
  /** How long a run may stay queued before it is recorded failed, ms; default {@link MAX_QUEUED_MS}. */
  readonly maxQueuedMs?: number;
  /** Epoch ms; default Date.now. */
  readonly clock?: () => number;
}

/** A running reconciler. */
export interface QueuedRunReconciler {
  /** One round now (what the timer does). */
  reconcile(): Promise<void>;
  /** No more rounds. */
  stop(): void;
}

/** The job of a queued run, from its row: `plan:<side>` or `run-now:<side>` (pass-job.ts `adminTrigger`). */
function jobOf(run: { id: string; mappingId: string; trigger: string }): PassJob | undefined {
  const [kind, side] = run.trigger.split(':');
  if ((kind !== 'plan' && kind !== 'run-now') || !SIDES.some((s) => s === side)) return undefined;
  return {
    mapping: run.mappingId,
    side: side as PassJob['side'],
    admin: { run: run.id, dryRun: kind === 'plan', by: 'queued-run-reconciler' },
  };
}

/** Starts looking at queued runs every `everyMs` while `active()`. */
export function startQueuedRunReconciler(options: QueuedRunReconcilerOptions): QueuedRunReconciler {
  const { runs, queue, logger } = options;
  const everyMs = options.everyMs ?? 30_000;
  const maxQueuedMs = options.maxQueuedMs ?? MAX_QUEUED_MS;
  const clock = options.clock ?? Date.now;
  const reconcile = async (): Promise<void> => {
    for (const run of await runs.list({ status: 'queued', limit: ROUND })) {
      const age = clock() - Date.parse(run.startedAt);
      if (age < everyMs) continue;
      const job = jobOf(run);
      if (job === undefined || age > maxQueuedMs) {
        const why =
          job === undefined
            ? `queued with a trigger no job is made from (${run.trigger})`
            : `no worker took it within ${Math.round(maxQueuedMs / 60_000)} min: ask again`;
        if (await endQueuedRun(runs, run.id, 'failed', why)) logger.warn({ run: run.id, mapping: run.mappingId }, why);
        continue;
      }
      await queue.add(PASS_JOB, job, { jobId: adminJobId(run.id) });
    }
  };
  const timer = setInterval(() => {
    if (options.active())
      reconcile().catch((err: unknown) => logger.error({ err }, 'queued-run reconciliation failed'));
  }, everyMs);
  return { reconcile, stop: () => clearInterval(timer) };
}
