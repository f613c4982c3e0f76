/**
 * The queued-run reconciler (src/sync/runner/queued-run-reconciler.ts) on a SQLite store in
 * memory and a queue that remembers: a run queued longer than a round has its job added
 * again under the same id (so a job the queue still has is not doubled), a fresh one is left
 * alone, one queued past the limit ends failed saying so.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../../../src/store/sql/create-store.ts';
import type { Store } from '../../../../src/store/store.ts';
import { adminJobId, PASS_JOB } from '../../../../src/sync/runner/pass-job.ts';
import { startQueuedRunReconciler } from '../../../../src/sync/runner/queued-run-reconciler.ts';
import { recordingLogger, recordingQueue } from './fakes.ts';

let store: Store;
beforeEach(async () => {
  store = await createStore({ url: ':memory:' });
});
afterEach(async () => {
  await store.close();
});

function reconciler(options: { later: number; active?: boolean }) {
  const queue = recordingQueue();
  const log = recordingLogger();
  const r = startQueuedRunReconciler({
    runs: store.runs,
    queue,
    logger: log.logger,
    active: () => options.active ?? true,
    everyMs: 60_000,
    maxQueuedMs: 3_600_000,
    clock: () => Date.now() + options.later,
  });
  return { queue, log, reconciler: r };
}

describe('queued-run reconciler', () => {
  it('adds the job of a run queued longer than a round again, under its id; twice adds it once', async () => {
    const plan = await store.runs.queue('m1', 'plan:erp');
    const now = await store.runs.queue('m1', 'run-now:crm');
    const running = await store.runs.queue('m1', 'run-now:crm');
    await store.runs.claim(running.id);
    const { queue, reconciler: r } = reconciler({ later: 120_000 });
    await r.reconcile();
    await r.reconcile();
    r.stop();
    expect(queue.added.map((a) => [a.name, a.options.jobId, a.data]).sort()).toEqual(
      [
        [
          PASS_JOB,
          adminJobId(plan.id),
          { mapping: 'm1', side: 'erp', admin: { run: plan.id, dryRun: true, by: 'queued-run-reconciler' } },
        ],
        [
          PASS_JOB,
          adminJobId(now.id),
          { mapping: 'm1', side: 'crm', admin: { run: now.id, dryRun: false, by: 'queued-run-reconciler' } },
        ],
      ].sort(),
    );
  });

  it('leaves a run queued less than a round alone', async () => {
    await store.runs.queue('m1', 'plan:crm');
    const { queue, reconciler: r } = reconciler({ later: 1_000 });
    await r.reconcile();
    r.stop();
    expect(queue.added).toEqual([]);
  });

  it('ends a run queued past the limit failed, saying so, instead of adding its job again', async () => {
    const old = await store.runs.queue('m1', 'run-now:crm');
    const { queue, log, reconciler: r } = reconciler({ later: 2 * 3_600_000 });
    await r.reconcile();
    r.stop();
    expect(queue.added).toEqual([]);
    expect(await store.runs.get(old.id)).toMatchObject({
      status: 'failed',
      error: 'no worker took it within 60 min: ask again',
    });
    expect(log.said('no worker took it within 60 min: ask again')).toBe(1);
  });
});
