/**
 * Issue #15, items 1-3 (part): the admin rate limit is keyed by the client address
 * fastify computes from `server.trustProxy` (a spoofed X-Forwarded-For from an untrusted
 * peer changes nothing; two clients behind a trusted proxy are limited separately;
 * `publicBaseUrl` alone trusts no one); a failed admin login is logged at warn with the
 * address and route, never the token, and counted; `/metrics` behind its own token.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { buildServer, type ServerOptions } from '../../../src/server/app.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { syncEngine } from '../../../src/sync/engine.ts';

const TOKEN = 'admin-token-for-proxy-tests-0123456789';
const METRICS_TOKEN = 'metrics-token-for-proxy-tests-0123456789';
const PROXY = '10.1.2.3';
const ATTACKER = '203.0.113.9';

let store: Store;
let apps: FastifyInstance[];
beforeEach(async () => {
  store = await createStore({ url: ':memory:' });
  apps = [];
});
afterEach(async () => {
  for (const app of apps) await app.close();
  await store.close();
});

async function server(
  options: Partial<Pick<ServerOptions, 'trustProxy' | 'publicBaseUrl' | 'metricsToken'>> = {},
  lines: string[] = [],
): Promise<{ app: FastifyInstance; metrics: ReturnType<typeof createMetricsRegistry> }> {
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const metrics = createMetricsRegistry({ defaultMetrics: false });
  const app = await buildServer({
    connectors: new Map(),
    store,
    logger: createLogger({ level: 'info', destination }),
    metrics,
    bodyLimitBytes: 1_048_576,
    ...options,
    admin: { token: TOKEN, engine: syncEngine([], new Map(), store), requestsPerMinute: 2 },
  });
  apps.push(app);
  return { app, metrics };
}

/** Status codes of `n` admin requests from `remoteAddress` with these headers. */
async function statuses(app: FastifyInstance, n: number, remoteAddress: string, headers: (i: number) => object) {
  const codes = [];
  for (let i = 0; i < n; i++) {
    const res = await app.inject({
      method: 'GET',
      url: '/admin/runs',
      remoteAddress,
      headers: { authorization: `Bearer ${TOKEN}`, ...headers(i) },
    });
    codes.push(res.statusCode);
  }
  return codes;
}

describe('trusted proxies and the admin rate limit', () => {
  it('ignores a spoofed X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const { app } = await server({ trustProxy: [PROXY, '127.0.0.1'] });
    // A fresh forged address each time: keyed by it, every request would pass.
    const codes = await statuses(app, 4, ATTACKER, (i) => ({ 'x-forwarded-for': `198.51.100.${i}` }));
    expect(codes).toEqual([200, 200, 429, 429]);
  });

  it('behind a trusted proxy, limits each client by its own address', async () => {
    const { app } = await server({ trustProxy: ['10.0.0.0/8'] });
    const alice = await statuses(app, 3, PROXY, () => ({ 'x-forwarded-for': '198.51.100.1' }));
    const bob = await statuses(app, 2, PROXY, () => ({ 'x-forwarded-for': '198.51.100.2' }));
    expect({ alice, bob }).toEqual({ alice: [200, 200, 429], bob: [200, 200] });
    // A client prepending a forged hop gains nothing: the nearest untrusted address is what counts.
    const forged = await statuses(app, 1, PROXY, () => ({ 'x-forwarded-for': '192.0.2.77, 198.51.100.1' }));
    expect(forged).toEqual([429]);
  });

  it('publicBaseUrl alone trusts no proxy', async () => {
    const { app } = await server({ publicBaseUrl: 'https://sync.example.test' });
    const codes = await statuses(app, 3, ATTACKER, (i) => ({ 'x-forwarded-for': `198.51.100.${i}` }));
    expect(codes).toEqual([200, 200, 429]);
  });
});

describe('failed admin logins', () => {
  it('are logged at warn with the client address and route, never the token, and counted', async () => {
    const lines: string[] = [];
    const { app, metrics } = await server({ trustProxy: [PROXY] }, lines);
    const wrong = `${TOKEN.slice(0, -4)}WXYZ`;
    const refused = await app.inject({
      method: 'GET',
      url: '/admin/runs?limit=5',
      remoteAddress: PROXY,
      headers: { authorization: `Bearer ${wrong}`, 'x-forwarded-for': '198.51.100.7' },
    });
    expect(refused.statusCode).toBe(401);
    const missing = await app.inject({ method: 'GET', url: '/admin/mappings', remoteAddress: ATTACKER });
    expect(missing.statusCode).toBe(401);

    const warns = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 40);
    expect(warns).toEqual([
      expect.objectContaining({ client: '198.51.100.7', route: '/admin/runs', credential: 'invalid' }),
      expect.objectContaining({ client: ATTACKER, route: '/admin/mappings', credential: 'missing' }),
    ]);
    const all = lines.join('\n');
    expect(all).not.toContain(wrong);
    expect(all).not.toContain(TOKEN.slice(0, 12));
    expect(await metrics.getSingleMetricAsString('frontback_admin_auth_failures_total')).toMatch(
      /^frontback_admin_auth_failures_total 2$/m,
    );
    // A good login is not counted.
    await app.inject({ method: 'GET', url: '/admin/runs', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await metrics.getSingleMetricAsString('frontback_admin_auth_failures_total')).toMatch(
      /^frontback_admin_auth_failures_total 2$/m,
    );
  });
});

describe('/metrics', () => {
  it('with server.metricsToken: 401 without it or with a wrong one, the metrics with it', async () => {
    const lines: string[] = [];
    const { app } = await server({ metricsToken: METRICS_TOKEN }, lines);
    for (const headers of [{}, { authorization: `Bearer ${METRICS_TOKEN}x` }, { authorization: `Bearer ${TOKEN}` }]) {
      const res = await app.inject({ method: 'GET', url: '/metrics', headers, remoteAddress: ATTACKER });
      expect([headers, res.statusCode]).toEqual([headers, 401]);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body).not.toContain('frontback_');
    }
    const ok = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('frontback_inbox_open');
    expect(lines.join('\n')).not.toContain(METRICS_TOKEN);
    expect(lines.filter((l) => l.includes(`"client":"${ATTACKER}"`))).toHaveLength(3);
  });

  it('without a token stays open as before', async () => {
    const { app } = await server();
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
  });
});
