/**
 * Issue #15 item 3: the store's gauges are read at most once per interval
 * (`server.storeGaugeSeconds`), never once per scrape (at about 80 scrapes/s of store
 * counts, webhook intake fell from 1,345/s to 144/s); concurrent scrapes share one read;
 * a failed read keeps the last values and says so in `frontback_store_gauges_failed`.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { buildServer } from '../../../src/server/app.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import type { Store } from '../../../src/store/store.ts';

let store: Store;
let app: FastifyInstance;
let now: number;
beforeEach(async () => {
  store = await createStore({ url: ':memory:' });
  now = Date.parse('2026-01-01T00:00:00Z');
  app = await buildServer({
    connectors: new Map(),
    store,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    bodyLimitBytes: 1_048_576,
    storeGaugeSeconds: 15,
    clock: () => now,
  });
});
afterEach(async () => {
  await app.close();
  await store.close();
});

/** Spies on every count the gauges read. */
function spies() {
  return [
    vi.spyOn(store.deadLetters, 'countOpen'),
    vi.spyOn(store.conflicts, 'countOpen'),
    vi.spyOn(store.holds, 'listHeld'),
    vi.spyOn(store.matches, 'countOpen'),
    vi.spyOn(store.inbox, 'countOpen'),
  ];
}

const scrape = async (): Promise<string> => (await app.inject({ method: 'GET', url: '/metrics' })).body;

describe('store gauges', () => {
  it('two scrapes within the interval read the store once; after it, again', async () => {
    const reads = spies();
    await scrape();
    now += 14_999;
    await scrape();
    for (const spy of reads) expect(spy).toHaveBeenCalledTimes(1);
    now += 1;
    await scrape();
    for (const spy of reads) expect(spy).toHaveBeenCalledTimes(2);
  });

  it('concurrent scrapes share one read', async () => {
    const reads = spies();
    await Promise.all([scrape(), scrape(), scrape()]);
    for (const spy of reads) expect(spy).toHaveBeenCalledTimes(1);
  });

  it('the gauges show what the store holds when read', async () => {
    await store.inbox.accept({ source: 'hub', deliveryKey: 'd1', payload: {} });
    expect(await scrape()).toMatch(/frontback_inbox_open\{status="pending"\} 1/);
  });

  it('a failed read keeps the last values and sets frontback_store_gauges_failed', async () => {
    await store.inbox.accept({ source: 'hub', deliveryKey: 'd1', payload: {} });
    expect(await scrape()).toMatch(/frontback_store_gauges_failed 0/);
    vi.spyOn(store.inbox, 'countOpen').mockRejectedValue(new Error('store gone'));
    now += 15_000;
    const body = await scrape();
    expect(body).toMatch(/frontback_inbox_open\{status="pending"\} 1/);
    expect(body).toMatch(/frontback_store_gauges_failed 1/);
  });
});
