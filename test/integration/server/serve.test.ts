/**
 * The webhook server on a real port, fed by the vendor sandboxes as the real systems
 * would feed it: a HubSpot UI edit and an Odoo write each end as an inbox row (HubSpot
 * signed v3 over the URL it called, Odoo with the token in the URL). (Repeated
 * deliveries: test/unit/server/webhooks.test.ts.) Then `frontback serve` as a user runs it: it listens, answers
 * /healthz and /readyz, and stops cleanly on SIGTERM.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectorRegistry } from '../../../connectors/index.ts';
import { createHubSpotSandbox, DEFAULT_SANDBOX_TOKEN } from '../../../connectors/hubspot/sandbox/server.ts';
import { DEFAULT_API_KEY } from '../../../connectors/odoo/sandbox/auth.ts';
import { createOdooSandbox } from '../../../connectors/odoo/sandbox/server.ts';
import {
  createHttpClient,
  memoryRateLimiterFactory,
  type Connector,
  type ConnectionSettings,
} from '../../../src/connector/index.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { buildServer } from '../../../src/server/app.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import { freePort, startFrontback } from '../../support/cli.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const deps = {
  http: (o: Parameters<typeof createHttpClient>[0]) => createHttpClient(o),
  logger: createLogger({ level: 'silent' }),
  clock: Date.now,
  rateLimiters: memoryRateLimiterFactory(),
};

describe('webhooks from the sandboxes into the inbox', () => {
  it('a HubSpot UI edit and an Odoo write each become an inbox row', async () => {
    const port = await freePort();
    const serverUrl = `http://127.0.0.1:${port}`;
    const secret = 'hubspot-app-secret-for-this-test';
    const token = 'odoo-token-for-this-test';
    const hubspot = await createHubSpotSandbox({
      records: 3,
      webhooks: { url: `${serverUrl}/webhooks/hubspot`, secret, flushIntervalMs: 0 },
    });
    const hubspotUrl = await hubspot.listen(0);
    cleanups.push(() => hubspot.close());
    const odoo = createOdooSandbox({
      records: 3,
      webhookUrl: `${serverUrl}/webhooks/odoo?token=${token}`,
      webhookFlushIntervalMs: 0,
    });
    const odooUrl = await odoo.listen();
    cleanups.push(() => odoo.close());

    const store = await createStore({ url: ':memory:' });
    cleanups.push(() => store.close());
    const connectors = new Map<string, Connector>([
      [
        'hubspot',
        connectorRegistry.create(
          {
            name: 'hubspot',
            kind: 'hubspot',
            baseUrl: hubspotUrl,
            auth: { type: 'bearer', token: DEFAULT_SANDBOX_TOKEN },
            webhook: { secret },
          } as ConnectionSettings,
          deps,
        ),
      ],
      [
        'odoo',
        connectorRegistry.create(
          {
            name: 'odoo',
            kind: 'odoo',
            baseUrl: odooUrl,
            auth: { type: 'api-key', login: 'admin', key: DEFAULT_API_KEY, database: 'odoo' },
            webhook: { secret: token },
          } as ConnectionSettings,
          deps,
        ),
      ],
    ]);
    const server = await buildServer({
      connectors,
      store,
      logger: createLogger({ level: 'silent' }),
      metrics: createMetricsRegistry({ defaultMetrics: false }),
      bodyLimitBytes: 1_048_576,
    });
    await server.listen({ host: '127.0.0.1', port });
    cleanups.push(() => server.close());

    await hubspot.app.inject({
      method: 'PATCH',
      url: '/_sandbox/objects/contacts/1',
      payload: { properties: { city: 'Gent' } },
    });
    await hubspot.flushWebhooks();
    const [written] = await connectors
      .get('odoo')!
      .write('res.partner', [{ op: 'update', ref: 'r', id: '1', fields: { city: 'Lyon' } }]);
    expect(written?.ok).toBe(true);
    await odoo.webhooks?.flush();

    const rows = await store.inbox.listOpen();
    expect(
      rows.map((r) => [r.source, (r.payload as { object: string }).object, (r.payload as { id: string }).id]).sort(),
    ).toEqual([
      ['hubspot', 'contacts', '1'],
      ['odoo', 'res.partner', '1'],
    ]);
  });
});

describe('frontback serve', () => {
  it('listens, answers /healthz and /readyz, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontback-serve-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const config = join(dir, 'frontback.yaml');
    writeFileSync(
      config,
      `store:\n  url: ${join(dir, 'serve.db')}\nserver:\n  port: ${port}\nlogging:\n  level: warn\n`,
    );
    const serve = startFrontback(['serve', '-c', config]);
    expect(await serve.waitFor('listening on'), serve.output()).toBe(true);
    expect(serve.output()).toContain(`listening on http://127.0.0.1:${port}`);
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toEqual({ status: 'ready', store: 'sqlite' });
    expect(await serve.stop()).toBe(0);
    expect(serve.output()).toContain('frontback serve stopped');
  }, 30_000);
});
