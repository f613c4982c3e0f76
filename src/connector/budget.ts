/**
 * A connection's API budget, built once for every connector: the calls it made, what the
 * vendor says is left where it says so (a connector's `readBudget`: HubSpot's
 * `X-HubSpot-RateLimit-*` headers; later Salesforce's `Sforce-Limit-Info:
 * api-usage=25/15000`, a daily used/max pair), the client-side rate limit in force, and
 * a share of the budget kept in reserve for webhook-driven passes.
 *
 * - **Adopting the announced limit.** A vendor that announces its per-interval limit
 *   (HubSpot: 100 per 10 s for a free app, 190 for Professional) is believed over the
 *   connector's guessed default: the connection's limiter is rebuilt with the announced
 *   rate (still planned in fixed windows, rate-limit-plan.ts, so no rolling window is
 *   exceeded). A `rateLimit` set on the connection wins: it is never replaced.
 * - **The reserve.** Requests of scheduled passes (and a person's `sync`) also acquire a
 *   second limiter holding (1 - reserve) of the rate, so together they never take the
 *   reserve of the client-side window (this works for vendors that announce nothing,
 *   Odoo); and where the vendor announces what is left of its window, they wait while
 *   the estimate of it is within the reserve (other apps or processes spend it too).
 *   Webhook-driven passes and calls outside a pass acquire only the connection's limiter.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../observability/logger.ts';
import { currentPriority } from './call-context.ts';
import type { RateLimit } from './connection.ts';
import type { ConnectorDeps, ConnectorLimits } from './connector.ts';
import type { ConnectionSettings } from './connection.ts';
import type { HttpResponse } from './http-errors.ts';
import { planWindows } from './rate-limit-plan.ts';
import type { RateLimiter, RateLimiterFactory } from './rate-limiter.ts';

/** What a vendor response says of the budget; every member optional (a vendor says what it says). */
export interface BudgetReading {
  /** The short window (HubSpot: rolling 10 s). */
  readonly interval?: {
    /** Requests allowed per interval. */
    readonly max?: number;
    /** Requests left in the current interval. */
    readonly remaining?: number;
    /** Interval length, ms. */
    readonly intervalMs?: number;
  };
  /** The daily budget (HubSpot per UTC day; Salesforce per rolling 24 h). */
  readonly daily?: {
    /** Requests allowed per day. */
    readonly max?: number;
    /** Requests left today. */
    readonly remaining?: number;
  };
}

/** Reads the budget from a vendor response; undefined when the response says nothing of it. */
export type BudgetReader = (response: HttpResponse) => BudgetReading | undefined;

/** Where the client-side rate limit in force comes from. */
export type RateLimitSource = 'declared' | 'connection' | 'vendor';

/** A connection's budget at one moment ({@link Connector.budget}). */
export interface BudgetSnapshot {
  /** Connection name. */
  readonly connection: string;
  /** Requests this process sent on the connection since it was opened (each attempt counts). */
  readonly calls: number;
  /** The client-side rate limit in force. */
  readonly rateLimit: RateLimit;
  /** `declared` by the connector, set on the `connection`, or announced by the `vendor` and adopted. */
  readonly rateLimitFrom: RateLimitSource;
  /** Share of the budget kept for webhook-driven passes, 0 to 0.9. */
  readonly reserve: number;
  /** The vendor's latest reading, with when it was observed (epoch ms); absent when the vendor says nothing. */
  readonly vendor?: BudgetReading & { readonly observedAt: number };
}

/** Options of {@link createConnectionBudget}. */
export interface ConnectionBudgetOptions {
  /** Connection name: the limiter key, in logs. */
  readonly connection: string;
  /** Builds limiters (memory or Redis). */
  readonly rateLimiters: RateLimiterFactory;
  /** The rate limit to start with (the connector's declared one, or the connection's). */
  readonly rateLimit: RateLimit;
  /** True when the connection set `rateLimit` itself: an announced limit is then not adopted. */
  readonly explicit: boolean;
  /** Share kept for webhook-driven passes, 0 to 0.9. Default {@link DEFAULT_BUDGET_RESERVE}. */
  readonly reserve?: number;
  /** How the vendor announces its budget; absent for vendors that announce nothing (Odoo). */
  readonly readBudget?: BudgetReader;
  /** Logger (adoption and reserve waits, at info). */
  readonly logger: Logger;
  /** Clock, epoch ms. Default Date.now. */
  readonly now?: () => number;
  /** Waits while the reserve holds a scheduled pass back; injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The budget of one connection, shared by its HTTP client(s). */
export interface ConnectionBudget {
  /** Connection name. */
  readonly connection: string;
  /** The connection's limiter; the same object across adoptions (it delegates to the current one). */
  readonly limiter: RateLimiter;
  /**
   * Admits one request of `cost` before it acquires the connection's limiter: a request
   * of a scheduled pass waits here while the budget left is within the reserve.
   */
  admit(cost: number): Promise<void>;
  /** Ends an admitted request: `sent` when it went out, with the response when one came. */
  settle(sent: boolean, response?: HttpResponse): void;
  /** The budget now. */
  snapshot(): BudgetSnapshot;
}

/** Default share of each connection's budget kept for webhook-driven passes (config `sync.budgetReserve`). */
export const DEFAULT_BUDGET_RESERVE = 0.2;
/** Longest single sleep of a held request: it looks again, since a newer reading may have come. */
const RECHECK_MS = 250;

const describeRate = (rate: RateLimit): string => `${rate.requests} requests per ${rate.perMs} ms`;
const sameRate = (a: RateLimit, b: RateLimit): boolean => a.requests === b.requests && a.perMs === b.perMs;

/** The rate scheduled passes may use: (1 - reserve) of `rate`, at least 1. */
function scheduledRate(rate: RateLimit, reserve: number): RateLimit {
  return { requests: Math.max(1, Math.floor(rate.requests * (1 - reserve))), perMs: rate.perMs };
}

/** Creates the budget of one connection, with its limiter. */
export function createConnectionBudget(options: ConnectionBudgetOptions): ConnectionBudget {
  const { connection, rateLimiters, readBudget, logger } = options;
  const reserve = options.reserve ?? DEFAULT_BUDGET_RESERVE;
  if (!(reserve >= 0 && reserve <= 0.9))
    throw new RangeError(`connection "${connection}": budget reserve must be from 0 to 0.9, got ${reserve}`);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  let rate: RateLimit = { ...options.rateLimit };
  let from: RateLimitSource = options.explicit ? 'connection' : 'declared';
  let main = rateLimiters(connection, rate);
  let scheduled = reserve > 0 ? rateLimiters(`${connection}:scheduled`, scheduledRate(rate, reserve)) : undefined;
  let calls = 0;
  let reading: (BudgetReading & { observedAt: number }) | undefined;
  // Requests admitted since the latest reading, and those in flight when it came: the
  // reading may not count them yet, so the estimate of what is left takes them off.
  let sinceReading = 0;
  let pendingAtReading = 0;
  let inFlight = 0;
  let holding = false;

  const limiter: RateLimiter = {
    get plan() {
      return main.plan;
    },
    acquire: (cost) => main.acquire(cost),
    pause: (ms) => main.pause(ms),
  };

  /** What is left of the vendor's window by the latest reading, or undefined when unknown or stale. */
  function vendorLeft(
    at: number,
    cost: number,
  ): { left: number; max: number; kept: number; waitMs: number } | undefined {
    const window = reading?.interval;
    if (reading === undefined || window?.max === undefined || window.remaining === undefined || window.max < 1)
      return undefined;
    const intervalMs = window.intervalMs ?? rate.perMs;
    const elapsed = Math.max(0, at - reading.observedAt);
    // After a whole interval every request the reading counted has left the window: it says nothing now.
    if (elapsed >= intervalMs) return undefined;
    // A rolling window refills as its oldest requests leave it; evenly spread is the estimate.
    const refill = Math.floor((elapsed * window.max) / intervalMs);
    const left = Math.min(window.max, window.remaining + refill) - pendingAtReading - sinceReading;
    const kept = Math.ceil(reserve * window.max);
    const short = kept + cost - left;
    const refilledAt = reading.observedAt + Math.ceil(((refill + Math.max(1, short)) * intervalMs) / window.max);
    return {
      left,
      max: window.max,
      kept,
      waitMs: Math.max(1, Math.min(refilledAt, reading.observedAt + intervalMs) - at),
    };
  }

  function adopt(announced: BudgetReading['interval']): void {
    if (from === 'connection' || announced?.max === undefined || announced.max < 1) return;
    const next: RateLimit = { requests: announced.max, perMs: announced.intervalMs ?? rate.perMs };
    if (sameRate(next, rate)) return;
    try {
      planWindows(next, 1);
    } catch {
      return; // an announcement no limiter can keep is not believed
    }
    logger.info(
      { connection, rateLimit: next, was: rate },
      `${connection}: adopted the rate limit the vendor announces, ${describeRate(next)} (was ` +
        `${from === 'declared' ? "the connector's default" : 'an earlier announcement'}, ${describeRate(rate)}); ` +
        'set rateLimit on the connection to choose another',
    );
    // Rebuilt rather than resized (rate-limiter-flexible fixes points at construction); the
    // requests of the current short window are forgotten in memory, kept in Redis by key.
    rate = next;
    from = 'vendor';
    main = rateLimiters(connection, rate);
    if (reserve > 0) scheduled = rateLimiters(`${connection}:scheduled`, scheduledRate(rate, reserve));
  }

  return {
    connection,
    limiter,

    async admit(cost) {
      if (currentPriority() === 'scheduled') {
        for (;;) {
          const at = now();
          const state = vendorLeft(at, cost);
          if (state === undefined || state.left - cost >= state.kept) break;
          if (!holding) {
            holding = true;
            logger.info(
              { connection, left: Math.max(0, state.left), max: state.max, kept: state.kept },
              `scheduled passes wait: ${connection} has ${Math.max(0, state.left)} of ${state.max} ` +
                `requests left in this window; ${state.kept} kept for webhook-driven passes`,
            );
          }
          await sleep(Math.min(state.waitMs, RECHECK_MS));
        }
        if (holding) {
          holding = false;
          logger.info({ connection }, `scheduled passes go on: ${connection}'s window has refilled past the reserve`);
        }
        // Counted before the next await, so concurrent requests never see the same room twice.
        sinceReading += 1;
        inFlight += 1;
        // The scheduled share of the client-side window (cost capped: its windows may hold fewer).
        const share = scheduled;
        if (share !== undefined) {
          try {
            await share.acquire(Math.min(cost, share.plan.points));
          } catch (err) {
            inFlight -= 1;
            throw err;
          }
        }
        return;
      }
      sinceReading += 1;
      inFlight += 1;
    },

    settle(sent, response) {
      inFlight = Math.max(0, inFlight - 1);
      if (sent) calls += 1;
      if (response === undefined || readBudget === undefined) return;
      const read = readBudget(response);
      if (read === undefined || (read.interval === undefined && read.daily === undefined)) return;
      reading = { ...read, observedAt: now() };
      sinceReading = 0;
      pendingAtReading = inFlight;
      adopt(read.interval);
    },

    snapshot() {
      return {
        connection,
        calls,
        rateLimit: { ...rate },
        rateLimitFrom: from,
        reserve,
        ...(reading === undefined ? {} : { vendor: reading }),
      };
    },
  };
}

/**
 * The budget of `connection` as a connector builds it: its limits' rate limit (the
 * connection's own when set, which is then never replaced), the reserve and clock from
 * `deps`, and the vendor's way of announcing its budget (`readBudget`), if it has one.
 */
export function budgetFor(
  connection: ConnectionSettings,
  deps: ConnectorDeps,
  limits: ConnectorLimits,
  readBudget?: BudgetReader,
): ConnectionBudget {
  return createConnectionBudget({
    connection: connection.name,
    rateLimiters: deps.rateLimiters,
    rateLimit: limits.rateLimit,
    explicit: connection.rateLimit !== undefined,
    ...(deps.budgetReserve === undefined ? {} : { reserve: deps.budgetReserve }),
    ...(readBudget === undefined ? {} : { readBudget }),
    logger: deps.logger,
    now: deps.clock,
  });
}
