/**
 * The pass worker: runs the pass jobs of the queue (`concurrency` at once), one pass of a
 * mapping at a time: in this process by chaining them, across processes by the mapping's
 * lease (mapping-lease.ts). A scheduled pass that finds the same side running elsewhere is
 * dropped; a webhook's pass waits for the mapping, and so does a pass asked for through the
 * admin API (a plan, or a run now: job data `admin`), which runs under the run recorded
 * `queued` when it was asked for, taken once whatever the deliveries (queued-run.ts). It counts passes, their durations and
 * record outcomes (`frontback_passes_total`, ...), and settles the inbox rows a webhook's
 * pass took care of (inbox-reconciler.ts).
 *
 * Stopping: once its `signal` is aborted, a running pass ends after the page in hand and
 * is recorded `stopped` (runPass), and a pass not started yet does not start (its inbox
 * rows go back to pending). {@link PassWorker.stopNow} records the runs in hand `stopped`
 * without waiting for them.
 */
import type { Connector } from '../../connector/index.ts';
import { ErrorCode, hasErrorCode } from '../../errors.ts';
import type { CompiledMapping } from '../../mapping/types.ts';
import type { Logger } from '../../observability/logger.ts';
import { Counter, Histogram, type Registry } from '../../observability/metrics.ts';
import type { Job, JobQueue } from '../../queue/job-queue.ts';
import { decideRetry, describeRetry } from '../../queue/retry-policy.ts';
import type { Store } from '../../store/store.ts';
import { runPass, type PassOptions } from '../pass.ts';
import { deliveries } from './inbox-reconciler.ts';
import type { MappingLeases } from './mapping-lease.ts';
import type { PassJob } from './pass-job.ts';
import { endQueuedRun, NOT_STARTED, takeQueuedRun } from './queued-run.ts';
import { runsInHand } from './runs-in-hand.ts';

/** What every pass of the worker shares. */
export interface PassSettings {
  /** Re-read window behind each cursor, ms (`sync.overlapMinutes`). */
  readonly overlapMs: number;
  /** Records per page asked of the source (`sync.pageSize`); default the connector's maximum. */
  readonly pageSize?: number;
}

/** Options of {@link startPassWorker}. */
export interface PassWorkerOptions extends PassSettings {
  readonly mappings: readonly CompiledMapping[];
  /** Live connectors by connection name. */
  readonly connectors: ReadonlyMap<string, Connector>;
  readonly store: Store;
  readonly queue: Pick<JobQueue, 'work'>;
  readonly logger: Logger;
  /** The mapping leases of this process. */
  readonly leases: MappingLeases;
  /** Jobs at once (`queue.concurrency`). */
  readonly concurrency: number;
  /** Aborted when the process stops: running passes end after the page in hand, the others do not start. */
  readonly signal: AbortSignal;
  /** Where pass counts, durations and record outcomes go. */
  readonly metrics?: Registry;
}

/** A running pass worker. */
export interface PassWorker {
  /** Takes no more jobs and waits for the running ones (after the page in hand, once the signal is aborted). */
  close(): Promise<void>;
  /**
   * Stopping now: records every run in hand `stopped` and gives its inbox rows back, without
   * waiting for the passes (the caller gives the leases up and exits).
   */
  stopNow(): Promise<void>;
}

/**
 * The options of one pass of a job: the one place where the worker decides how a pass
 * runs (who started it, its stop signal, where its run id goes).
 */
export function passOptions(
  data: PassJob,
  settings: PassSettings,
  signal: AbortSignal,
  onRun: (runId: string) => void,
): PassOptions {
  const admin = data.admin;
  return {
    apply: admin === undefined || !admin.dryRun,
    actor: admin ? 'admin' : data.inbox ? 'webhook' : 'poll',
    // A webhook-driven pass may spend the budget reserve (sync.budgetReserve); a scheduled one waits within it.
    priority: data.inbox ? 'webhook' : 'scheduled',
    overlapMs: settings.overlapMs,
    signal,
    onRun,
    ...(admin === undefined ? {} : { runId: admin.run }),
    ...(settings.pageSize === undefined ? {} : { pageSize: settings.pageSize }),
  };
}

/** Starts taking pass jobs. */
export function startPassWorker(options: PassWorkerOptions): PassWorker {
  const { store, logger, signal } = options;
  const byId = new Map(options.mappings.map((m) => [m.id, m]));
  const inbox = deliveries(store.inbox);
  const runs = runsInHand(store.runs, logger);
  // Inbox rows of the passes in hand, given back when stopping now.
  const rowsInHand = new Set<string>();

  // One pass of a mapping at a time in this process (and through the lease, across processes).
  const running = new Map<string, Promise<void>>();
  const serially = (key: string, work: () => Promise<void>): Promise<void> => {
    const next = (running.get(key) ?? Promise.resolve()).then(work, work);
    running.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  };

  const registers = options.metrics ? [options.metrics] : [];
  const passes = new Counter({
    name: 'frontback_passes_total',
    help:
      'Sync passes run, by mapping, side and outcome (succeeded, failed, guarded: stopped at the create guard, held: ' +
      'skipped while the mapping is held by its create guard, stopped: ended early because the process was stopping)',
    labelNames: ['mapping', 'side', 'outcome'] as const,
    registers,
  });
  const passSeconds = new Histogram({
    name: 'frontback_pass_duration_seconds',
    help: 'Sync pass durations in seconds',
    labelNames: ['mapping', 'side'] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900],
    registers,
  });
  const records = new Counter({
    name: 'frontback_records_total',
    help: 'Records a pass handled, by mapping, side read and status (applied, skipped, conflicted, failed)',
    labelNames: ['mapping', 'side', 'status'] as const,
    registers,
  });

  /** A job not run because the process stops: its inbox rows wait for the next reconciler. */
  const notStarted = async (data: PassJob): Promise<void> => {
    await inbox.givenBack(data.inbox ?? []);
    // The run asked for ends `stopped` rather than waiting for a job that is gone with this process.
    if (data.admin) await endQueuedRun(store.runs, data.admin.run, 'stopped', NOT_STARTED);
    logger.debug({ mapping: data.mapping, side: data.side }, 'pass not started: the process is stopping');
  };

  const pass = async (
    job: Job,
    data: PassJob,
    mapping: CompiledMapping,
    connectors: { crm: Connector; erp: Connector },
  ): Promise<void> => {
    if (signal.aborted) return notStarted(data);
    const ids = data.inbox ?? [];
    for (const id of ids) rowsInHand.add(id);
    let runId: string | undefined;
    const labels = { mapping: data.mapping, side: data.side };
    if (data.admin) {
      const taken = await takeQueuedRun(store.runs, data.admin.run);
      if (taken !== 'taken') {
        const said = { mapping: data.mapping, side: data.side, run: data.admin.run, found: taken };
        if (taken === 'lost')
          logger.warn(said, 'a pass asked for was running in a process that is gone: recorded failed');
        else logger.info(said, 'pass asked for not run: another delivery of its job took it');
        return;
      }
    }
    const timer = passSeconds.startTimer(labels);
    try {
      await inbox.taken(ids);
      const report = await runPass(
        {
          mapping,
          connectors,
          store,
          connections: { crm: mapping.sides.crm.connection, erp: mapping.sides.erp.connection },
        },
        data.side,
        passOptions(data, options, signal, (id) => {
          runId = id;
          runs.add(id);
        }),
      );
      for (const status of ['applied', 'skipped', 'conflicted', 'failed'] as const)
        if (report.counts[status] > 0) records.inc({ ...labels, status }, report.counts[status]);
      passes.inc({ ...labels, outcome: report.guarded ? 'guarded' : report.stopped ? 'stopped' : 'succeeded' });
      const said = { mapping: data.mapping, side: data.side, run: report.runId, read: report.read };
      if (report.guarded)
        logger.warn(
          { ...said, created: report.counts.create },
          'pass stopped at the create guard: the mapping is held until a person accepts (frontback accept)',
        );
      if (report.stopped)
        logger.info(
          { ...said, applied: report.counts.applied },
          'pass stopped after the page in hand (the process is stopping); the next pass goes on from the cursor',
        );
      else logger.info({ ...said, applied: report.counts.applied }, 'pass done');
      // A pass stopped between pages may not have reached these deliveries' changes: they wait for the next one.
      await inbox.ran(ids, report.stopped);
    } catch (err) {
      if (hasErrorCode(err, ErrorCode.MappingHeld)) {
        // Held by its create guard until a person accepts: skipped, not failed (the changes stay behind the cursor).
        passes.inc({ ...labels, outcome: 'held' });
        logger.warn({ mapping: data.mapping, side: data.side }, `pass skipped: ${(err as Error).message}`);
        await inbox.ran(ids, false);
        return;
      }
      passes.inc({ ...labels, outcome: 'failed' });
      await inbox.failed(ids, (err as Error).message);
      // What the queue does next, from the same rule it follows (retry-policy.ts).
      logger.warn(
        { mapping: data.mapping, side: data.side, attempt: job.attempt, err },
        `pass failed; ${describeRetry(err, job)}`,
      );
      throw err;
    } finally {
      timer();
      if (runId !== undefined) runs.delete(runId);
      for (const id of ids) rowsInHand.delete(id);
    }
  };

  const handle = async (job: Job): Promise<void> => {
    const data = job.data as PassJob;
    const mapping = byId.get(data.mapping);
    const crm = mapping && options.connectors.get(mapping.sides.crm.connection);
    const erp = mapping && options.connectors.get(mapping.sides.erp.connection);
    if (!mapping || !crm || !erp) {
      // A pass asked for that this worker cannot run (another mapping set: a rolling deploy) ends so, not queued.
      if (data.admin)
        await endQueuedRun(store.runs, data.admin.run, 'failed', `this worker cannot run mapping ${data.mapping}`);
      return;
    }
    await serially(data.mapping, async () => {
      // Waiting behind another pass of the mapping when the process began to stop: this one does not start.
      if (signal.aborted) return notStarted(data);
      const outcome = await options.leases
        .run(
          data.mapping,
          data.side,
          data.inbox === undefined && data.admin === undefined ? 'drop-same-side' : 'wait',
          () => pass(job, data, mapping, { crm, erp }),
        )
        .catch(async (err: unknown) => {
          // A pass asked for whose job has no attempt left (it waited too long for the mapping): its run ends failed.
          if (data.admin && !decideRetry(err, job).retry)
            await endQueuedRun(store.runs, data.admin.run, 'failed', (err as Error).message);
          throw err;
        });
      if (outcome.ran) return;
      if (outcome.reason === 'stopping') return notStarted(data);
      logger.debug(
        { mapping: data.mapping, side: data.side },
        'scheduled pass dropped: another process runs this side now',
      );
    });
  };

  const worker = options.queue.work(handle, { concurrency: options.concurrency });
  return {
    async close() {
      await worker.close();
      await Promise.all([...running.values()]);
    },
    async stopNow() {
      const rows = [...rowsInHand];
      rowsInHand.clear();
      await Promise.all([
        runs.stopNow(),
        inbox.givenBack(rows).catch((err: unknown) => logger.warn({ err }, 'could not give the inbox rows back')),
      ]);
    },
  };
}
