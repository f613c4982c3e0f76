/**
 * The engine's loop: when passes run, composed of small parts, each in its own file with
 * its own tests:
 * - scheduler.ts enqueues a pass of each mapping side at start and on the mapping's
 *   `schedule`, under the scheduler lease (one scheduler among the processes);
 * - inbox-reconciler.ts turns accepted webhook deliveries into passes of the mappings they
 *   concern (the scheduler's process does it), and settles them once the pass ran;
 * - pass-worker.ts runs the jobs, one pass of a mapping at a time;
 * - mapping-lease.ts keeps passes of one mapping apart across processes (`sync` uses it too);
 * - checkpointer.ts signs audit checkpoints (the scheduler's process does it), when configured;
 * - inbox-retention.ts removes done webhook deliveries past `inbox.retention` (the scheduler's process does it);
 * - queued-run-reconciler.ts adds again the job of a plan or run asked for (admin-jobs.ts) that the queue lost
 *   (the scheduler's process does it).
 * The queue only delivers: every pass reads from its cursor in the store, so a job run
 * twice, lost or run late changes nothing but timing (RELIABILITY.md).
 *
 * Any number of processes can run it against one store and one queue (distributed mode,
 * `frontback worker`). Stopping: {@link Runner.stop} ends running passes after the page in
 * hand (recorded `stopped`) and gives every lease up; {@link Runner.stopNow} (Ctrl-C twice)
 * records the runs in hand `stopped` and gives the leases up without waiting.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Connector } from '../../connector/index.ts';
import type { LoadedMapping } from '../../mapping/load.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Registry } from '../../observability/metrics.ts';
import type { JobQueue } from '../../queue/job-queue.ts';
import type { Store } from '../../store/store.ts';
import { startCheckpointer, type CheckpointOutcome } from './checkpointer.ts';
import { startInboxReconciler } from './inbox-reconciler.ts';
import { startInboxRetention } from './inbox-retention.ts';
import { mappingLeases } from './mapping-lease.ts';
import { startPassWorker } from './pass-worker.ts';
import { startQueuedRunReconciler } from './queued-run-reconciler.ts';
import { startScheduler } from './scheduler.ts';

export { passLease, mappingLeases, type MappingLeases, type WhenBusy } from './mapping-lease.ts';
export { SCHEDULER_LEASE } from './scheduler.ts';
export { STOPPED_NOW, runsInHand, type RunsInHand } from './runs-in-hand.ts';

/** What the runner needs. */
export interface RunnerOptions {
  readonly mappings: readonly LoadedMapping[];
  /** Live connectors by connection name. */
  readonly connectors: ReadonlyMap<string, Connector>;
  readonly store: Store;
  readonly queue: JobQueue;
  readonly logger: Logger;
  /** Re-read window behind each cursor, ms (`sync.overlapMinutes`). */
  readonly overlapMs: number;
  /** Records per page asked of the source (`sync.pageSize`); default the connector's maximum. */
  readonly pageSize?: number;
  /** Jobs at once (`queue.concurrency`). */
  readonly concurrency: number;
  /** Poll every this many ms instead of each mapping's schedule (demos, tests). */
  readonly everyMsOverride?: number;
  /** How often the inbox is looked at, ms; default 1,000. */
  readonly inboxEveryMs?: number;
  /** Epoch ms; default Date.now. */
  readonly clock?: () => number;
  /** This process's name in leases; default `<host>-<pid>-<random>`. */
  readonly holder?: string;
  /** How long a lease lasts unless renewed (renewed every third of it), ms; default 30,000. */
  readonly leaseMs?: number;
  /** Where pass counts, durations and record outcomes go (`frontback_passes_total`, ...). */
  readonly metrics?: Registry;
  /** Signed audit checkpoints every `everyMs` by the scheduler's process; absent: none. */
  readonly checkpoints?: { readonly everyMs: number; readonly take: () => Promise<CheckpointOutcome> };
  /**
   * Done inbox rows received more than `retentionMs` ago are removed by the scheduler's
   * process, every `everyMs` (default 15 s); absent: they are kept (the CLI passes `inbox.retention`).
   */
  readonly inboxRetention?: { readonly retentionMs: number; readonly everyMs?: number };
  /**
   * Runs queued by the admin API whose job the queue lost: looked at every `everyMs` (default
   * 30 s) by the scheduler's process, their job added again; failed after `maxQueuedMs` (default an hour).
   */
  readonly queuedRuns?: { readonly everyMs?: number; readonly maxQueuedMs?: number };
}

/** A running loop. */
export interface Runner {
  /**
   * Stops scheduling and taking jobs; running passes end after the page in hand, recorded
   * `stopped`; passes waiting for their mapping do not start; every lease is given up.
   */
  stop(): Promise<void>;
  /**
   * Stops now (Ctrl-C twice), without waiting for the running passes: each run in hand is
   * recorded `stopped` (what it wrote is recorded by the next pass), its inbox rows go back
   * to pending, and every lease this process holds (mappings and scheduler) is given up.
   * The caller exits right after.
   */
  stopNow(): Promise<void>;
}

/** Starts the scheduler, the inbox reconciler, the inbox retention and a worker. */
export function startRunner(options: RunnerOptions): Runner {
  const { store, queue, logger } = options;
  const holder = options.holder ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 30_000;
  const mappings = options.mappings.map((m) => m.mapping);
  // Aborted by stop(): running passes end after the page in hand, waits for a mapping end.
  const stopping = new AbortController();
  const clock = options.clock === undefined ? {} : { clock: options.clock };

  const leases = mappingLeases({ leases: store.leases, holder, leaseMs, logger, signal: stopping.signal, ...clock });
  const worker = startPassWorker({
    mappings,
    connectors: options.connectors,
    store,
    queue,
    logger,
    leases,
    concurrency: options.concurrency,
    signal: stopping.signal,
    overlapMs: options.overlapMs,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
  // The reconciler works while this process is the scheduler (one lease for both).
  const reconciler = startInboxReconciler({
    mappings,
    inbox: store.inbox,
    queue,
    logger,
    active: () => scheduler.isLeader(),
    ...(options.inboxEveryMs === undefined ? {} : { everyMs: options.inboxEveryMs }),
  });
  const scheduler = startScheduler({
    mappings,
    queue,
    leases: store.leases,
    holder,
    leaseMs,
    logger,
    onLead: () => reconciler.takeOver(),
    ...clock,
    ...(options.everyMsOverride === undefined ? {} : { everyMsOverride: options.everyMsOverride }),
  });

  const queuedRuns = startQueuedRunReconciler({
    runs: store.runs,
    queue,
    logger,
    active: () => scheduler.isLeader(),
    ...options.queuedRuns,
    ...clock,
  });
  const checkpointer =
    options.checkpoints === undefined
      ? undefined
      : startCheckpointer({ ...options.checkpoints, active: () => scheduler.isLeader(), logger });
  const retention =
    options.inboxRetention === undefined
      ? undefined
      : startInboxRetention({
          ...options.inboxRetention,
          inbox: store.inbox,
          active: () => scheduler.isLeader(),
          logger,
          ...clock,
        });

  return {
    async stop() {
      stopping.abort();
      reconciler.stop();
      queuedRuns.stop();
      await checkpointer?.stop();
      await retention?.stop();
      // Given up first: another process schedules at once while the passes here end.
      await scheduler.stop();
      await worker.close();
    },
    async stopNow() {
      stopping.abort();
      reconciler.stop();
      queuedRuns.stop();
      await Promise.all([
        checkpointer?.stop(),
        retention?.stop(),
        scheduler.stop(),
        worker.stopNow(),
        leases.releaseAll(),
      ]);
    },
  };
}
