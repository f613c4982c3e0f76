/**
 * Inbox retention in the runner: two runners share one store (two `frontback worker`s on
 * one SQLite file, no mappings); only the holder of the scheduler lease purges, and it
 * removes the done deliveries past retention while keeping recent ones and every
 * delivery not done; when it stops, the other takes the lease and purges from then on.
 * Real timers, short lease and period.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.ts';
import { createQueue } from '../../../src/queue/create-queue.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { startRunner, type Runner } from '../../../src/sync/runner/index.ts';

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'frontback-runner-retention-'));
const path = join(dir, 'store.db');
const stores: Store[] = [];
const runners: Runner[] = [];
const silent = createLogger({ level: 'fatal', destination: new Writable({ write: (_c, _e, done) => done() }) });

afterAll(async () => {
  for (const r of runners) await r.stop();
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A runner on the shared file whose store records which holder purged. */
async function worker(holder: string, purgedBy: string[]): Promise<Runner> {
  const store = await createStore({ url: path });
  stores.push(store);
  const purgeDone = store.inbox.purgeDone.bind(store.inbox);
  store.inbox.purgeDone = async (before, limit) => {
    const n = await purgeDone(before, limit);
    if (n > 0) purgedBy.push(holder);
    return n;
  };
  const runner = startRunner({
    mappings: [],
    connectors: new Map(),
    store,
    queue: createQueue({ kind: 'memory', prefix: 'fb', concurrency: 1 }, `sync-${holder}`),
    logger: silent,
    overlapMs: 0,
    concurrency: 1,
    holder,
    leaseMs: 600,
    inboxRetention: { retentionMs: 7 * DAY, everyMs: 100 },
  });
  runners.push(runner);
  return runner;
}

async function until(what: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(50);
  }
}

describe('runner inbox retention', () => {
  it('only the scheduler lease holder purges old done deliveries; the next holder takes over', async () => {
    // The writer's clock: deliveries accepted `daysAgo` days ago.
    let daysAgo = 0;
    const writer = await createStore({ url: path, clock: () => new Date(Date.now() - daysAgo * DAY) });
    stores.push(writer);
    const add = async (key: string, status: 'done' | 'failed'): Promise<string> => {
      const { id } = await writer.inbox.accept({ source: 'hubspot', deliveryKey: key, payload: {} });
      await (status === 'done' ? writer.inbox.markDone(id) : writer.inbox.markFailed(id, 'target said no'));
      return id;
    };
    daysAgo = 8;
    const oldDone = [await add('old-done-1', 'done'), await add('old-done-2', 'done')];
    // Failed: the reconciler leaves it alone (a pending one no mapping reads is done at once).
    const oldFailed = await add('old-failed', 'failed');
    daysAgo = 1;
    const recentDone = await add('recent-done', 'done');

    const purgedBy: string[] = [];
    const a = await worker('a', purgedBy);
    await until(async () => (await writer.inbox.get(oldDone[1] as string)) === undefined);
    await worker('b', purgedBy);
    // Both run now, ticking every 100 ms: each old done delivery is purged by the lease holder alone.
    daysAgo = 8;
    for (let i = 0; i < 6; i++) {
      const id = await add(`old-done-a${i}`, 'done');
      await until(async () => (await writer.inbox.get(id)) === undefined);
      await sleep(150);
    }
    expect(await writer.inbox.get(oldDone[0] as string)).toBeUndefined();
    expect(await writer.inbox.get(oldFailed)).toMatchObject({ status: 'failed' });
    expect(await writer.inbox.get(recentDone)).toMatchObject({ status: 'done' });
    expect(new Set(purgedBy)).toEqual(new Set(['a']));

    await a.stop();
    purgedBy.length = 0;
    daysAgo = 30;
    const later = await add('old-done-3', 'done');
    await until(async () => (await writer.inbox.get(later)) === undefined);
    expect(purgedBy).toEqual(['b']);
    expect(await writer.inbox.get(oldFailed)).toMatchObject({ status: 'failed' });
    expect(await writer.inbox.get(recentDone)).toMatchObject({ status: 'done' });
  }, 60_000);
});
