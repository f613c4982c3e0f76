/**
 * Two valid values during a rollover (issue #15 item 7), from the configuration file to
 * the server: with `adminToken`, `metricsToken` and each `webhook.secret` set to a list of
 * two, a request with either value is accepted and a third value is refused, for the
 * admin API, /metrics, Odoo's URL token and HubSpot's signatures (client secret rotation).
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectorRegistry } from '../../../connectors/index.ts';
import { generateSecret } from '../../../src/cli/commands/secret.ts';
import { connectorConfigFacts } from '../../../src/cli/config.ts';
import { loadConfig } from '../../../src/config/load.ts';
import type { Config } from '../../../src/config/types.ts';
import { createHttpClient, memoryRateLimiterFactory, type Connector } from '../../../src/connector/index.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { buildServer } from '../../../src/server/app.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { syncEngine } from '../../../src/sync/engine.ts';

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const BASE = 'https://sync.example.test';
/** The new value (current, listed first), the old one (still accepted), and one never configured. */
const [NEW, OLD, THIRD] = [generateSecret(), generateSecret(), generateSecret()];

const dir = mkdtempSync(join(tmpdir(), 'frontback-rollover-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rolloverConfig(): Config {
  const both = `[${JSON.stringify(NEW)}, ${JSON.stringify(OLD)}]`;
  writeFileSync(
    join(dir, 'rollover.yaml'),
    [
      'connections:',
      '  hubspot:',
      '    kind: hubspot',
      `    auth: { type: bearer, token: ${JSON.stringify(generateSecret())} }`,
      `    webhook: { secret: ${both}, publicBaseUrl: ${BASE} }`,
      '  odoo:',
      '    kind: odoo',
      '    baseUrl: http://127.0.0.1:9',
      `    auth: { type: api-key, login: sync, key: ${JSON.stringify(generateSecret())}, database: d }`,
      `    webhook: { secret: ${both} }`,
      'server:',
      `  adminToken: ${both}`,
      `  metricsToken: ${both}`,
      '',
    ].join('\n'),
  );
  return loadConfig({ file: 'rollover.yaml', env: {}, cwd: dir, ...connectorConfigFacts() });
}

let store: Store;
let app: FastifyInstance;

beforeEach(async () => {
  const config = rolloverConfig();
  store = await createStore({ url: ':memory:' });
  const connectors = new Map<string, Connector>();
  for (const [name, connection] of Object.entries(config.connections)) {
    connectors.set(
      name,
      connectorRegistry.create(
        { name, ...connection },
        {
          http: (o) => createHttpClient(o),
          logger: createLogger({ level: 'silent' }),
          clock: () => NOW,
          rateLimiters: memoryRateLimiterFactory(),
        },
      ),
    );
  }
  app = await buildServer({
    connectors,
    store,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    bodyLimitBytes: 65_536,
    publicBaseUrl: BASE,
    clock: () => NOW,
    metricsToken: config.server.metricsTokens,
    admin: { token: config.server.adminTokens, engine: syncEngine([], connectors, store) },
  });
});

afterEach(async () => {
  await app.close();
  await store.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('rollover: the current and the previous value are both accepted, a third is not', () => {
  it('admin API', async () => {
    const status = async (token: string) =>
      (await app.inject({ method: 'GET', url: '/admin/runs', headers: bearer(token) })).statusCode;
    expect([await status(NEW), await status(OLD), await status(THIRD)]).toEqual([200, 200, 401]);
  });

  it('/metrics', async () => {
    const status = async (token: string) =>
      (await app.inject({ method: 'GET', url: '/metrics', headers: bearer(token) })).statusCode;
    expect([await status(NEW), await status(OLD), await status(THIRD)]).toEqual([200, 200, 401]);
  });

  it("Odoo's URL token", async () => {
    const status = async (token: string, id: number) => {
      const body = { _model: 'res.partner', _id: id, _action: 'on update', write_date: '2026-12-03 11:59:00' };
      const res = await app.inject({ method: 'POST', url: `/webhooks/odoo?token=${token}`, payload: body });
      return res.statusCode;
    };
    expect([await status(NEW, 1), await status(OLD, 2), await status(THIRD, 3)]).toEqual([200, 200, 401]);
  });

  it("HubSpot's signature (a delivery signed with the old client secret still verifies)", async () => {
    const status = async (secret: string, eventId: number) => {
      const body = JSON.stringify([
        {
          eventId,
          subscriptionId: 7,
          portalId: 1,
          occurredAt: NOW - 1000,
          subscriptionType: 'contact.creation',
          objectId: 500 + eventId,
        },
      ]);
      const signature = createHmac('sha256', secret)
        .update(`POST${BASE}/webhooks/hubspot${body}${NOW}`)
        .digest('base64');
      const headers = {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': String(NOW),
      };
      return (await app.inject({ method: 'POST', url: '/webhooks/hubspot', payload: body, headers })).statusCode;
    };
    expect([await status(NEW, 1), await status(OLD, 2), await status(THIRD, 3)]).toEqual([200, 200, 401]);
  });
});
