/**
 * Issue #15 item 6, health that tells the truth per role: /readyz of a process that
 * takes webhooks fails (503, "disk full") when the store cannot write, on a real
 * simulated full disk, though the store still answers reads; its write probe is cached
 * (two probes within 5 s write once). A worker's /readyz fails when its queue's Redis
 * does not answer, and says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { createBullMqQueue } from '../../../src/queue/bullmq/bullmq-queue.ts';
import type { JobQueue } from '../../../src/queue/job-queue.ts';
import { createMemoryQueue } from '../../../src/queue/memory/memory-queue.ts';
import { buildOpsServer, buildServer } from '../../../src/server/app.ts';
import { queueAnswers } from '../../../src/server/readiness.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { fillUntilRefused, fullDiskStore } from '../../support/full-disk-store.ts';

let dir: string;
let store: Store | undefined;
let app: FastifyInstance | undefined;
let queue: JobQueue | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontback-ready-'));
});
afterEach(async () => {
  await app?.close();
  await queue?.close();
  await store?.close();
  app = store = queue = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const logger = createLogger({ level: 'silent' });

async function webhookServer(s: Store, clock?: () => number): Promise<FastifyInstance> {
  return buildServer({
    connectors: new Map(),
    store: s,
    logger,
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    bodyLimitBytes: 1_048_576,
    ...(clock ? { clock } : {}),
  });
}

describe('/readyz of a process that takes webhooks', () => {
  it('answers 503 "disk full" when the store cannot write, though it still answers reads', async () => {
    store = await fullDiskStore(join(dir, 'full.db'));
    await fillUntilRefused(store);
    expect(await store.ping()).toBe(true);
    app = await webhookServer(store);
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    const { error } = res.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe('STORE_ERROR');
    expect(error.message).toMatch(/^not ready: store: cannot write: .*disk full \(SQLITE_FULL/);
  });

  it('probes a write at most once per 5 seconds, however often it is asked', async () => {
    store = await createStore({ url: ':memory:' });
    let now = 0;
    app = await webhookServer(store, () => now);
    const probe = vi.spyOn(store, 'probeWrite');
    const ready = async () => (await app!.inject({ method: 'GET', url: '/readyz' })).statusCode;
    expect(await Promise.all([ready(), ready()])).toEqual([200, 200]);
    now += 4_999;
    expect(await ready()).toBe(200);
    expect(probe).toHaveBeenCalledTimes(1);
    now += 1;
    await ready();
    expect(probe).toHaveBeenCalledTimes(2);
  });
});

describe("/readyz of a worker (its queue's Redis)", () => {
  async function workerReady(q: JobQueue): Promise<{ status: number; body: string }> {
    queue = q;
    store ??= await createStore({ url: ':memory:' });
    app = buildOpsServer({
      store,
      logger,
      metrics: createMetricsRegistry({ defaultMetrics: false }),
      checks: [queueAnswers('redis', () => q.ping())],
    });
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    await app.close();
    app = undefined;
    return { status: res.statusCode, body: res.body };
  }

  it('fails, naming the queue, when Redis does not answer; ready with a queue that answers', async () => {
    const down = await workerReady(createBullMqQueue(`ready-${process.pid}`, { redisUrl: 'redis://127.0.0.1:1' }));
    expect(down.status).toBe(503);
    expect(down.body).toMatch(/not ready: queue: does not answer: no connection to Redis/);
    await queue?.close();
    const up = await workerReady(createMemoryQueue('ready'));
    expect(up).toMatchObject({ status: 200 });
    expect(JSON.parse(up.body)).toEqual({ status: 'ready', store: 'sqlite', queue: 'redis' });
  });
});
