/**
 * The engine's loop: when passes run. A scheduler enqueues a pass of each mapping side
 * on the mapping's `schedule` (and one at start); an inbox reconciler turns accepted
 * webhook deliveries into passes of the mappings they concern and marks them done once
 * the pass ran; a worker runs the jobs, one pass of a mapping side at a time. The queue
 * only delivers: every pass reads from its cursor in the store, so a job run twice, lost
 * or run late changes nothing but timing (RELIABILITY.md).
 */
import { CronExpressionParser } from 'cron-parser';
import type { Connector } from '../connector/index.ts';
import type { LoadedMapping } from '../mapping/load.ts';
import type { Side } from '../mapping/spec.ts';
import type { Logger } from '../observability/logger.ts';
import type { Job, JobQueue, QueueWorker } from '../queue/job-queue.ts';
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
  /** Jobs at once (`queue.concurrency`). */
  readonly concurrency: number;
  /** Poll every this many ms instead of each mapping's schedule (demos, tests). */
  readonly everyMsOverride?: number;
  /** How often the inbox is looked at, ms; default 1,000. */
  readonly inboxEveryMs?: number;
  /** Epoch ms; default Date.now. */
  readonly clock?: () => number;
}

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

  // One pass of a mapping side at a time (in this process): passes of one cursor never overlap.
  const running = new Map<string, Promise<void>>();
  const serially = (key: string, work: () => Promise<void>): Promise<void> => {
    const next = (running.get(key) ?? Promise.resolve()).then(work, work);
    running.set(key, next.catch(() => undefined));
    return next;
  };

  const handle = async (job: Job): Promise<void> => {
    const data = job.data as PassJob;
    const mapping = byId.get(data.mapping);
    if (!mapping) return;
    const crm = options.connectors.get(mapping.sides.crm.connection);
    const erp = options.connectors.get(mapping.sides.erp.connection);
    if (!crm || !erp) return;
    await serially(`${data.mapping}:${data.side}`, async () => {
      for (const id of data.inbox ?? []) await store.inbox.markProcessing(id);
      try {
        const report = await runPass(
          { mapping, connectors: { crm, erp }, store, connections: { crm: mapping.sides.crm.connection, erp: mapping.sides.erp.connection } },
          data.side,
          { apply: true, actor: data.inbox ? 'webhook' : 'poll', overlapMs: options.overlapMs },
        );
        const applied = report.applied.filter((a) => a.status === 'applied').length;
        logger.info({ mapping: data.mapping, side: data.side, run: report.runId, read: report.read, applied }, 'pass done');
        for (const id of data.inbox ?? []) await store.inbox.markDone(id);
      } catch (err) {
        for (const id of data.inbox ?? []) await store.inbox.markFailed(id, (err as Error).message);
        logger.warn({ mapping: data.mapping, side: data.side, err }, 'pass failed; the job is retried');
        throw err;
      }
    });
  };
  const worker: QueueWorker = queue.work(handle, { concurrency: options.concurrency });

  const enqueue = (mapping: string, side: Side, slot: string): void => {
    queue.add('pass', { mapping, side } satisfies PassJob, { jobId: `pass-${mapping}-${side}-${slot}` }).catch((err: unknown) => logger.error({ err }, 'could not enqueue a pass'));
  };

  // Scheduler: every mapping side at start, then on its schedule.
  for (const [id, mapping] of byId) {
    const every = options.everyMsOverride ?? ('everyMs' in mapping.schedule ? mapping.schedule.everyMs : undefined);
    for (const side of SIDES) {
      enqueue(id, side, `start-${clock()}`);
      if (every !== undefined) {
        const timer = setInterval(() => enqueue(id, side, String(Math.floor(clock() / every))), every);
        timers.add(timer);
      } else if ('cron' in mapping.schedule) {
        const cron = mapping.schedule.cron;
        const arm = (): void => {
          if (stopped) return;
          const at = CronExpressionParser.parse(cron, { currentDate: new Date(clock()) }).next().getTime();
          const timer = setTimeout(() => {
            timers.delete(timer);
            enqueue(id, side, String(at));
            arm();
          }, Math.max(0, at - clock()));
          timers.add(timer);
        };
        arm();
      }
    }
  }

  // Inbox reconciler: open deliveries become passes of the mapping sides they concern.
  const reconcile = async (statuses: readonly ('pending' | 'processing')[]): Promise<void> => {
    const rows = await store.inbox.listOpen({ statuses, limit: 500 });
    const groups = new Map<string, { mapping: string; side: Side; ids: string[] }>();
    for (const row of rows) {
      const object = (row.payload as { object?: unknown } | null)?.object;
      let concerned = false;
      for (const [id, mapping] of byId) {
        for (const side of SIDES) {
          if (mapping.sides[side].connection !== row.source || mapping.sides[side].object !== object) continue;
          concerned = true;
          const key = `${id}:${side}`;
          const group = groups.get(key) ?? { mapping: id, side, ids: [] };
          group.ids.push(row.id);
          groups.set(key, group);
        }
      }
      // A delivery no mapping reads (another object) is done: nothing will ever take it.
      if (!concerned) await store.inbox.markDone(row.id);
    }
    for (const g of groups.values()) {
      await queue.add('pass', { mapping: g.mapping, side: g.side, inbox: g.ids } satisfies PassJob, { jobId: `inbox-${g.ids[0] ?? ''}-${g.mapping}-${g.side}` });
    }
  };
  const reconcileLogged = (statuses: readonly ('pending' | 'processing')[]): void => {
    reconcile(statuses).catch((err: unknown) => logger.error({ err }, 'inbox reconciliation failed'));
  };
  // At start nothing of this process is processing: rows left so by a crash are taken again.
  reconcileLogged(['pending', 'processing']);
  const inboxTimer = setInterval(() => reconcileLogged(['pending']), options.inboxEveryMs ?? 1_000);
  timers.add(inboxTimer);

  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await worker.close();
      await Promise.all([...running.values()]);
    },
  };
}
