/**
 * Webhook intake (RELIABILITY tests 6 and 13) through `app.inject`: a signed HubSpot
 * delivery lands in the inbox before the 200 and a repeat adds nothing; wrong HMAC, HMAC
 * over re-serialised JSON, a signature of the wrong length, a stale timestamp, a body
 * over the limit, a wrong content type, `__proto__` keys and a body that is not the
 * vendor's shape are refused with 401/413/415/400 and queue nothing. Odoo's URL token;
 * health, readiness and metrics.
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectorRegistry } from '../../../connectors/index.ts';
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
import type { Store } from '../../../src/store/store.ts';

const SECRET = 'hubspot-client-secret-for-tests';
const ODOO_TOKEN = 'odoo-webhook-token-for-tests';
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const BASE = 'https://sync.example.test';

function connector(settings: ConnectionSettings): Connector {
  return connectorRegistry.create(settings, {
    http: (o) => createHttpClient(o),
    logger: createLogger({ level: 'silent' }),
    clock: () => NOW,
    rateLimiters: memoryRateLimiterFactory(),
  });
}

const events = (n: number, first = 100) =>
  Array.from({ length: n }, (_, i) => ({
    eventId: first + i,
    subscriptionId: 7,
    portalId: 62515,
    appId: 1,
    occurredAt: NOW - 1000,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 500 + i,
    propertyName: 'email',
    propertyValue: `p${i}@x.test`,
    changeSource: 'CRM_UI',
  }));

/** v3 headers over exactly `body`, for POST `${BASE}/webhooks/hubspot`. */
function signed(body: string, timestamp = NOW, secret = SECRET): Record<string, string> {
  const signature = createHmac('sha256', secret)
    .update(`POST${BASE}/webhooks/hubspot${body}${timestamp}`)
    .digest('base64');
  return {
    'content-type': 'application/json',
    'x-hubspot-signature-v3': signature,
    'x-hubspot-request-timestamp': String(timestamp),
  };
}

let store: Store;
let app: FastifyInstance;

beforeEach(async () => {
  store = await createStore({ url: ':memory:' });
  const connectors = new Map<string, Connector>([
    [
      'hubspot',
      connector({
        name: 'hubspot',
        kind: 'hubspot',
        auth: { type: 'bearer', token: 'x' },
        webhook: { secret: SECRET, publicBaseUrl: BASE },
      } as ConnectionSettings),
    ],
    [
      'odoo',
      connector({
        name: 'odoo',
        kind: 'odoo',
        baseUrl: 'http://127.0.0.1:9',
        auth: { type: 'api-key', login: 'a', key: 'k', database: 'd' },
        webhook: { secret: ODOO_TOKEN },
      } as ConnectionSettings),
    ],
  ]);
  app = await buildServer({
    connectors,
    store,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    bodyLimitBytes: 4096,
    publicBaseUrl: BASE,
    clock: () => NOW,
  });
});

afterEach(async () => {
  await app.close();
  await store.close();
});

const inboxRows = async (): Promise<number> =>
  (await store.inbox.listOpen({ statuses: ['pending', 'processing', 'done', 'failed'] })).length;
const post = (url: string, body: string, headers: Record<string, string>) =>
  app.inject({ method: 'POST', url, payload: body, headers });

describe('POST /webhooks/hubspot', () => {
  it('writes every event to the inbox before answering 200; the same delivery again adds nothing', async () => {
    const body = JSON.stringify(events(2));
    const first = await post('/webhooks/hubspot', body, signed(body));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ accepted: 2, duplicates: 0 });
    expect(await inboxRows()).toBe(2);
    const again = await post('/webhooks/hubspot', body, signed(body));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ accepted: 0, duplicates: 2 });
    expect(await inboxRows()).toBe(2);
    // Both events share one received_at, so their order in the inbox is not theirs: find each by its id.
    const rows = await store.inbox.listOpen();
    const ids = rows.map((r) => (r.payload as { id: string }).id).sort();
    expect(ids).toEqual(['500', '501']);
    expect(rows.find((r) => (r.payload as { id: string }).id === '500')).toMatchObject({
      source: 'hubspot',
      status: 'pending',
      payload: { object: 'contacts', id: '500', kind: 'upsert' },
    });
  });

  const body = JSON.stringify(events(1));
  it.each([
    ['a wrong HMAC', body, signed(body, NOW, 'another-secret')],
    ['an HMAC over re-serialised JSON', body, signed(JSON.stringify(JSON.parse(body), null, 1))],
    ['a signature of the wrong length', body, { ...signed(body), 'x-hubspot-signature-v3': 'c2hvcnQ=' }],
    ['a timestamp older than 5 minutes', body, signed(body, NOW - 5 * 60_000 - 1)],
    ['no signature at all', body, { 'content-type': 'application/json' }],
  ])('refuses %s with 401 and queues nothing', async (_name, payload, headers) => {
    const res = await post('/webhooks/hubspot', payload, headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(JSON.stringify(res.json())).not.toContain(SECRET);
    expect(await inboxRows()).toBe(0);
  });

  it('refuses a body over the limit (413), a wrong content type (415), __proto__ keys and a non-HubSpot body (400)', async () => {
    const big = JSON.stringify(events(30));
    expect(Buffer.byteLength(big)).toBeGreaterThan(4096);
    const tooBig = await post('/webhooks/hubspot', big, signed(big));
    expect([tooBig.statusCode, tooBig.json().error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const text = await post('/webhooks/hubspot', body, { ...signed(body), 'content-type': 'text/plain' });
    expect([text.statusCode, text.json().error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const proto = `[{"eventId":1,"subscriptionId":7,"occurredAt":1,"subscriptionType":"contact.creation","objectId":5,"__proto__":{"admin":true}}]`;
    const polluted = await post('/webhooks/hubspot', proto, signed(proto));
    expect([polluted.statusCode, polluted.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const notEvents = '{"hello":"world"}';
    const shape = await post('/webhooks/hubspot', notEvents, signed(notEvents));
    expect(shape.statusCode).toBe(400);
    expect(shape.json().error.message).toMatch(/JSON array of events/);
    expect(await inboxRows()).toBe(0);
    expect({} as Record<string, unknown>).not.toHaveProperty('admin');
  });

  it('answers 404 for a connection that is not configured', async () => {
    const res = await post('/webhooks/salesforce', body, signed(body));
    expect([res.statusCode, res.json().error.code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('POST /webhooks/odoo', () => {
  const delivery = JSON.stringify({
    _model: 'res.partner',
    _id: 42,
    _action: 'write',
    write_date: '2026-11-27 11:59:00',
    name: 'Acme',
  });
  it('accepts a delivery with the connection token in the URL, and refuses a wrong one', async () => {
    const ok = await post(`/webhooks/odoo?token=${ODOO_TOKEN}`, delivery, { 'content-type': 'application/json' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ accepted: 1, duplicates: 0 });
    const wrong = await post('/webhooks/odoo?token=nope', delivery, { 'content-type': 'application/json' });
    expect(wrong.statusCode).toBe(401);
    expect(await inboxRows()).toBe(1);
  });
});

describe('operations routes', () => {
  it('healthz, readyz and metrics with delivery counts', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'ready', store: 'sqlite' });
    const body = JSON.stringify(events(3, 900));
    await post('/webhooks/hubspot', body, signed(body));
    await post('/webhooks/hubspot', body, signed(body, NOW, 'bad'));
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toContain('frontback_webhook_deliveries_total{connection="hubspot",outcome="accepted"} 3');
    expect(metrics).toContain('frontback_webhook_deliveries_total{connection="hubspot",outcome="refused"} 1');
    const missing = await app.inject('/nope');
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('metrics: what waits for a person, read from the store (dead letters, conflicts, inbox)', async () => {
    const body = JSON.stringify(events(2, 950));
    await post('/webhooks/hubspot', body, signed(body));
    await store.deadLetters.add({
      mappingId: 'contacts-partners',
      connection: 'odoo',
      side: 'crm',
      recordId: '7',
      payload: {},
      message: 'refused',
      attempts: 1,
    });
    await store.deadLetters.add({
      mappingId: 'contacts-partners',
      connection: 'odoo',
      side: 'crm',
      recordId: '8',
      payload: {},
      message: 'refused',
      attempts: 1,
    });
    const replayed = await store.deadLetters.add({
      mappingId: 'products',
      connection: 'hubspot',
      side: 'erp',
      recordId: '9',
      payload: {},
      message: 'refused',
      attempts: 1,
    });
    await store.deadLetters.setStatus(replayed.id, 'replayed');
    const link = await store.links.create({ mappingId: 'companies-partners', crmId: '1', erpId: '2' });
    await store.conflicts.open({
      mappingId: 'companies-partners',
      linkId: link.id,
      field: 'city',
      crmValue: 'Lyon',
      erpValue: 'Nantes',
    });
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toContain('frontback_dead_letters_open{mapping="contacts-partners"} 2');
    expect(metrics).not.toContain('frontback_dead_letters_open{mapping="products"}');
    expect(metrics).toContain('frontback_conflicts_open{mapping="companies-partners"} 1');
    expect(metrics).toContain('frontback_inbox_open{status="pending"} 2');
    expect(metrics).toContain('frontback_inbox_open{status="failed"} 0');
  });

  it('readyz answers 503 when the store does not', async () => {
    await store.close();
    const res = await app.inject('/readyz');
    expect([res.statusCode, res.json().error.code]).toEqual([503, 'STORE_ERROR']);
    store = await createStore({ url: ':memory:' });
  });
});
