/**
 * The engine's loop: when passes run. A scheduler enqueues a pass of each mapping side
 * on the mapping's `schedule` (and one at start); an inbox reconciler turns accepted
 * webhook deliveries into passes of the mappings they concern and marks them done once
 * the pass ran; a worker runs the jobs, one pass of a mapping at a time (its two sides
 * link and match the same pairs, so they do not run side by side either). The queue
 * only delivers: every pass reads from its cursor in the store, so a job run twice, lost
 * or run late changes nothing but timing (RELIABILITY.md).
 *
 * Any number of processes can run it against one store and one queue (distributed mode,
 * `frontback worker`): leases in the store (src/store/lease-repository.ts) make one of
 * them the scheduler and reconciler at a time (schedules are created from one place; a
 * new one takes over when its lease runs out), and keep passes of one mapping apart across
 * processes. A scheduled pass that finds the same side's pass running elsewhere is dropped
 * (that pass, or the next slot, covers it); otherwise it waits for the mapping.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CronExpressionParser } from 'cron-parser';
import type { Connector } from '../connector/index.ts';
import { ErrorCode, hasErrorCode } from '../errors.ts';
import type { LoadedMapping } from '../mapping/load.ts';
import type { Side } from '../mapping/spec.ts';
import type { Logger } from '../observability/logger.ts';
import { Counter, Histogram, type Registry } from '../observability/metrics.ts';
import type { Job, JobQueue, QueueWorker } from '../queue/job-queue.ts';
import { describeRetry } from '../queue/retry-policy.ts';
import type { Store } from '../store/store.ts';
import { runPass } from './pass.ts';

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
}

/** The lease of the scheduler and inbox reconciler. */
export const SCHEDULER_LEASE = 'scheduler';
/** The lease of the passes of one mapping (both sides: they create links of the same pairs). */
export const passLease = (mapping: string): string => `pass:${mapping}`;
/** How long a pass waits for its mapping at most before the job is retried, ms. */
const WAIT_FOR_MAPPING_MS = 10 * 60_000;

/** A running loop. */
export interface Runner {
  /** Stops scheduling, lets running passes finish. */
  stop(): Promise<void>;
}

interface PassJob {
  mapping: string;
  side: Side;
  /** Inbox rows this pass takes care of. */
  inbox?: string[];
}

const SIDES: readonly Side[] = ['crm', 'erp'];

/** Starts the scheduler, the inbox reconciler and a worker. */
export function startRunner(options: RunnerOptions): Runner {
  const { store, queue, logger } = options;
  const clock = options.clock ?? Date.now;
  const byId = new Map(options.mappings.map((m) => [m.mapping.id, m.mapping]));
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  // Aborted by stop(): running passes end after the page in hand.
  const stopping = new AbortController();

  // One pass of a mapping at a time in this process (and through the lease below, across processes).
  const running = new Map<string, Promise<void>>();
  const serially = (key: string, work: () => Promise<void>): Promise<void> => {
    const next = (running.get(key) ?? Promise.resolve()).then(work, work);
    running.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  };

  const holder = options.holder ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 30_000;

  /**
   * Takes the mapping's lease for a pass of `side`, runs `work` renewing it, gives it up.
   * While another process holds it: a scheduled pass (`dropIfSameSide`) is dropped when that
   * process runs the same side (answers false); anything else waits for the mapping.
   */
  const withMapping = async (
    mapping: string,
    side: Side,
    dropIfSameSide: boolean,
    work: () => Promise<void>,
  ): Promise<boolean> => {
    const name = passLease(mapping);
    // The holder names the side, so a process waiting can tell which side runs.
    const me = `${holder}/${side}`;
    const until = clock() + WAIT_FOR_MAPPING_MS;
    while (!(await store.leases.acquire(name, me, leaseMs))) {
      if (dropIfSameSide && (await store.leases.get(name))?.holder.endsWith(`/${side}`) === true) return false;
      if (stopped || clock() > until)
        throw new Error(`${mapping}: another process kept this mapping's passes busy; the job is retried`);
      await sleep(Math.min(1_000, leaseMs / 4));
    }
    const renew = setInterval(() => {
      store.leases.acquire(name, me, leaseMs).then(
        (held) => {
          if (!held)
            logger.warn(
              { mapping, side, holder },
              'lost the lease of this pass (it ran past the lease, another process may run it too); the store keeps the writes safe',
            );
        },
        (err: unknown) => logger.warn({ err, mapping, side }, 'could not renew the lease of this pass'),
      );
    }, leaseMs / 3);
    try {
      await work();
    } finally {
      clearInterval(renew);
      await store.leases
        .release(name, me)
        .catch((err: unknown) => logger.warn({ err, mapping, side }, 'could not release the lease of this pass'));
    }
    return true;
  };

  const handle = async (job: Job): Promise<void> => {
    const data = job.data as PassJob;
    const mapping = byId.get(data.mapping);
    if (!mapping) return;
    const crm = options.connectors.get(mapping.sides.crm.connection);
    const erp = options.connectors.get(mapping.sides.erp.connection);
    if (!crm || !erp) return;
    await serially(data.mapping, async () => {
      const ran = await withMapping(data.mapping, data.side, data.inbox === undefined, () =>
        pass(job, data, mapping, { crm, erp }),
      );
      if (!ran)
        logger.debug(
          { mapping: data.mapping, side: data.side },
          'scheduled pass dropped: another process runs this side now',
        );
    });
  };

  const registers = options.metrics ? [options.metrics] : [];
  const passes = new Counter({
    name: 'frontback_passes_total',
    help: 'Sync passes run, by mapping, side and outcome (succeeded, failed, held: skipped while the mapping is held by its create guard)',
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

  const pass = async (
    job: Job,
    data: PassJob,
    mapping: LoadedMapping['mapping'],
    connectors: { crm: Connector; erp: Connector },
  ): Promise<void> => {
    for (const id of data.inbox ?? []) await store.inbox.markProcessing(id);
    const labels = { mapping: data.mapping, side: data.side };
    const timer = passSeconds.startTimer(labels);
    try {
      const report = await runPass(
        {
          mapping,
          connectors,
          store,
          connections: { crm: mapping.sides.crm.connection, erp: mapping.sides.erp.connection },
        },
        data.side,
        {
          apply: true,
          actor: data.inbox ? 'webhook' : 'poll',
          // A pass for webhook deliveries may spend the budget reserve; scheduled ones leave it.
          priority: data.inbox ? 'webhook' : 'scheduled',
          overlapMs: options.overlapMs,
          signal: stopping.signal,
          ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
        },
      );
      for (const status of ['applied', 'skipped', 'conflicted', 'failed'] as const)
        if (report.counts[status] > 0) records.inc({ ...labels, status }, report.counts[status]);
      passes.inc({ ...labels, outcome: report.guarded ? 'guarded' : 'succeeded' });
      if (report.guarded)
        logger.warn(
          {
            mapping: data.mapping,
            side: data.side,
            run: report.runId,
            created: report.counts.create,
            read: report.read,
          },
          'pass stopped at the create guard: the mapping is held until a person accepts (frontback accept)',
        );
      logger.info(
        {
          mapping: data.mapping,
          side: data.side,
          run: report.runId,
          read: report.read,
          applied: report.counts.applied,
        },
        'pass done',
      );
      // A pass stopped between pages may not have reached these deliveries' changes: they wait for the next one.
      for (const id of data.inbox ?? [])
        await (stopping.signal.aborted ? store.inbox.release(id) : store.inbox.markDone(id));
    } catch (err) {
      if (hasErrorCode(err, ErrorCode.MappingHeld)) {
        // Held by its create guard until a person accepts: skipped, not failed (the changes stay behind the cursor).
        passes.inc({ ...labels, outcome: 'held' });
        logger.warn({ mapping: data.mapping, side: data.side }, `pass skipped: ${(err as Error).message}`);
        for (const id of data.inbox ?? []) await store.inbox.markDone(id);
        return;
      }
      passes.inc({ ...labels, outcome: 'failed' });
      for (const id of data.inbox ?? []) await store.inbox.markFailed(id, (err as Error).message);
      // What the queue does next, from the same rule it follows (retry-policy.ts).
      logger.warn(
        { mapping: data.mapping, side: data.side, attempt: job.attempt, err },
        `pass failed; ${describeRetry(err, job)}`,
      );
      throw err;
    } finally {
      timer();
    }
  };
  const worker: QueueWorker = queue.work(handle, { concurrency: options.concurrency });

  // One scheduler among the processes: the holder of the scheduler lease, renewed every third of it.
  let leader = false;
  const lead = async (): Promise<void> => {
    const was = leader;
    leader = await store.leases.acquire(SCHEDULER_LEASE, holder, leaseMs).catch((err: unknown) => {
      logger.warn({ err }, 'could not take or renew the scheduler lease');
      return false;
    });
    if (leader && !was) {
      logger.info({ holder }, 'this process schedules the passes and reconciles the inbox now');
      // Rows a crashed scheduler's process left `processing` are taken again (their jobs are deduplicated by id).
      reconcileLogged(['pending', 'processing']);
    }
    if (!leader && was)
      logger.warn({ holder }, 'this process no longer holds the scheduler lease; another one schedules now');
  };

  const enqueue = (mapping: string, side: Side, slot: string): void => {
    if (!leader) return;
    queue
      .add('pass', { mapping, side } satisfies PassJob, { jobId: `pass-${mapping}-${side}-${slot}` })
      .catch((err: unknown) => logger.error({ err }, 'could not enqueue a pass'));
  };

  // Scheduler: every mapping side when this process becomes the scheduler, then on its schedule.
  const startSlots = (): void => {
    for (const id of byId.keys()) for (const side of SIDES) enqueue(id, side, `start-${clock()}`);
  };
  for (const [id, mapping] of byId) {
    const every = options.everyMsOverride ?? ('everyMs' in mapping.schedule ? mapping.schedule.everyMs : undefined);
    for (const side of SIDES) {
      if (every !== undefined) {
        const timer = setInterval(() => enqueue(id, side, String(Math.floor(clock() / every))), every);
        timers.add(timer);
      } else if ('cron' in mapping.schedule) {
        const cron = mapping.schedule.cron;
        const arm = (): void => {
          if (stopped) return;
          const at = CronExpressionParser.parse(cron, { currentDate: new Date(clock()) })
            .next()
            .getTime();
          const timer = setTimeout(
            () => {
              timers.delete(timer);
              enqueue(id, side, String(at));
              arm();
            },
            Math.max(0, at - clock()),
          );
          timers.add(timer);
        };
        arm();
      }
    }
  }

  // Inbox reconciler: open deliveries become passes of the mapping sides they concern.
  const reconcile = async (statuses: readonly ('pending' | 'processing')[]): Promise<void> => {
    const rows = await store.inbox.listOpen({ statuses, limit: 500 });
    const groups = new Map<string, { mapping: string; side: Side; ids: string[]; attempts: number }>();
    for (const row of rows) {
      const object = (row.payload as { object?: unknown } | null)?.object;
      let concerned = false;
      for (const [id, mapping] of byId) {
        for (const side of SIDES) {
          if (mapping.sides[side].connection !== row.source || mapping.sides[side].object !== object) continue;
          concerned = true;
          const key = `${id}:${side}`;
          const group = groups.get(key) ?? { mapping: id, side, ids: [], attempts: row.attempts };
          group.ids.push(row.id);
          groups.set(key, group);
        }
      }
      // A delivery no mapping reads (another object) is done: nothing will ever take it.
      if (!concerned) await store.inbox.markDone(row.id);
    }
    for (const g of groups.values()) {
      // The job id names the first row's attempts: a row back to pending (a pass stopped early, a retry asked for)
      // gets a new job, where the queue would ignore the id of the ended job it still keeps.
      await queue.add('pass', { mapping: g.mapping, side: g.side, inbox: g.ids } satisfies PassJob, {
        jobId: `inbox-${g.ids[0] ?? ''}-a${g.attempts}-${g.mapping}-${g.side}`,
      });
    }
  };
  const reconcileLogged = (statuses: readonly ('pending' | 'processing')[]): void => {
    reconcile(statuses).catch((err: unknown) => logger.error({ err }, 'inbox reconciliation failed'));
  };
  const inboxTimer = setInterval(() => {
    if (leader) reconcileLogged(['pending']);
  }, options.inboxEveryMs ?? 1_000);
  timers.add(inboxTimer);
  const leaseTimer = setInterval(() => {
    const was = leader;
    void lead().then(() => {
      if (leader && !was) startSlots();
    });
  }, leaseMs / 3);
  timers.add(leaseTimer);
  void lead().then(() => startSlots());

  return {
    async stop() {
      stopped = true;
      stopping.abort();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await worker.close();
      await Promise.all([...running.values()]);
      // Another process can schedule at once instead of after the lease runs out.
      if (leader) await store.leases.release(SCHEDULER_LEASE, holder).catch(() => undefined);
    },
  };
}
