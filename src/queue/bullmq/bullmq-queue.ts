/**
 * The JobQueue on BullMQ (distributed mode): any number of worker processes on any
 * machines share one Redis. Set up as RELIABILITY.md asks: worker connections with
 * `maxRetriesPerRequest: null` (a blocking command must not give up during a Redis
 * restart), ended jobs removed by age and count (never kept forever, never at once),
 * exponential backoff, and job ids checked for `:`. Redis must run with
 * `maxmemory-policy noeviction`.
 *
 * After a failed run it follows decideRetry (retry-policy.ts), as the memory adapter does:
 * - not retryable: rethrown as BullMQ's `UnrecoverableError` (no further attempt);
 * - rate limited: `job.moveToDelayed(now + retryAfterMs)` and `DelayedError`, BullMQ's
 *   documented way to postpone a job without counting an attempt (`attemptsMade` stays);
 * - otherwise rethrown, and the wait before the next attempt comes from the worker's
 *   custom backoff strategy ({@link BACKOFF_TYPE}): the error's `retryAfterMs` when it
 *   carries one, else the exponential backoff. A built-in type (`exponential`) would never
 *   ask the strategy, so every job is added with this type, and only workers of this
 *   version know it: stop older workers before newer ones add jobs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DelayedError,
  Queue,
  UnrecoverableError,
  Worker,
  type ConnectionOptions,
  type Job as BullJob,
  type MinimalJob,
} from 'bullmq';
import { retryDelayOf } from '../../errors.ts';
import type { Logger } from '../../observability/logger.ts';
import { RedisOutageLog } from '../../observability/redis-outage-log.ts';
import {
  backoffBefore,
  checkJobId,
  JOB_DEFAULTS,
  KEEP,
  type AddOptions,
  type AddResult,
  type FailedJob,
  type JobCounts,
  type JobHandler,
  type JobQueue,
  type QueueWorker,
  type WorkOptions,
} from '../job-queue.ts';
import { decideRetry, messageOf } from '../retry-policy.ts';

/** How long ping() waits for Redis to answer, ms. */
const PING_TIMEOUT_MS = 2_000;

/** How long close() waits for BullMQ once this process's handlers are done, ms. */
const CLOSE_GRACE_MS = 3_000;

/** The backoff type of every job: the worker's `backoffStrategy` ({@link backoffStrategy}) computes it. */
export const BACKOFF_TYPE = 'frontback';

/** Wait before the next attempt after `attemptsMade` attempts: the error's retryAfterMs, else exponential from the job's delay. */
function backoffStrategy(attemptsMade: number, _type?: string, err?: Error, job?: MinimalJob): number {
  const backoff = job?.opts.backoff;
  const delay = typeof backoff === 'number' ? backoff : (backoff?.delay ?? JOB_DEFAULTS.backoffMs);
  return retryDelayOf(err) ?? backoffBefore(attemptsMade + 1, delay);
}

/** What BullMQ can store as a failure: an Error, keeping the code, retryable and retryAfterMs of a plain object thrown. */
function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  const error = new Error(messageOf(err));
  if (typeof err === 'object' && err !== null) {
    const { name, code, retryable, retryAfterMs, details } = err as Record<string, unknown>;
    if (typeof name === 'string') error.name = name;
    Object.assign(error, { code, retryable, retryAfterMs, details });
  }
  return error;
}

/** Where the queue lives. */
export interface BullMqQueueOptions {
  /** Redis URL (`redis://` or `rediss://`). */
  redisUrl: string;
  /** Key prefix; default `frontback`. */
  prefix?: string;
  /** How long a worker's lock on a running job lasts unless renewed, ms; BullMQ's default 30,000. */
  lockDurationMs?: number;
  /** How often a worker looks for jobs whose lock ran out (stalled), ms; BullMQ's default 30,000. */
  stalledIntervalMs?: number;
  /** Where connection errors are logged, once per outage (redis-outage-log.ts); default: not logged. */
  logger?: Logger;
}

/** `promise`, or a rejection saying `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(what)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** BullMQ's connection options for the Redis at `url`; a worker's never give up a blocking command. */
export function connectionOf(url: string, forWorker: boolean): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port === '' ? 6379 : Number(u.port),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // Workers block on Redis; a finite retry count would make them fail during a restart.
    ...(forWorker ? { maxRetriesPerRequest: null } : {}),
  };
}

/** Creates a BullMQ-backed queue named `name`. */
export function createBullMqQueue(name: string, options: BullMqQueueOptions): JobQueue {
  const prefix = options.prefix ?? 'frontback';
  const queue = new Queue(name, {
    connection: connectionOf(options.redisUrl, false),
    prefix,
    defaultJobOptions: {
      attempts: JOB_DEFAULTS.attempts,
      backoff: { type: BACKOFF_TYPE, delay: JOB_DEFAULTS.backoffMs },
      removeOnComplete: { age: KEEP.completed.ageSeconds, count: KEEP.completed.count },
      removeOnFail: { age: KEEP.failed.ageSeconds, count: KEEP.failed.count },
    },
  });
  // A Redis restart makes the connection emit errors while ioredis reconnects; `add` itself rejects meanwhile (callers
  // log it). Logged once per outage, and never left to ioredis, which prints them outside the JSON log.
  const outage = new RedisOutageLog(options.logger, 'queue');
  queue.on('error', outage.error);

  return {
    name,
    async add(jobName: string, data: unknown, opts: AddOptions = {}): Promise<AddResult> {
      checkJobId(opts.jobId);
      const job = await queue.add(jobName, data, {
        ...(opts.jobId === undefined ? {} : { jobId: opts.jobId }),
        ...(opts.delayMs ? { delay: opts.delayMs } : {}),
        ...(opts.attempts === undefined ? {} : { attempts: opts.attempts }),
        ...(opts.backoffMs === undefined ? {} : { backoff: { type: BACKOFF_TYPE, delay: opts.backoffMs } }),
      });
      return { id: String(job.id) };
    },

    work(handler: JobHandler, opts: WorkOptions = {}): QueueWorker {
      // The handlers running in this process, so close() can wait for them itself (below).
      const running = new Set<Promise<void>>();
      const worker = new Worker(
        name,
        async (job: BullJob, token?: string) => {
          const facts = {
            attempt: job.attemptsMade + 1,
            attempts: job.opts.attempts ?? 1,
            // Runs not counted as attempts: this one, earlier stalls and earlier rate-limited waits.
            rateLimitWaits: Math.max(0, job.attemptsStarted - job.attemptsMade - job.stalledCounter - 1),
          };
          const run = handler({ id: String(job.id), name: job.name, data: job.data as unknown, ...facts });
          running.add(run);
          try {
            await run;
          } catch (err) {
            const decision = decideRetry(err, facts);
            if (!decision.retry && decision.why === 'not-retryable') throw new UnrecoverableError(messageOf(err));
            if (decision.retry && !decision.counted && token !== undefined) {
              await job.moveToDelayed(Date.now() + (decision.delayMs ?? 0), token);
              throw new DelayedError();
            }
            // Attempts used up (BullMQ fails it) or another attempt (after backoffStrategy's wait).
            throw asError(err);
          } finally {
            running.delete(run);
          }
        },
        {
          connection: connectionOf(options.redisUrl, true),
          prefix,
          concurrency: Math.max(1, opts.concurrency ?? 1),
          settings: { backoffStrategy },
          ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
          ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
        },
      );
      // Errors of the worker's own connections are retried by ioredis: logged once per outage, never unhandled.
      const workerOutage = new RedisOutageLog(options.logger, 'queue worker');
      worker.on('error', workerOutage.error);
      worker.on('ready', workerOutage.recovered);
      return {
        async close() {
          const closing = worker.close();
          await Promise.allSettled([...running]);
          // After a Redis restart BullMQ can wait forever for a job fetch that died with the old
          // connection, though no handler runs: past a grace period the connections are cut.
          const closed = await Promise.race([closing.then(() => true), sleep(CLOSE_GRACE_MS).then(() => false)]);
          if (!closed) {
            // Not awaited: it can hang as well; the process is stopping anyway.
            void worker.disconnect().catch(() => undefined);
          }
        },
      };
    },

    async counts(): Promise<JobCounts> {
      const c = await queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'completed',
        'failed',
        'prioritized',
        'waiting-children',
      );
      return {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        completed: c.completed ?? 0,
        failed: c.failed ?? 0,
      };
    },

    async ping(): Promise<void> {
      // The client is handed out once connected: while Redis is down, that wait is the answer.
      const client = await within(queue.getBackend().client, PING_TIMEOUT_MS, 'no connection to Redis');
      // A GET of a key nothing writes: BullMQ's client interface has no PING.
      await within(client.get(`${prefix}:${name}:readiness`), PING_TIMEOUT_MS, 'Redis does not answer');
      outage.recovered();
    },

    async failed(limit = 100): Promise<FailedJob[]> {
      const jobs = await queue.getFailed(0, limit - 1);
      return jobs.map((j) => ({
        id: String(j.id),
        name: j.name,
        data: j.data as unknown,
        attemptsMade: j.attemptsMade,
        error: j.failedReason,
      }));
    },

    async close(): Promise<void> {
      await queue.close();
    },
  };
}

/** Deletes every key of queue `name` (tests and `frontback` maintenance; not for a running queue). */
export async function obliterateBullMqQueue(name: string, options: BullMqQueueOptions): Promise<void> {
  const queue = new Queue(name, {
    connection: connectionOf(options.redisUrl, false),
    prefix: options.prefix ?? 'frontback',
  });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}
