/**
 * Bounded intake (issue #15) through `app.inject`, on a clock the test moves: the
 * per-connection intake rate limit refuses the way each vendor needs (HubSpot 429 with
 * Retry-After; Odoo 429 without, its notices left to polling), counts refusals as
 * `limited`, lets deliveries under the limit in, and keeps connections apart; Odoo
 * deliveries over 1,000 items are refused; a body nested 100,000 levels deep is a 400 for
 * every connector, never a 500, and nothing reaches the inbox.
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
const START = Date.UTC(2026, 10, 27, 12, 0, 0);
const BASE = 'https://sync.example.test';
const JSON_TYPE = { 'content-type': 'application/json' };

let now = START;

function connector(settings: ConnectionSettings): Connector {
  return connectorRegistry.create(settings, {
    http: (o) => createHttpClient(o),
    logger: createLogger({ level: 'silent' }),
    clock: () => now,
    rateLimiters: memoryRateLimiterFactory(),
  });
}

const hubspot = (name: string): [string, Connector] => [
  name,
  connector({
    name,
    kind: 'hubspot',
    auth: { type: 'bearer', token: 'x' },
    webhook: { secret: SECRET, publicBaseUrl: BASE },
  } as ConnectionSettings),
];

let eventId = 1;
/** A signed single-event HubSpot delivery to connection `name` (a new event each time). */
function hubspotDelivery(
  name = 'hubspot',
  body?: string,
): { url: string; payload: string; headers: Record<string, string> } {
  const id = eventId++;
  const payload =
    body ??
    JSON.stringify([
      {
        eventId: id,
        subscriptionId: 7,
        occurredAt: now - 1000,
        subscriptionType: 'contact.propertyChange',
        objectId: 500 + id,
        propertyName: 'email',
        propertyValue: `p${id}@x.test`,
      },
    ]);
  const url = `/webhooks/${name}`;
  const signature = createHmac('sha256', SECRET).update(`POST${BASE}${url}${payload}${now}`).digest('base64');
  return {
    url,
    payload,
    headers: { ...JSON_TYPE, 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(now) },
  };
}

const odooItem = (id: number) => ({
  _model: 'res.partner',
  _id: id,
  _action: 'write',
  write_date: '2026-11-27 11:59:00',
});

let store: Store;
let app: FastifyInstance;

beforeEach(async () => {
  now = START;
  store = await createStore({ url: ':memory:' });
  app = await buildServer({
    connectors: new Map<string, Connector>([
      hubspot('hubspot'),
      hubspot('hubspot-eu'),
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
    ]),
    store,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    bodyLimitBytes: 1_048_576,
    publicBaseUrl: BASE,
    clock: () => now,
    webhookRateLimits: new Map([
      ['hubspot', 3],
      ['hubspot-eu', 3],
      ['odoo', 2],
    ]),
  });
});

afterEach(async () => {
  await app.close();
  await store.close();
});

const inboxRows = async (): Promise<number> =>
  (await store.inbox.listOpen({ statuses: ['pending', 'processing', 'done', 'failed'], limit: 10_000 })).length;
const send = (d: { url: string; payload: string; headers: Record<string, string> }) =>
  app.inject({ method: 'POST', url: d.url, payload: d.payload, headers: d.headers });
const odoo = (body: unknown) =>
  app.inject({
    method: 'POST',
    url: `/webhooks/odoo?token=${ODOO_TOKEN}`,
    payload: JSON.stringify(body),
    headers: JSON_TYPE,
  });

describe('per-connection intake rate limit', () => {
  it('HubSpot: unsigned requests take no room; under the limit 200; over it 429 with Retry-After, `limited`, nothing written', async () => {
    // Requests without a valid signature take no room: a flood without the secret cannot lock the vendor out.
    for (let i = 0; i < 10; i++) {
      const forged = hubspotDelivery();
      expect(
        (await send({ ...forged, headers: { ...forged.headers, 'x-hubspot-signature-v3': 'forged' } })).statusCode,
      ).toBe(401);
    }
    for (let i = 0; i < 3; i++) expect((await send(hubspotDelivery())).statusCode).toBe(200);
    expect(await inboxRows()).toBe(3);
    const over = await send(hubspotDelivery());
    expect(over.statusCode).toBe(429);
    expect(over.headers['retry-after']).toBe('1');
    expect(over.json()).toMatchObject({
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/"hubspot" is over its intake rate limit of 3 deliveries per second/),
      },
    });
    expect(await inboxRows()).toBe(3);
    const metrics = await app.inject('/metrics');
    expect(metrics.body).toContain('frontback_webhook_deliveries_total{connection="hubspot",outcome="limited"} 1');
    expect(metrics.body).toContain('frontback_webhook_deliveries_total{connection="hubspot",outcome="accepted"} 3');

    // A third of a second later one delivery's room is back, and only one.
    now += 334;
    expect((await send(hubspotDelivery())).statusCode).toBe(200);
    expect((await send(hubspotDelivery())).statusCode).toBe(429);
    expect(await inboxRows()).toBe(4);
  });

  it('Odoo: over the limit 429 without Retry-After (Odoo never retries; the next poll picks the change up)', async () => {
    expect((await odoo(odooItem(1))).statusCode).toBe(200);
    expect((await odoo(odooItem(2))).statusCode).toBe(200);
    const over = await odoo(odooItem(3));
    expect(over.statusCode).toBe(429);
    expect(over.headers['retry-after']).toBeUndefined();
    expect(over.json().error.message).toMatch(/does not send it again: the next poll picks the change up/);
    expect(await inboxRows()).toBe(2);
  });

  it('each connection has its own budget: one over its limit leaves the others alone', async () => {
    for (let i = 0; i < 3; i++) expect((await send(hubspotDelivery('hubspot'))).statusCode).toBe(200);
    expect((await send(hubspotDelivery('hubspot'))).statusCode).toBe(429);
    for (let i = 0; i < 3; i++) expect((await send(hubspotDelivery('hubspot-eu'))).statusCode).toBe(200);
    expect((await odoo(odooItem(1))).statusCode).toBe(200);
    expect((await send(hubspotDelivery('hubspot-eu'))).statusCode).toBe(429);
    expect(await inboxRows()).toBe(7);
  });
});

describe('Odoo deliveries capped like HubSpot', () => {
  it('accepts 1,000 items in one delivery and refuses 1,001 with 400 saying so; nothing written', async () => {
    // One connection's limit counts deliveries, not items: both fit in it.
    const many = (n: number) => Array.from({ length: n }, (_, i) => odooItem(i + 1));
    const over = await odoo(many(1001));
    expect(over.statusCode).toBe(400);
    expect(over.json()).toMatchObject({
      error: {
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(/1001 items; at most 1000 are accepted in one delivery/),
      },
    });
    expect(await inboxRows()).toBe(0);
    const ok = await odoo(many(1000));
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ accepted: 1000, duplicates: 0 });
  });
});

describe('deep nesting', () => {
  const DEPTH = 100_000;
  const deep = `${'['.repeat(DEPTH)}1${']'.repeat(DEPTH)}`;

  it.each([
    ['HubSpot (signed)', () => send(hubspotDelivery('hubspot', `[{"eventId":1,"deep":${deep}}]`))],
    [
      'Odoo (token)',
      () =>
        app.inject({
          method: 'POST',
          url: `/webhooks/odoo?token=${ODOO_TOKEN}`,
          payload: `{"_model":"res.partner","_id":1,"write_date":"2026-11-27 11:59:00","x":${deep}}`,
          headers: JSON_TYPE,
        }),
    ],
  ])('%s: a body nested 100,000 levels deep is a 400, never a 500; nothing in the inbox', async (_name, post) => {
    const res = await post();
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/nested more than 64 levels/) },
    });
    expect(await inboxRows()).toBe(0);
  });

  it('refuses 65 levels with 400 and leaves 64 to the connector', async () => {
    const nested = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;
    // Level 1 is the item object itself; `x` adds the others.
    const item = (levels: number) =>
      `{"_model":"res.partner","_id":1,"write_date":"2026-11-27 11:59:00","x":${nested(levels)}}`;
    expect((await odoo(JSON.parse(item(64)))).statusCode).toBe(400);
    expect((await odoo(JSON.parse(item(63)))).statusCode).toBe(200);
    expect(await inboxRows()).toBe(1);
  });
});
