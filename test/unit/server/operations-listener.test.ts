/**
 * Issue #15 item 3: the operations side on a listener of its own (`server.operations`).
 * The main listener keeps webhooks, /healthz and /readyz and answers 404 for /admin and
 * /metrics; the operations listener serves /admin, /metrics, /healthz and /readyz and no
 * webhooks. `listenConfigured` (serve, start) opens both and closes both.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listenConfigured } from '../../../src/cli/lifecycle.ts';
import { describeConfig } from '../../../src/config/describe.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { buildServers, type Servers } from '../../../src/server/app.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { syncEngine } from '../../../src/sync/engine.ts';

const TOKEN = 'admin-token-for-operations-tests-0123456789';

let store: Store;
let dir: string;
let close: (() => Promise<unknown>)[];
beforeEach(async () => {
  store = await createStore({ url: ':memory:' });
  dir = mkdtempSync(join(tmpdir(), 'frontback-ops-'));
  close = [];
});
afterEach(async () => {
  for (const c of close) await c();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function servers(separateOperations: boolean): Promise<Servers> {
  const built = await buildServers(
    {
      connectors: new Map(),
      store,
      logger: createLogger({ level: 'silent' }),
      metrics: createMetricsRegistry({ defaultMetrics: false }),
      bodyLimitBytes: 1_048_576,
      admin: { token: TOKEN, engine: syncEngine([], new Map(), store) },
    },
    { separateOperations },
  );
  close.push(
    () => built.main.close(),
    async () => built.operations?.close(),
  );
  return built;
}

const auth = { authorization: `Bearer ${TOKEN}` };

describe('a separate operations listener', () => {
  it('serves /admin and /metrics there only; the main listener answers 404 for them', async () => {
    const { main, operations } = await servers(true);
    expect(operations).toBeDefined();
    const on = async (app: NonNullable<typeof operations>, url: string) =>
      (await app.inject({ method: 'GET', url, headers: auth })).statusCode;
    expect(await on(main, '/metrics')).toBe(404);
    expect(await on(main, '/admin/runs')).toBe(404);
    expect(await on(main, '/admin')).toBe(404);
    expect(await on(main, '/healthz')).toBe(200);
    expect(await on(main, '/readyz')).toBe(200);
    expect(await on(operations!, '/metrics')).toBe(200);
    expect(await on(operations!, '/admin/runs')).toBe(200);
    expect(await on(operations!, '/healthz')).toBe(200);
    expect(await on(operations!, '/readyz')).toBe(200);
    const webhook = await operations!.inject({ method: 'POST', url: '/webhooks/hub', payload: {} });
    expect(webhook.statusCode).toBe(404);
  });

  it('without it, one listener serves everything', async () => {
    const { main, operations } = await servers(false);
    expect(operations).toBeUndefined();
    expect((await main.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    expect((await main.inject({ method: 'GET', url: '/admin/runs', headers: auth })).statusCode).toBe(200);
  });
});

describe('server.operations in the configuration', () => {
  const load = (yaml: string) => {
    const file = join(dir, 'frontback.yaml');
    writeFileSync(file, yaml);
    return loadConfig({ file, env: {}, cwd: dir });
  };

  it('is described by validate', () => {
    expect(describeConfig(load('server:\n  operations:\n    port: 9090\n'))).toContain(
      '/admin and /metrics on 127.0.0.1:9090 only',
    );
  });

  it('defaults its host to 127.0.0.1 and refuses the main port', () => {
    expect(load('server:\n  operations:\n    port: 9090\n').server.operations).toEqual({
      host: '127.0.0.1',
      port: 9090,
    });
    expect(() => load('server:\n  port: 9090\n  operations:\n    port: 9090\n')).toThrow(
      /server\.operations\.port: must differ from server\.port \(9090\)/,
    );
  });

  it('listenConfigured opens both listeners and closes both', async () => {
    const config = load(`server:\n  port: 0\n  operations:\n    port: 0\n  adminToken: ${TOKEN}\n`);
    const listening = await listenConfigured(config, {
      connectors: new Map(),
      store,
      logger: createLogger({ level: 'silent' }),
      metrics: createMetricsRegistry({ defaultMetrics: false }),
      mappings: [],
    });
    close.push(() => listening.close());
    expect(listening.operationsUrl).not.toBe(listening.url);
    expect((await fetch(`${listening.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${listening.operationsUrl}/metrics`)).status).toBe(200);
    expect((await fetch(`${listening.operationsUrl}/admin/runs`, { headers: auth })).status).toBe(200);
    await listening.close();
    await expect(fetch(`${listening.operationsUrl}/healthz`)).rejects.toThrow();
    await expect(fetch(`${listening.url}/healthz`)).rejects.toThrow();
  });
});
