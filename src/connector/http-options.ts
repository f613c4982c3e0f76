/**
 * Options of the shared HTTP client, raw (what a connector passes) and compiled (with
 * every default applied, in one place).
 */
import type { Logger } from '../observability/logger.ts';
import type { AuthProvider } from './auth.ts';
import type { ConnectionBudget } from './budget.ts';
import type { ErrorTranslator, HttpResponse } from './http-errors.ts';
import type { ConnectorError } from './errors.ts';
import type { RateLimiter } from './rate-limiter.ts';
import pkg from '../../package.json' with { type: 'json' };

/** Backoff for network errors, timeouts and 5xx (p-retry). 429s do not use it. */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 5. */
  retries: number;
  /** Delay before the first retry, in ms. Default 500. */
  minTimeoutMs: number;
  /** Longest delay between retries, in ms. Default 30,000. */
  maxTimeoutMs: number;
  /** Exponential factor. Default 2. */
  factor: number;
  /** Multiply each delay by a random 1-2 (jitter, so workers do not retry in lockstep). Default true. */
  randomize: boolean;
}

/** How long the client keeps waiting out 429s before giving up with a RateLimitedError. */
export interface RateLimitedPolicy {
  /** Most 429s answered for one request. Default 10. */
  maxWaits: number;
  /** Most total time spent waiting on 429s for one request, in ms. Default 120,000. */
  maxTotalWaitMs: number;
  /** Wait when neither `Retry-After` nor the vendor hook says, in ms. Default 1,000. */
  defaultWaitMs: number;
}

/** One finished HTTP exchange, for metrics. */
export interface RequestEvent {
  /** Connection name. */
  connection: string;
  /** HTTP method. */
  method: string;
  /** Low-cardinality route label (the request's `route`, else its method). */
  route: string;
  /** HTTP status, or `network` when no response arrived. */
  status: number | 'network';
  /** Time from sending to the response (or failure), in ms. */
  durationMs: number;
}

/** Options of `createHttpClient`. */
export interface HttpClientOptions {
  /** Connection name: in errors, logs and metric labels. */
  connection: string;
  /** Base URL; relative request paths resolve against it, absolute ones must share its origin. */
  baseURL: string;
  /** Per-request timeout in ms. Default 30,000. */
  timeoutMs?: number;
  /**
   * Most requests of this client on the wire at once (the connection's `concurrency`); more
   * wait their turn. Default: no cap (the rate limiter alone paces them).
   */
  maxInFlight?: number;
  /** Headers sent with every request (after `user-agent` and `accept`). */
  headers?: Record<string, string>;
  /** `user-agent`. Default `frontback/<package version>`. */
  userAgent?: string;
  /** Adds credentials; when it can refresh, a 401 triggers one refresh and one retry. */
  auth?: AuthProvider;
  /** The connection's client-side budget; each attempt (including after a 429) acquires from it. Default `budget.limiter`. */
  limiter?: RateLimiter;
  /**
   * The connection's API budget (budget.ts): admits each attempt before the limiter (the
   * reserve holds scheduled passes back), counts the calls, reads what the vendor says is left.
   */
  budget?: ConnectionBudget;
  /** Backoff for network errors, timeouts and 5xx; see {@link RetryPolicy} for defaults. */
  retry?: Partial<RetryPolicy>;
  /** 429 handling; see {@link RateLimitedPolicy} for defaults. */
  rateLimited?: Partial<RateLimitedPolicy>;
  /** The connector's one error translator. Default `defaultTranslateError`. */
  translateError?: ErrorTranslator;
  /**
   * Finds an error inside a successful status (Odoo JSON-RPC answers HTTP 200 with an
   * `error` member). Returned errors are thrown as they are: retried when retryable.
   */
  detectError?: (response: HttpResponse) => ConnectorError | undefined;
  /** Vendor-specific wait for a 429 in ms (HubSpot: 10 s for `TEN_SECONDLY_ROLLING`); else `Retry-After`. */
  retryAfter?: (response: HttpResponse) => number | undefined;
  /**
   * Vendor-specific pause in ms when headers say the budget is spent (HubSpot
   * `X-HubSpot-RateLimit-Remaining: 0`); the limiter holds every request for that long.
   */
  pauseAfter?: (response: HttpResponse) => number | undefined;
  /** Largest response body accepted, in bytes. Default 64 MiB. */
  maxResponseBytes?: number;
  /** Logger (a child with the connection name is made). */
  logger: Logger;
  /** Called after every exchange, for metrics (see `httpMetricsHook`). */
  onRequest?: (event: RequestEvent) => void;
  /** Clock, epoch ms (HTTP-date `Retry-After`). Default `Date.now`. */
  now?: () => number;
  /** Waits out a 429; injectable so tests need not sleep. Default a timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** Every default of the HTTP client, in one object. */
export const HTTP_DEFAULTS = {
  timeoutMs: 30_000,
  userAgent: `frontback/${pkg.version}`,
  maxResponseBytes: 64 * 1024 * 1024,
  retry: { retries: 5, minTimeoutMs: 500, maxTimeoutMs: 30_000, factor: 2, randomize: true } satisfies RetryPolicy,
  rateLimited: { maxWaits: 10, maxTotalWaitMs: 120_000, defaultWaitMs: 1_000 } satisfies RateLimitedPolicy,
} as const;
