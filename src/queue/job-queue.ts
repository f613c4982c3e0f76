/**
 * The JobQueue port: what the engine needs from a queue, and nothing of Redis or of a
 * process (like BullMQ's IQueueBackend, no connection type is exposed). Two adapters
 * pass one contract suite (test/contract/queue): memory/ for embedded mode and bullmq/
 * for distributed mode.
 *
 * Delivery is at least once (RELIABILITY.md): a job can run again after a crash or a
 * lost lock, so handlers must be idempotent, and the SQL store, not the queue, holds the
 * truth. A job carries ids, not the only copy of data.
 */
import { ErrorCode, FrontbackError } from '../errors.ts';

/** A job as a handler sees it. */
export interface Job<T = unknown> {
  /** The queue's id of the job (the `jobId` given, or one the queue made). */
  readonly id: string;
  /** What kind of job it is (`poll`, `push`, ...). */
  readonly name: string;
  /** Its data: ids and parameters, never the only copy of a record. */
  readonly data: T;
  /**
   * Which attempt this is, from 1. A run that ended in a rate-limited wait does not count
   * (retry-policy.ts), so the run after it has the same number.
   */
  readonly attempt: number;
  /** Attempts in all, the first included ({@link AddOptions.attempts}). */
  readonly attempts: number;
  /** Earlier runs of this job that ended in a rate-limited wait and did not count as attempts. */
  readonly rateLimitWaits: number;
}

/** Options of {@link JobQueue.add}. */
export interface AddOptions {
  /**
   * A deterministic id: while a job with this id is waiting, running or still kept
   * after it ended, adding it again is ignored. No `:` (BullMQ uses it in its keys).
   */
  jobId?: string;
  /** Run no sooner than this many ms from now. Default 0. */
  delayMs?: number;
  /** Attempts in all, the first included. Default 5. */
  attempts?: number;
  /**
   * Wait before the second attempt, ms; doubles for each further one. Default 1,000. An
   * error carrying `retryAfterMs` sets the wait instead (retry-policy.ts).
   */
  backoffMs?: number;
}

/** What {@link JobQueue.add} answers. */
export interface AddResult {
  /** The job's id. */
  id: string;
}

/** A job that used up its attempts (or failed unrecoverably). */
export interface FailedJob {
  id: string;
  name: string;
  data: unknown;
  /** Attempts made. */
  attemptsMade: number;
  /** The last error's message. */
  error: string;
}

/** How many jobs are where. */
export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

/** Options of {@link JobQueue.work}. */
export interface WorkOptions {
  /** Jobs run at once by this worker. Default 1. */
  concurrency?: number;
}

/** A running worker. */
export interface QueueWorker {
  /** Stops taking jobs and waits for the ones running to finish. */
  close(): Promise<void>;
}

/**
 * Runs one job. A throw fails this run; what follows is decided by
 * {@link decideRetry} (retry-policy.ts) from the error's data: no further attempt when it
 * is not retryable (`retryable: false`, {@link UnrecoverableJobError}), else another one
 * after its `retryAfterMs` or the backoff.
 */
export type JobHandler = (job: Job) => Promise<void>;

/** A queue of jobs. */
export interface JobQueue {
  /** The queue's name. */
  readonly name: string;
  /** Adds a job. */
  add(name: string, data: unknown, options?: AddOptions): Promise<AddResult>;
  /** Starts a worker that runs `handler` for each job. */
  work(handler: JobHandler, options?: WorkOptions): QueueWorker;
  /** Job counts by state. */
  counts(): Promise<JobCounts>;
  /** Failed jobs, newest first. */
  failed(limit?: number): Promise<FailedJob[]>;
  /**
   * Resolves when the queue's backend answers (in-process: at once, unless closed);
   * rejects, within a few seconds, with why not. What a worker's `/readyz` asks.
   */
  ping(): Promise<void>;
  /** Closes the queue (workers started from it must be closed first). */
  close(): Promise<void>;
}

/** Every default of {@link AddOptions}. */
export const JOB_DEFAULTS = Object.freeze({ attempts: 5, backoffMs: 1_000, delayMs: 0 });

/** How many ended jobs are kept (and so still deduplicate a re-added jobId). */
export const KEEP = Object.freeze({
  completed: { count: 1_000, ageSeconds: 3_600 },
  failed: { count: 10_000, ageSeconds: 7 * 24 * 3_600 },
});

/**
 * Throw it from a handler to fail the job at once, without further attempts (a poison
 * record). Any error with `retryable: false` does the same; this one says so whatever
 * the cause, with code `JOB_UNRECOVERABLE`.
 */
export class UnrecoverableJobError extends FrontbackError {
  override name = 'UnrecoverableJobError';
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(ErrorCode.JobUnrecoverable, message, { details, retryable: false });
  }
}

/** Checks a jobId: BullMQ keys use `:`, so an id holding one would collide. */
export function checkJobId(jobId: string | undefined): void {
  if (jobId === undefined) return;
  if (jobId === '' || jobId.includes(':'))
    throw new FrontbackError(ErrorCode.Validation, `jobId ${JSON.stringify(jobId)} must be non-empty and hold no ":"`);
}

/** Delay before attempt `next` (2, 3, ...): backoff doubling from `backoffMs`. */
export function backoffBefore(next: number, backoffMs: number): number {
  return backoffMs * 2 ** (next - 2);
}
