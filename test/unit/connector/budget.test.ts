/**
 * A connection's budget: calls counted, the vendor's announced rate adopted (unless the
 * connection set its own), and the reserve: a request of a scheduled pass waits while the
 * vendor's window has no more than the reserve left, a webhook-driven pass's request (or
 * a call outside any pass) goes at once, and concurrent requests never see the same room
 * twice. Time is a fake clock that the reserve's sleeps advance.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createConnectionBudget, type ConnectionBudgetOptions } from '../../../src/connector/budget.ts';
import { withCallContext } from '../../../src/connector/call-context.ts';
import type { RateLimit } from '../../../src/connector/connection.ts';
import { planWindows } from '../../../src/connector/rate-limit-plan.ts';
import type { RateLimiter } from '../../../src/connector/rate-limiter.ts';
import { createLogger } from '../../../src/observability/logger.ts';

const response = (remaining: number, max = 50, intervalMs = 10_000) => ({
  status: 200,
  headers: { max: String(max), remaining: String(remaining), interval: String(intervalMs) },
  text: '',
  body: undefined,
});

/** Reads the test's own header names, like a connector's `readBudget`. */
const readBudget: ConnectionBudgetOptions['readBudget'] = (r) =>
  r.headers.max === undefined
    ? undefined
    : {
        interval: {
          max: Number(r.headers.max),
          remaining: Number(r.headers.remaining),
          intervalMs: Number(r.headers.interval),
        },
      };

function rig(options: Partial<ConnectionBudgetOptions> = {}) {
  const built: { key: string; rate: RateLimit }[] = [];
  const acquired: { key: string; cost: number }[] = [];
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(String((JSON.parse(chunk.toString()) as { msg: string }).msg));
        done();
      },
    }),
  });
  const clock = { now: 1_000_000 };
  const sleeps: number[] = [];
  const budget = createConnectionBudget({
    connection: 'vendor',
    rateLimiters: (key, rate) => {
      built.push({ key, rate });
      const limiter: RateLimiter = {
        plan: planWindows(rate, 1),
        acquire: (cost = 1) => {
          acquired.push({ key, cost });
          return Promise.resolve();
        },
        pause: () => Promise.resolve(),
      };
      return limiter;
    },
    rateLimit: { requests: 100, perMs: 10_000 },
    explicit: false,
    readBudget,
    logger,
    now: () => clock.now,
    sleep: (ms) => {
      sleeps.push(ms);
      clock.now += ms;
      return Promise.resolve();
    },
    ...options,
  });
  return { budget, built, acquired, lines, clock, sleeps };
}

/** Settles whether `promise` has resolved after the pending microtasks and timers of this turn. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('createConnectionBudget', () => {
  it('counts the calls sent, not those that never went out', () => {
    const { budget } = rig();
    budget.settle(true, response(40));
    budget.settle(true);
    budget.settle(false);
    expect(budget.snapshot()).toMatchObject({ connection: 'vendor', calls: 2, reserve: 0.2 });
  });

  it("adopts the vendor's announced rate once, for the connection's and the scheduled passes' limiters", () => {
    const { budget, built, lines } = rig();
    expect(built).toEqual([
      { key: 'vendor', rate: { requests: 100, perMs: 10_000 } },
      { key: 'vendor:scheduled', rate: { requests: 80, perMs: 10_000 } },
    ]);
    budget.settle(true, response(189, 190));
    budget.settle(true, response(188, 190));
    expect(built.slice(2)).toEqual([
      { key: 'vendor', rate: { requests: 190, perMs: 10_000 } },
      { key: 'vendor:scheduled', rate: { requests: 152, perMs: 10_000 } },
    ]);
    expect(budget.snapshot()).toMatchObject({
      rateLimit: { requests: 190, perMs: 10_000 },
      rateLimitFrom: 'vendor',
      vendor: { interval: { max: 190, remaining: 188, intervalMs: 10_000 } },
    });
    expect(budget.limiter.plan).toEqual(planWindows({ requests: 190, perMs: 10_000 }, 1));
    expect(lines.filter((l) => l.includes('adopted the rate limit'))).toEqual([
      "vendor: adopted the rate limit the vendor announces, 190 requests per 10000 ms (was the connector's default, 100 requests per 10000 ms); set rateLimit on the connection to choose another",
    ]);
  });

  it('keeps a rate limit the connection set, and ignores an announcement no limiter can keep', () => {
    const explicit = rig({ explicit: true });
    explicit.budget.settle(true, response(189, 190));
    expect(explicit.built).toHaveLength(2);
    expect(explicit.budget.snapshot()).toMatchObject({ rateLimitFrom: 'connection', rateLimit: { requests: 100 } });
    const nonsense = rig();
    nonsense.budget.settle(true, response(0, 0));
    expect(nonsense.built).toHaveLength(2);
    expect(nonsense.budget.snapshot().rateLimitFrom).toBe('declared');
  });

  it('holds a scheduled request while the window has no more than the reserve left; a webhook-driven one goes', async () => {
    const { budget, lines, clock, sleeps } = rig();
    budget.settle(true, response(10, 50)); // 10 left of 50: the reserve (0.2 x 50) is all there is
    await withCallContext('webhook', () => budget.admit(1));
    await budget.admit(1); // outside any pass: a person's call is not held
    expect(sleeps).toEqual([]);
    const start = clock.now;
    await withCallContext('scheduled', () => budget.admit(1));
    // Held until the window (50 per rolling 10 s, so one back every 200 ms) gave back the 3 it
    // lacked: 8 left after the two above, 11 needed for one request with 10 kept.
    expect(clock.now - start).toBe(600);
    expect(sleeps.every((ms) => ms <= 250)).toBe(true);
    expect(lines).toContain(
      'scheduled passes wait: vendor has 8 of 50 requests left in this window; 10 kept for webhook-driven passes',
    );
    expect(lines.some((l) => l.startsWith('scheduled passes go on'))).toBe(true);
  });

  it('lets a scheduled request go as soon as a newer reading shows room', async () => {
    const { budget, clock } = rig({ sleep: () => new Promise((resolve) => setImmediate(resolve)) });
    budget.settle(true, response(5, 50));
    const held = withCallContext('scheduled', () => budget.admit(1));
    expect(await settled(held)).toBe(false);
    expect(await settled(held)).toBe(false);
    // A webhook-driven pass's answer: the window has room again.
    budget.settle(true, response(45, 50));
    expect(await settled(held)).toBe(true);
    expect(clock.now).toBe(1_000_000);
  });

  it('never admits concurrent scheduled requests into the reserve', async () => {
    const { budget } = rig({ sleep: () => new Promise(() => undefined) });
    budget.settle(true, response(15, 50)); // 5 above the 10 kept
    const admits = Array.from({ length: 8 }, () => withCallContext('scheduled', () => budget.admit(1)));
    const done = await Promise.all(admits.map((a) => settled(a)));
    expect(done.filter(Boolean)).toHaveLength(5);
  });

  it('takes the scheduled share of the client-side window for scheduled requests only', async () => {
    const { budget, acquired } = rig();
    await withCallContext('scheduled', () => budget.admit(1));
    await withCallContext('webhook', () => budget.admit(1));
    await budget.admit(1);
    expect(acquired).toEqual([{ key: 'vendor:scheduled', cost: 1 }]);
    const none = rig({ reserve: 0 });
    await withCallContext('scheduled', () => none.budget.admit(1));
    expect(none.acquired).toEqual([]);
    expect(none.built.map((b) => b.key)).toEqual(['vendor']);
  });

  it('refuses a reserve outside 0 to 0.9, naming the connection', () => {
    expect(() => rig({ reserve: 1 })).toThrow('connection "vendor": budget reserve must be from 0 to 0.9, got 1');
  });
});
