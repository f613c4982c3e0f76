import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryRateLimiter,
  createRedisRateLimiter,
  type RateLimiter,
} from '../../../src/connector/rate-limiter.ts';
import { REDIS_URL, haveRedis } from '../../support/env.ts';

/** Largest number of grants inside any span shorter than `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

async function drive(limiters: RateLimiter[], total: number): Promise<number[]> {
  const grants: number[] = [];
  await Promise.all(
    Array.from({ length: total }, async (_, i) => {
      await (limiters[i % limiters.length] as RateLimiter).acquire();
      grants.push(Date.now());
    }),
  );
  return grants;
}

describe('memory rate limiter', () => {
  it('keeps 30 requests at 10 per 300 ms under the budget in every rolling window, and makes them wait', async () => {
    const limiter = createMemoryRateLimiter('mem-test', { requests: 10, perMs: 300 });
    const started = Date.now();
    const grants = await drive([limiter], 30);
    // Timer jitter only delays grants; measuring against 90% of the window keeps the bound honest.
    expect(maxInWindow(grants, 270)).toBeLessThanOrEqual(10);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('pause holds every request until it expires', async () => {
    const limiter = createMemoryRateLimiter('mem-pause', { requests: 100, perMs: 1000 });
    await limiter.pause(200);
    const started = Date.now();
    await limiter.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('refuses a cost it can never grant', async () => {
    const limiter = createMemoryRateLimiter('mem-cost', { requests: 4, perMs: 1000 });
    await expect(limiter.acquire(limiter.plan.points + 1)).rejects.toThrow(/cost/);
  });
});

const redisUp = await haveRedis();

describe.skipIf(!redisUp)('redis rate limiter (shared budget)', () => {
  const prefix = `frontback-test:rl:${randomUUID()}`;
  let a: Redis;
  let b: Redis;

  beforeAll(() => {
    a = new Redis(REDIS_URL);
    b = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    const keys = await a.keys(`${prefix}*`);
    if (keys.length > 0) await a.del(...keys);
    a.disconnect();
    b.disconnect();
  });

  it('two limiters on two connections share one budget and stay under it together', async () => {
    const rate = { requests: 6, perMs: 2000 };
    const first = createRedisRateLimiter('hubspot', rate, { redis: a, keyPrefix: prefix });
    const second = createRedisRateLimiter('hubspot', rate, { redis: b, keyPrefix: prefix });
    expect(first.plan).toEqual({ points: 2, windowMs: 1000, strict: true });
    const started = Date.now();
    const grants = await drive([first, second], 8);
    expect(maxInWindow(grants, 1800)).toBeLessThanOrEqual(6);
    // 8 grants at 2 per 1-second window need at least 3 full windows after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2500);
  });

  it('a pause on one worker holds the other', async () => {
    const rate = { requests: 50, perMs: 10_000 };
    const first = createRedisRateLimiter('paused', rate, { redis: a, keyPrefix: prefix });
    const second = createRedisRateLimiter('paused', rate, { redis: b, keyPrefix: prefix });
    await first.pause(1000);
    const started = Date.now();
    await second.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });
});
