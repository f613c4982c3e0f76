/**
 * What a queue does after a handler threw: the one decision both adapters (and the
 * runner's log line) take from the error's data, never from its class alone, since an
 * error from another process arrives as a plain object (STYLE, Errors).
 *
 * - Not retryable ({@link isRetryable} in src/errors.ts: `retryable: false`, or a code
 *   whose default is so; BullMQ's own `UnrecoverableError` by name): the job fails now,
 *   whatever attempts are left (Temporal's `nonRetryable`, BullMQ's UnrecoverableError).
 * - Rate limited (code `RATE_LIMITED` with a `retryAfterMs`): the next run waits that long
 *   and this run does not count as an attempt (the vendor did not do the work), up to
 *   {@link RATE_LIMIT_FREE_WAITS} times per job, so a limit that never lifts still ends.
 * - Any other retryable error: another attempt while attempts are left, after the error's
 *   `retryAfterMs` if it carries one ({@link retryDelayOf}), else the queue's exponential
 *   backoff.
 */
import { ErrorCode, errorCodeOf, isRetryable, retryDelayOf } from '../errors.ts';

/** Rate-limited runs per job that do not count as attempts; past them, each one does. */
export const RATE_LIMIT_FREE_WAITS = 20;

/** The facts of a job that the decision needs (a {@link Job} has them). */
export interface RunFacts {
  /** The attempt that just failed, from 1. */
  readonly attempt: number;
  /** Attempts in all. */
  readonly attempts: number;
  /** Earlier runs that ended in a rate-limited wait not counted as an attempt. */
  readonly rateLimitWaits: number;
}

/** What happens to a job after a failed run. */
export type RetryDecision =
  /** It ends failed: the error is not retryable, or the attempts are used up. */
  | { readonly retry: false; readonly why: 'not-retryable' | 'attempts-used' }
  /**
   * It runs again after `delayMs` (undefined: the queue's backoff); `counted` says whether
   * the failed run used up an attempt (false for a rate-limited wait).
   */
  | { readonly retry: true; readonly counted: boolean; readonly delayMs: number | undefined };

/** True for BullMQ's own UnrecoverableError (a handler may throw it; it may arrive by name only). */
function isBullMqUnrecoverable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'UnrecoverableError';
}

/** Decides what follows a failed run of a job; see the module comment. */
export function decideRetry(err: unknown, run: RunFacts): RetryDecision {
  if (!isRetryable(err) || isBullMqUnrecoverable(err)) return { retry: false, why: 'not-retryable' };
  const delayMs = retryDelayOf(err);
  if (
    delayMs !== undefined &&
    errorCodeOf(err) === ErrorCode.RateLimited &&
    run.rateLimitWaits < RATE_LIMIT_FREE_WAITS
  ) {
    return { retry: true, counted: false, delayMs };
  }
  if (run.attempt >= run.attempts) return { retry: false, why: 'attempts-used' };
  return { retry: true, counted: true, delayMs };
}

/** The message of anything thrown: an Error's, a plain object's `message`, else its string form. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(err);
}

/** Says in words what follows, for a log line: `retried in 30000 ms, as the target asked; ...`. */
export function describeRetry(err: unknown, run: RunFacts): string {
  const decision = decideRetry(err, run);
  if (!decision.retry) {
    if (decision.why === 'attempts-used') return `not retried: its ${run.attempts} attempts are used up`;
    const code =
      errorCodeOf(err) ?? (typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined);
    return `not retried: ${typeof code === 'string' ? `${code} ` : 'the error '}is not retryable (it would fail the same way again)`;
  }
  if (!decision.counted)
    return `retried in ${decision.delayMs ?? 0} ms, as the target asked (a rate-limited run does not count as an attempt)`;
  const next = `attempt ${run.attempt + 1} of ${run.attempts}`;
  return decision.delayMs === undefined
    ? `retried with backoff (${next})`
    : `retried in ${decision.delayMs} ms, as the error asked (${next})`;
}
