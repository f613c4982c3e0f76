/**
 * The org's API limits as the sandbox enforces them: the daily allowance over a rolling
 * 24 hours and the cap on concurrent long-running requests (Salesforce Developer Limits
 * and Allocations Quick Reference, "API Request Limits and Allocations"). Settings and
 * usage can be changed while running (`PUT /_sandbox/api-usage`).
 */
import { z } from 'zod';
import type { SandboxClock } from '../../../../src/connector/sandbox/clock.ts';
import { SalesforceApiError } from '../errors.ts';
import { LongRequestTracker } from './concurrent.ts';
import { DailyAllowance } from './daily.ts';
import { limitsDocument, type OrgLimit } from './document.ts';

/** Options of {@link ApiLimits}; every field has a default ({@link defaultApiLimits}). */
export interface ApiLimitsOptions {
  /** API requests allowed per rolling 24 hours. Default 100,000 (Enterprise Edition base). */
  dailyApiLimit?: number;
  /** A request in flight this long (ms, wall clock) counts as long-running. Default 20,000. */
  longRequestMs?: number;
  /** Long-running requests allowed at once. Default 25 (production orgs). */
  maxLongRequests?: number;
}

/** The defaults: Enterprise Edition's base allowance and the production concurrency cap. */
export function defaultApiLimits(): Required<ApiLimitsOptions> {
  return { dailyApiLimit: 100_000, longRequestMs: 20_000, maxLongRequests: 25 };
}

/** What `GET /_sandbox/api-usage` (and the stats' `limits`) shows. */
export interface ApiLimitsState {
  dailyMax: number;
  used: number;
  remaining: number;
  longInFlight: number;
  longRequestMs: number;
  maxLongRequests: number;
  /** Requests refused since the last reset, per limit. */
  refused: { daily: number; concurrent: number };
}

/** Body of `PUT /_sandbox/api-usage`. */
export const apiLimitsPatchSchema = z
  .object({
    used: z.number().int().min(0),
    dailyMax: z.number().int().min(1),
    longRequestMs: z.number().int().min(1),
    maxLongRequests: z.number().int().min(1),
  })
  .partial()
  .strict();

/** A valid `PUT /_sandbox/api-usage` body. */
export type ApiLimitsPatch = z.infer<typeof apiLimitsPatchSchema>;

/** The daily allowance is spent. Wording as Salesforce (and jsforce users) report it. */
export function dailyLimitExceeded(): SalesforceApiError {
  return new SalesforceApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
}

/**
 * Too many long-running requests. Message as quoted in Salesforce Help article 000389067
 * ("ConcurrentRequests (Concurrent API Requests) Limit exceeded"); the status (403) and
 * errorCode are assumed to match the daily limit's, which we could not confirm.
 */
export function concurrentLimitExceeded(): SalesforceApiError {
  return new SalesforceApiError(
    403,
    'REQUEST_LIMIT_EXCEEDED',
    'ConcurrentRequests (Concurrent API Requests) Limit exceeded',
  );
}

/** Daily and concurrency limits of one sandbox org. */
export class ApiLimits {
  private readonly defaults: Required<ApiLimitsOptions>;
  private readonly daily: DailyAllowance;
  private readonly long: LongRequestTracker;
  private refused = { daily: 0, concurrent: 0 };

  constructor(clock: SandboxClock, options: ApiLimitsOptions = {}) {
    const fallback = defaultApiLimits();
    // Fields left undefined keep their defaults.
    this.defaults = {
      dailyApiLimit: options.dailyApiLimit ?? fallback.dailyApiLimit,
      longRequestMs: options.longRequestMs ?? fallback.longRequestMs,
      maxLongRequests: options.maxLongRequests ?? fallback.maxLongRequests,
    };
    this.daily = new DailyAllowance(clock, this.defaults.dailyApiLimit);
    this.long = new LongRequestTracker(this.defaults.longRequestMs, this.defaults.maxLongRequests);
  }

  /**
   * Admits a counted request (and starts timing it) or says why it is refused. A refused
   * request uses up nothing.
   */
  admit(request: object): { minute: number } | { refused: SalesforceApiError } {
    if (this.long.full()) {
      this.refused.concurrent += 1;
      return { refused: concurrentLimitExceeded() };
    }
    if (this.daily.spent()) {
      this.refused.daily += 1;
      return { refused: dailyLimitExceeded() };
    }
    this.long.begin(request);
    return { minute: this.daily.take() };
  }

  /** Gives back a call admitted in `minute` (a request the org would not have counted). */
  refund(minute: number): void {
    this.daily.refund(minute);
  }

  /** The request is no longer in flight; safe to call more than once. */
  finish(request: object): void {
    this.long.end(request);
  }

  /** The `Sforce-Limit-Info` header value, e.g. `api-usage=18/100000`. */
  header(): string {
    return `api-usage=${this.daily.used()}/${this.daily.max}`;
  }

  /** The `/limits` document. */
  document(): Record<string, OrgLimit> {
    return limitsDocument({ Max: this.daily.max, Remaining: this.daily.remaining() });
  }

  /** Current settings and usage. */
  state(): ApiLimitsState {
    return {
      dailyMax: this.daily.max,
      used: this.daily.used(),
      remaining: this.daily.remaining(),
      longInFlight: this.long.longInFlight(),
      longRequestMs: this.long.longRequestMs,
      maxLongRequests: this.long.maxLongRequests,
      refused: { ...this.refused },
    };
  }

  /** Changes settings or usage (control API). */
  patch(patch: ApiLimitsPatch): ApiLimitsState {
    if (patch.dailyMax !== undefined) this.daily.max = patch.dailyMax;
    if (patch.used !== undefined) this.daily.setUsed(patch.used);
    if (patch.longRequestMs !== undefined) this.long.longRequestMs = patch.longRequestMs;
    if (patch.maxLongRequests !== undefined) this.long.maxLongRequests = patch.maxLongRequests;
    return this.state();
  }

  /**
   * Back to the configured settings with no usage and no refusals. Requests still in
   * flight stay tracked: they are real and end on their own.
   */
  reset(): void {
    this.daily.max = this.defaults.dailyApiLimit;
    this.daily.setUsed(0);
    this.long.longRequestMs = this.defaults.longRequestMs;
    this.long.maxLongRequests = this.defaults.maxLongRequests;
    this.refused = { daily: 0, concurrent: 0 };
  }
}
