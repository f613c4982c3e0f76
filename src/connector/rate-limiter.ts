/**
 * Per-connection client-side rate limiting on rate-limiter-flexible. Embedded mode counts
 * in memory; distributed mode counts in Redis under one key per connection, so N workers
 * together stay under the vendor's budget. `acquire` waits for room instead of failing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ErrorCode, FrontbackError } from '../errors.ts';
import type { RateLimit } from './connection.ts';
import { planWindows, type WindowPlan } from './rate-limit-plan.ts';

/** Grants permission to send requests within a budget. */
export interface RateLimiter {
  /** Resolves when `cost` requests (default 1) may be sent now; waits as long as needed. */
  acquire(cost?: number): Promise<void>;
  /**
   * Holds every request on this budget (all workers, with Redis) for `ms` milliseconds:
   * used when the vendor's headers say the remaining budget is 0.
   */
  pause(ms: number): Promise<void>;
  /** The fixed windows this limiter enforces. */
  readonly plan: WindowPlan;
}

/** Creates the limiter for one connection's budget. `key` is the connection name (plus a suffix for a second budget, e.g. `hubspot:search`). */
export type RateLimiterFactory = (key: string, rate: RateLimit) => RateLimiter;

/** Options shared by both limiter kinds. */
export interface LimiterOptions {
  /** Abort waiting (shutdown). */
  signal?: AbortSignal;
}

const REDIS_GRANULARITY_MS = 1000;
// Waking a few ms after the window expires avoids a wasted round trip on a key that is
// about to expire.
const WAKE_SLACK_MS = 5;

function wrap(
  limiter: RateLimiterAbstract,
  key: string,
  plan: WindowPlan,
  blockSeconds: (ms: number) => number,
  options: LimiterOptions,
): RateLimiter {
  return {
    plan,
    async acquire(cost = 1) {
      if (!Number.isInteger(cost) || cost < 1 || cost > plan.points) {
        throw new FrontbackError(
          ErrorCode.Validation,
          `rate limiter "${key}": cost ${cost} must be an integer from 1 to ${plan.points} (requests per ${plan.windowMs} ms window)`,
        );
      }
      for (;;) {
        try {
          await limiter.consume(key, cost);
          return;
        } catch (rejection) {
          if (!(rejection instanceof RateLimiterRes)) throw rejection;
          await sleep(Math.max(1, rejection.msBeforeNext) + WAKE_SLACK_MS, undefined, { signal: options.signal });
        }
      }
    },
    async pause(ms) {
      if (ms <= 0) return;
      await limiter.block(key, blockSeconds(ms));
    },
  };
}

/** An in-process limiter (embedded mode, tests). Millisecond windows. */
export function createMemoryRateLimiter(key: string, rate: RateLimit, options: LimiterOptions = {}): RateLimiter {
  const plan = planWindows(rate, 1);
  const limiter = new RateLimiterMemory({ points: plan.points, duration: plan.windowMs / 1000 });
  return wrap(limiter, key, plan, (ms) => ms / 1000, options);
}

/** Options of {@link createRedisRateLimiter}. */
export interface RedisLimiterOptions extends LimiterOptions {
  /** An ioredis client (not the BullMQ worker's blocking connection). */
  redis: Redis;
  /** Key prefix, e.g. `frontback:rl`; the connection key is appended. Default `frontback:rl`. */
  keyPrefix?: string;
}

/**
 * A limiter whose counters live in Redis, shared by every process using the same key.
 * Windows are whole seconds (Redis `EX`). If Redis fails, an in-memory limiter with the
 * same plan takes over for this process, so a Redis outage slows nobody to a halt.
 */
export function createRedisRateLimiter(key: string, rate: RateLimit, options: RedisLimiterOptions): RateLimiter {
  const plan = planWindows(rate, REDIS_GRANULARITY_MS);
  const duration = plan.windowMs / 1000;
  const limiter = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: options.keyPrefix ?? 'frontback:rl',
    points: plan.points,
    duration,
    insuranceLimiter: new RateLimiterMemory({ points: plan.points, duration }),
  });
  return wrap(limiter, key, plan, (ms) => Math.ceil(ms / 1000), options);
}

/** A factory for embedded mode: each call gets its own in-memory budget. */
export function memoryRateLimiterFactory(options: LimiterOptions = {}): RateLimiterFactory {
  return (key, rate) => createMemoryRateLimiter(key, rate, options);
}

/** A factory for distributed mode: budgets shared through Redis by key. */
export function redisRateLimiterFactory(options: RedisLimiterOptions): RateLimiterFactory {
  return (key, rate) => createRedisRateLimiter(key, rate, options);
}
