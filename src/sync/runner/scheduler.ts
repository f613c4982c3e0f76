/**
 * The scheduler: enqueues a pass of each side of every mapping when this process becomes
 * the scheduler, then on each mapping's `schedule` (`everyMs`, or a cron expression read
 * with cron-parser). One scheduler among the processes sharing a store: the holder of the
 * `scheduler` lease, taken and renewed every third of its length; the others only work,
 * and one of them takes over when the lease is given up (a clean stop) or runs out (a
 * crash). Job ids name the slot, so a handover that enqueues a slot twice adds one job.
 */
import { CronExpressionParser } from 'cron-parser';
import type { Side } from '../../mapping/spec.ts';
import type { CompiledMapping } from '../../mapping/types.ts';
import type { Logger } from '../../observability/logger.ts';
import type { JobQueue } from '../../queue/job-queue.ts';
import type { LeaseRepository } from '../../store/lease-repository.ts';
import { PASS_JOB, SIDES, type PassJob } from './pass-job.ts';

/** The lease of the scheduler, the inbox reconciler and the inbox retention (inbox-retention.ts). */
export const SCHEDULER_LEASE = 'scheduler';

/** Options of {@link startScheduler}. */
export interface SchedulerOptions {
  /** The mappings whose passes it schedules. */
  readonly mappings: readonly Pick<CompiledMapping, 'id' | 'schedule'>[];
  readonly queue: Pick<JobQueue, 'add'>;
  readonly leases: LeaseRepository;
  /** This process's name in the scheduler lease. */
  readonly holder: string;
  /** How long the scheduler lease lasts unless renewed (renewed every third of it), ms. */
  readonly leaseMs: number;
  readonly logger: Logger;
  /** Epoch ms; default Date.now. */
  readonly clock?: () => number;
  /** Every this many ms instead of each mapping's schedule (demos, tests). */
  readonly everyMsOverride?: number;
  /** Called each time this process becomes the scheduler (the inbox reconciler takes over with it). */
  readonly onLead?: () => void;
}

/** A running scheduler. */
export interface Scheduler {
  /** Whether this process holds the scheduler lease (as of its last renewal). */
  isLeader(): boolean;
  /** Enqueues no more passes and gives the lease up, so another process schedules at once. */
  stop(): Promise<void>;
}

/** Starts scheduling: takes the scheduler lease if free, and enqueues the first passes if it got it. */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const { queue, leases, holder, leaseMs, logger } = options;
  const clock = options.clock ?? Date.now;
  const timers = new Set<NodeJS.Timeout>();
  let leader = false;
  let stopped = false;
  // The lease check in flight: stop() waits for it, so a lease it takes is given up too.
  let checking: Promise<void> = Promise.resolve();

  const lead = async (): Promise<void> => {
    const was = leader;
    leader = await leases.acquire(SCHEDULER_LEASE, holder, leaseMs).catch((err: unknown) => {
      logger.warn({ err }, 'could not take or renew the scheduler lease');
      return false;
    });
    if (stopped) return;
    if (leader && !was) {
      logger.info({ holder }, 'this process schedules the passes and reconciles the inbox now');
      options.onLead?.();
      // Every mapping side once when it becomes the scheduler: what changed while nobody scheduled is read now.
      for (const m of options.mappings) for (const side of SIDES) enqueue(m.id, side, `start-${clock()}`);
    }
    if (!leader && was)
      logger.warn({ holder }, 'this process no longer holds the scheduler lease; another one schedules now');
  };
  const check = (): void => {
    checking = checking.then(lead);
  };

  const enqueue = (mapping: string, side: Side, slot: string): void => {
    if (!leader || stopped) return;
    queue
      .add(PASS_JOB, { mapping, side } satisfies PassJob, { jobId: `pass-${mapping}-${side}-${slot}` })
      .catch((err: unknown) => logger.error({ err }, 'could not enqueue a pass'));
  };

  for (const mapping of options.mappings) {
    const every = options.everyMsOverride ?? ('everyMs' in mapping.schedule ? mapping.schedule.everyMs : undefined);
    for (const side of SIDES) {
      if (every !== undefined) {
        timers.add(setInterval(() => enqueue(mapping.id, side, String(Math.floor(clock() / every))), every));
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
              enqueue(mapping.id, side, String(at));
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
  timers.add(setInterval(check, leaseMs / 3));
  check();

  return {
    isLeader: () => leader && !stopped,
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await checking;
      if (leader) await leases.release(SCHEDULER_LEASE, holder).catch(() => undefined);
      leader = false;
    },
  };
}
