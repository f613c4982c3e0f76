/**
 * A pass's progress counted per stream (src/sync/progress.ts): sums whatever order pages
 * complete in, outcomes for a pass that writes and plans for a dry run, the rate from a
 * clock the test moves, and an ETA only where a total is known.
 */
import { describe, expect, it } from 'vitest';
import type { AppliedRecord } from '../../../src/sync/apply.ts';
import type { PlannedRecord } from '../../../src/sync/plan.ts';
import { etaSeconds, PassProgress, serialWrites, type PageTally } from '../../../src/sync/progress.ts';

const plan = (action: PlannedRecord['action']): PlannedRecord => ({ action }) as PlannedRecord;
const outcome = (status: AppliedRecord['status']): AppliedRecord => ({ status, plan: plan('sync') }) as AppliedRecord;

function page(stream: string, read: number, statuses: AppliedRecord['status'][], total?: number): PageTally {
  const applied = statuses.map(outcome);
  return { stream, read, total, plans: applied.map((a) => a.plan), applied };
}

describe('PassProgress', () => {
  it('sums outcomes per stream, a rate from the clock and an ETA from the total', () => {
    let now = 1_000_000;
    const progress = new PassProgress(false, () => now);
    now += 2_000;
    const first = progress.add(page('changes', 4, ['applied', 'applied', 'skipped', 'failed'], 20));
    expect(first).toEqual({
      stream: 'changes',
      pages: 1,
      read: 4,
      written: 2,
      skipped: 1,
      conflicted: 0,
      failed: 1,
      ratePerSecond: 2,
      total: 20,
      etaSeconds: 8,
      elapsedMs: 2_000,
    });
    now += 2_000;
    const second = progress.add(page('changes', 4, ['conflicted', 'applied', 'applied', 'applied'], 20));
    expect(second).toMatchObject({ pages: 2, read: 8, written: 5, conflicted: 1, ratePerSecond: 2, etaSeconds: 6 });
  });

  it('counts pages completed out of order alike (sums and the largest total, never the last page)', () => {
    const pages = [
      page('changes', 3, ['applied', 'skipped', 'skipped'], 10),
      page('changes', 2, ['failed', 'applied']),
      page('changes', 5, ['applied', 'applied', 'applied', 'skipped', 'conflicted'], 12),
    ];
    const inOrder = new PassProgress(false, () => 0);
    const reversed = new PassProgress(false, () => 0);
    for (const p of pages) inOrder.add(p);
    for (const p of [...pages].reverse()) reversed.add(p);
    expect(reversed.streams()).toEqual(inOrder.streams());
    expect(inOrder.streams()[0]).toMatchObject({
      read: 10,
      written: 5,
      skipped: 3,
      failed: 1,
      conflicted: 1,
      total: 12,
    });
  });

  it('counts plans in a dry run: what a pass would write, and what it would skip', () => {
    const progress = new PassProgress(true, () => 0);
    const done = progress.add({
      stream: 'changes',
      read: 3,
      plans: [plan('create'), plan('sync'), plan('skip')],
      applied: [],
    });
    expect(done).toMatchObject({ read: 3, written: 2, skipped: 1, failed: 0 });
  });

  it('keeps streams apart, each timed from where the one before it ended', () => {
    let now = 0;
    const progress = new PassProgress(false, () => now);
    now = 1_000;
    progress.add(page('waiting', 2, ['skipped', 'skipped'], 2));
    now = 5_000;
    const changes = progress.add(page('changes', 40, []));
    expect(changes).toMatchObject({ stream: 'changes', read: 40, elapsedMs: 4_000, ratePerSecond: 10 });
    // No total said: no ETA.
    expect(changes.total).toBeUndefined();
    expect(changes.etaSeconds).toBeUndefined();
    expect(progress.streams().map((s) => s.stream)).toEqual(['waiting', 'changes']);
    expect(progress.toJson()).toMatchObject({ dryRun: false, streams: [{ stream: 'waiting' }, { stream: 'changes' }] });
  });
});

describe('etaSeconds', () => {
  it('is the rest at the rate, zero once the total is read, unknown without a total or a rate', () => {
    expect(etaSeconds(100, 1_000, 50)).toBe(18);
    expect(etaSeconds(1_200, 1_000, 50)).toBe(0);
    expect(etaSeconds(100, undefined, 50)).toBeUndefined();
    expect(etaSeconds(0, 1_000, 0)).toBeUndefined();
  });
});

describe('serialWrites', () => {
  it('runs writes one at a time in the order asked, each reading the state when it runs; a failure stays its own', async () => {
    let state = 0;
    const written: number[] = [];
    const gates: (() => void)[] = [];
    let fail = false;
    const save = serialWrites(async () => {
      const seen = state;
      await new Promise<void>((resolve) => gates.push(resolve));
      if (fail) {
        fail = false;
        throw new Error('store down');
      }
      written.push(seen);
    });
    state = 1;
    const first = save();
    state = 2;
    const second = save();
    // The second has not started while the first is in flight.
    await new Promise((resolve) => setImmediate(resolve));
    expect(gates).toHaveLength(1);
    fail = true;
    gates[0]?.();
    await expect(first).rejects.toThrow('store down');
    await new Promise((resolve) => setImmediate(resolve));
    expect(gates).toHaveLength(2);
    state = 3;
    gates[1]?.();
    await second;
    // It read the state when it ran (2, the latest then), not when it was asked.
    expect(written).toEqual([2]);
  });
});
