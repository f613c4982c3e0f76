/**
 * Issue #15 item 6: with the queue on Redis and Redis down, the admin API answered 500
 * throughout (its rate limiter's Redis store threw) and ioredis printed its stack traces
 * to stderr outside the JSON log. Now the limit is kept in this process meanwhile: 200
 * with the token, 401 without, 429 past the limit, never 500; the outage is logged once,
 * through the logger, and nothing reaches stderr.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { buildServer } from '../../../src/server/app.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { syncEngine } from '../../../src/sync/engine.ts';

const TOKEN = 'admin-token-for-redis-down-tests-0123456789';
/** Nothing listens on port 1. */
const CLOSED = 'redis://127.0.0.1:1';

let store: Store;
let app: FastifyInstance;
let lines: string[];
let stderr: string[];
beforeEach(async () => {
  store = await createStore({ url: ':memory:' });
  lines = [];
  stderr = [];
  const write = process.stderr.write.bind(process.stderr);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stderr.push(String(chunk));
    return write(chunk, ...(rest as []));
  });
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  app = await buildServer({
    connectors: new Map(),
    store,
    logger: createLogger({ level: 'info', destination }),
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    bodyLimitBytes: 1_048_576,
    admin: { token: TOKEN, engine: syncEngine([], new Map(), store), requestsPerMinute: 3, redisUrl: CLOSED },
  });
});
afterEach(async () => {
  await app.close();
  await store.close();
  vi.restoreAllMocks();
});

const outageLines = () => lines.filter((l) => l.includes('admin rate limit: Redis unreachable'));

describe('the admin API with Redis down', () => {
  it('keeps answering, rate limited in this process; the outage is logged once, nothing on stderr', async () => {
    await vi.waitFor(() => expect(outageLines()).toHaveLength(1), { timeout: 5_000 });
    const get = async (headers: Record<string, string>) =>
      (await app.inject({ method: 'GET', url: '/admin/runs', remoteAddress: '10.0.0.7', headers })).statusCode;
    const codes = [
      await get({ authorization: `Bearer ${TOKEN}` }),
      await get({}),
      await get({ authorization: `Bearer ${TOKEN}` }),
      await get({ authorization: `Bearer ${TOKEN}` }),
    ];
    expect(codes).toEqual([200, 401, 200, 429]);
    // ioredis keeps retrying meanwhile: still the one line.
    expect(outageLines()).toHaveLength(1);
    expect(JSON.parse(outageLines()[0] ?? '{}')).toMatchObject({ level: 40, redis: 'admin rate limit' });
    expect(stderr.join('')).not.toMatch(/ioredis/);
  });
});
