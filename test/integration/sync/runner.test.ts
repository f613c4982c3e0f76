/**
 * The engine's loop between the two sandboxes: a HubSpot edit reaches Odoo by the
 * schedule alone, and, with the schedule far away, through HubSpot's webhook: the
 * delivery lands in the inbox, the reconciler turns it into a pass, the inbox row ends
 * done (and that pass may spend HubSpot's budget reserve, which scheduled passes leave).
 * Then `frontback start` as a user runs it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHubSpotSandbox, DEFAULT_SANDBOX_TOKEN } from '../../../connectors/hubspot/sandbox/server.ts';
import { DEFAULT_API_KEY } from '../../../connectors/odoo/sandbox/auth.ts';
import { createOdooSandbox } from '../../../connectors/odoo/sandbox/server.ts';
import { loadMappings } from '../../../src/mapping/load.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { createMemoryQueue } from '../../../src/queue/memory/memory-queue.ts';
import { buildServer } from '../../../src/server/app.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import { startRunner } from '../../../src/sync/runner/index.ts';
import { freePort, startFrontback } from '../../support/cli.ts';
import { projectRoot } from '../../support/env.ts';
import { startSyncRig } from './support.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const contactsOnly = () =>
  loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.filter(
    (m) => m.mapping.id === 'contacts-partners',
  );

async function until(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function rig(options: { webhooks: boolean; everyMs: number }) {
  const port = await freePort();
  const secret = 'hubspot-app-secret-runner-test';
  const r = await startSyncRig({
    seed: 5,
    records: 12,
    webhookSecret: secret,
    ...(options.webhooks
      ? { hubspot: { webhooks: { url: `http://127.0.0.1:${port}/webhooks/hubspot`, secret, flushIntervalMs: 0 } } }
      : {}),
  });
  cleanups.push(() => r.close());
  const server = await buildServer({
    connectors: r.byName,
    store: r.store,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    bodyLimitBytes: 1_048_576,
  });
  await server.listen({ host: '127.0.0.1', port });
  const queue = createMemoryQueue('sync');
  const runner = startRunner({
    mappings: contactsOnly(),
    connectors: r.byName,
    store: r.store,
    queue,
    logger: createLogger({ level: 'silent' }),
    overlapMs: 0,
    concurrency: 2,
    everyMsOverride: options.everyMs,
    inboxEveryMs: 100,
  });
  cleanups.push(
    () => server.close(),
    async () => {
      await runner.stop();
      await queue.close();
    },
  );
  return { hubspot: r.hubspot, connectors: r.byName, store: r.store };
}

/** The Odoo partner linked to HubSpot contact `crmId`, once there is one. */
async function partnerOf(r: Awaited<ReturnType<typeof rig>>, crmId: string): Promise<string | undefined> {
  return (await r.store.links.findBySide('contacts-partners', 'crm', crmId))?.erpId;
}

describe('the engine loop', () => {
  it('carries a HubSpot edit to Odoo on the schedule', async () => {
    const r = await rig({ webhooks: false, everyMs: 300 });
    await until(async () => (await partnerOf(r, '1')) !== undefined);
    const erpId = (await partnerOf(r, '1')) as string;
    const contacts = r.hubspot.store.requireType('contacts');
    r.hubspot.store.update(contacts, r.hubspot.store.get(contacts, '1')!, { jobtitle: 'Scheduled Buyer' }, 'CRM_UI');
    await until(
      async () =>
        (await r.connectors.get('odoo')!.read('res.partner', [erpId], ['function']))[0]?.fields.function ===
        'Scheduled Buyer',
    );
  }, 40_000);

  it('carries it through the webhook when the next poll is far away; the inbox row ends done', async () => {
    const r = await rig({ webhooks: true, everyMs: 3_600_000 });
    // The first passes (at start, both sides) link the pairs and are over before the edit: only the webhook can carry it.
    await until(async () => (await partnerOf(r, '1')) !== undefined);
    await until(async () => {
      const runs = await r.store.runs.list({ mappingId: 'contacts-partners' });
      return runs.length >= 2 && runs.every((run) => run.status !== 'running');
    });
    const erpId = (await partnerOf(r, '1')) as string;
    // HubSpot's window down to half its reserve (10 of 100 left, 20 kept; nothing refills for
    // minutes): a scheduled pass would wait now, the webhook's pass may spend the reserve.
    Object.assign(r.hubspot.rateLimiter.settings, { max: 100, intervalMs: 600_000 });
    const hubspot = r.connectors.get('hubspot')!;
    while ((hubspot.budget?.().vendor?.interval?.remaining ?? 100) > 10) await hubspot.read('contacts', ['1']);
    const contacts = r.hubspot.store.requireType('contacts');
    r.hubspot.store.update(contacts, r.hubspot.store.get(contacts, '1')!, { jobtitle: 'Webhook Buyer' }, 'CRM_UI');
    await r.hubspot.flushWebhooks();
    await until(
      async () =>
        (await r.connectors.get('odoo')!.read('res.partner', [erpId], ['function']))[0]?.fields.function ===
        'Webhook Buyer',
    );
    await until(async () => (await r.store.inbox.listOpen()).length === 0);
    const done = await r.store.inbox.listOpen({ statuses: ['done'] });
    expect(done.length).toBeGreaterThan(0);
    // The pass that carried it was the webhook's.
    const entries = [];
    for await (const e of r.store.audit.since('1970-01-01T00:00:00.000Z')) entries.push(e);
    expect(
      entries
        .filter((e) => e.actor === 'webhook' && e.action === 'applied' && Object.hasOwn(e.changes, 'jobtitle'))
        .map((e) => e.crmId),
    ).toEqual(['1']);
  }, 40_000);
});

describe('frontback start', () => {
  it('listens, syncs on its own, and stops cleanly', async () => {
    const hubspot = await createHubSpotSandbox({ seed: 9, records: 9 });
    const odoo = createOdooSandbox({ seed: 9, records: 9 });
    const [hubspotUrl, odooUrl] = [await hubspot.listen(0), await odoo.listen()];
    cleanups.push(
      () => hubspot.close(),
      () => odoo.close(),
    );
    const dir = mkdtempSync(join(tmpdir(), 'frontback-start-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const config = join(dir, 'frontback.yaml');
    writeFileSync(
      config,
      [
        // The sandboxes' published credentials are accepted only in a demo configuration (docs/security.md).
        'demo: true',
        'connections:',
        `  hubspot: { kind: hubspot, baseUrl: "${hubspotUrl}", auth: { type: bearer, token: ${DEFAULT_SANDBOX_TOKEN} } }`,
        `  odoo: { kind: odoo, baseUrl: "${odooUrl}", auth: { type: api-key, login: admin, key: ${DEFAULT_API_KEY}, database: odoo } }`,
        `store: { url: ${JSON.stringify(join(dir, 'store.db'))} }`,
        `server: { port: ${port} }`,
        'logging: { level: warn }',
      ].join('\n'),
    );
    const start = startFrontback(['start', '-c', config, '--every', '1s']);
    cleanups.push(() => start.stop());
    // Generous: it prepares every mapping's custom fields first, slow on a loaded machine.
    expect(await start.waitFor('listening on', 60_000), start.output()).toBe(true);
    expect(start.output()).toContain('contacts-partners (every 1s)');
    expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toMatchObject({ status: 'ready' });
    const store = await createStore({ url: join(dir, 'store.db') });
    try {
      await until(async () => (await store.links.list('contacts-partners')).length > 0);
    } finally {
      await store.close();
    }
    expect(await start.stop()).toBe(0);
    expect(start.output()).toContain('frontback start stopped');
  }, 60_000);
});
