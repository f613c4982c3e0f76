/**
 * Turns a rolling-window budget ("100 requests per rolling 10 s", HubSpot) into fixed
 * windows that a counter store can enforce (rate-limiter-flexible counts per key with
 * an expiry).
 *
 * A fixed-window counter alone would let twice the budget through around a window edge
 * (100 at 9.9 s, 100 at 10.1 s). Cutting the budget into shorter windows bounds that: a
 * rolling window of length W touches at most ceil(W / L) + 1 windows of length L, so
 * allowing floor(R / (ceil(W / L) + 1)) per short window keeps every rolling window at or
 * under R. The planner picks the L with the best throughput.
 */
import type { RateLimit } from './connection.ts';

/** The fixed windows that enforce a {@link RateLimit}. */
export interface WindowPlan {
  /** Requests allowed per fixed window. */
  points: number;
  /** Fixed window length, in milliseconds (a multiple of the store's granularity). */
  windowMs: number;
  /**
   * True when every rolling window of `perMs` stays at or under `requests`. False only for
   * a budget of 1 request, which fixed windows cannot bound (two requests may straddle an edge).
   */
  strict: boolean;
}

const MAX_CANDIDATES = 1000;

/**
 * Chooses the window plan for `rate`. `granularityMs` is the smallest window the store
 * supports: 1 for memory, 1000 for Redis (rate-limiter-flexible sets `EX` in seconds).
 */
export function planWindows(rate: RateLimit, granularityMs: number): WindowPlan {
  const { requests, perMs } = rate;
  if (!Number.isInteger(requests) || requests < 1)
    throw new RangeError(`rate limit requests must be a positive integer, got ${requests}`);
  if (!Number.isFinite(perMs) || perMs <= 0) throw new RangeError(`rate limit perMs must be positive, got ${perMs}`);
  let best: WindowPlan | undefined;
  const maxSplits = Math.min(requests - 1, MAX_CANDIDATES);
  for (let splits = 1; splits <= maxSplits; splits++) {
    const windowMs = Math.ceil(perMs / splits / granularityMs) * granularityMs;
    const touched = Math.ceil(perMs / windowMs) + 1;
    const points = Math.floor(requests / touched);
    if (points < 1) continue;
    const candidate = { points, windowMs, strict: true };
    if (best === undefined || points / windowMs > best.points / best.windowMs) best = candidate;
  }
  return best ?? { points: 1, windowMs: Math.ceil(perMs / granularityMs) * granularityMs, strict: false };
}
