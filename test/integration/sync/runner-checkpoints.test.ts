/**
 * Periodic audit checkpoints in the runner: two runners share one store (two `frontback
 * worker`s on one SQLite file, no mappings), and only the holder of the scheduler lease
 * signs, into one checkpoint file, only when the log moved; when it stops, the other
 * takes the lease and signs from then on. Real timers, short lease and period.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.ts';
import { createQueue } from '../../../src/queue/create-queue.ts';
import { checkpointPath, readCheckpointFile } from '../../../src/store/audit/checkpoint-file.ts';
import { takeCheckpoint } from '../../../src/store/audit/checkpoint-writer.ts';
import { keyIdOf } from '../../../src/store/audit/checkpoint.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { startRunner, type Runner } from '../../../src/sync/runner/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontback-runner-ckpt-'));
const ckptDir = join(dir, 'ckpt');
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const signer = { keyId: keyIdOf(publicKey), key: privateKey };
const stores: Store[] = [];
const runners: Runner[] = [];
const silent = createLogger({ level: 'fatal', destination: new Writable({ write: (_c, _e, done) => done() }) });

afterAll(async () => {
  for (const r of runners) await r.stop();
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function worker(holder: string, calls: string[]): Promise<{ store: Store; runner: Runner }> {
  const store = await createStore({ url: join(dir, 'store.db') });
  stores.push(store);
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
    checkpoints: {
      everyMs: 100,
      take: async () => {
        calls.push(holder);
        const taken = await takeCheckpoint(store.audit, signer, ckptDir);
        return taken.written ? { written: true, seq: taken.checkpoint.seq } : { written: false };
      },
    },
  });
  runners.push(runner);
  return { store, runner };
}

async function until(what: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(50);
  }
}

describe('runner checkpoints', () => {
  it('only the scheduler lease holder signs, once per move of the log; the next holder takes over', async () => {
    const calls: string[] = [];
    const a = await worker('a', calls);
    await until(() => calls.length > 0);
    const b = await worker('b', calls);
    await a.store.audit.appendMany([{ action: 'applied', actor: 'poll', crmId: 'c1' }]);
    const lines = () =>
      existsSync(checkpointPath(ckptDir))
        ? readCheckpointFile(checkpointPath(ckptDir)).map((l) => l.checkpoint?.seq)
        : [];
    await until(() => lines().length === 1);
    await sleep(500);
    expect(new Set(calls)).toEqual(new Set(['a']));
    expect(lines()).toEqual([1]);

    await a.runner.stop();
    await b.store.audit.appendMany([{ action: 'applied', actor: 'poll', crmId: 'c2' }]);
    await until(() => lines().length === 2);
    expect(lines()).toEqual([1, 2]);
    expect(calls.at(-1)).toBe('b');
  }, 60_000);
});
