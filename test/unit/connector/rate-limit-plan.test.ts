import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planWindows } from '../../../src/connector/rate-limit-plan.ts';

/**
 * Model: greedy senders against windows that start at the first request after the
 * previous window expired (how rate-limiter-flexible keys behave). Returns send times.
 */
function simulate(points: number, windowMs: number, arrivals: number[]): number[] {
  const sent: number[] = [];
  let windowStart = -Infinity;
  let used = 0;
  for (const arrival of arrivals) {
    let t = Math.max(arrival, sent.at(-1) ?? 0);
    for (;;) {
      if (t >= windowStart + windowMs) {
        windowStart = t;
        used = 0;
      }
      if (used < points) break;
      t = windowStart + windowMs;
    }
    used++;
    sent.push(t);
  }
  return sent;
}

function maxInRollingWindow(times: number[], windowMs: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while ((times[hi] as number) - (times[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('planWindows', () => {
  it.each([
    [{ requests: 100, perMs: 10_000 }, 1000, { points: 9, windowMs: 1000 }], // HubSpot, Redis seconds
    [{ requests: 6000, perMs: 300_000 }, 1000, { points: 59, windowMs: 3000 }], // Business Central, 98% of budget
    [{ requests: 2, perMs: 1000 }, 1, { points: 1, windowMs: 1000 }],
  ])('%j at %i ms granularity', (rate, granularity, expected) => {
    expect(planWindows(rate, granularity)).toMatchObject({ ...expected, strict: true });
  });

  it('keeps every rolling window at or under the budget (model check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 300 }),
        fc.integer({ min: 1, max: 60 }).map((s) => s * 500),
        fc.constantFrom(1, 1000),
        fc.array(fc.integer({ min: 0, max: 60_000 }), { minLength: 1, maxLength: 400 }),
        (requests, perMs, granularity, arrivals) => {
          const plan = planWindows({ requests, perMs }, granularity);
          expect(plan.windowMs % granularity).toBe(0);
          const sent = simulate(
            plan.points,
            plan.windowMs,
            arrivals.sort((a, b) => a - b),
          );
          expect(maxInRollingWindow(sent, perMs)).toBeLessThanOrEqual(requests);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('uses a useful share of the budget (at least 40% for budgets of 10 or more)', () => {
    for (const [requests, perMs] of [
      [10, 1000],
      [100, 10_000],
      [190, 10_000],
      [6000, 300_000],
    ] as const) {
      const plan = planWindows({ requests, perMs }, 1000);
      expect((plan.points / plan.windowMs) * perMs).toBeGreaterThanOrEqual(requests * 0.4);
    }
  });

  it('marks a budget of one request as not strictly enforceable, and rejects nonsense', () => {
    expect(planWindows({ requests: 1, perMs: 1000 }, 1)).toEqual({ points: 1, windowMs: 1000, strict: false });
    expect(() => planWindows({ requests: 0, perMs: 1000 }, 1)).toThrow(RangeError);
    expect(() => planWindows({ requests: 5, perMs: 0 }, 1)).toThrow(RangeError);
  });
});
