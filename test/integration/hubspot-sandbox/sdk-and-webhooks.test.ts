import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Signature } from '@hubspot/api-client';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../src/connector/sandbox/clock.ts';
import { createHubSpotSandbox, type HubSpotSandbox } from '../../../connectors/hubspot/sandbox/server.ts';
import type { HubSpotWebhookEvent } from '../../../connectors/hubspot/sandbox/webhooks.ts';

interface Delivery {
  body: string;
  headers: Record<string, string | string[] | undefined>;
}
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function receiver(statuses: number[] = []): Promise<{ url: string; got: Delivery[] }> {
  const got: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ body, headers: req.headers });
      res.statusCode = statuses[got.length - 1] ?? 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/hubspot`, got };
}

async function started(
  options: Parameters<typeof createHubSpotSandbox>[0],
): Promise<{ s: HubSpotSandbox; url: string; client: Client }> {
  const s = await createHubSpotSandbox({ rateLimits: { max: 100_000 }, ...options });
  const url = await s.listen(0);
  cleanups.push(() => s.close());
  return { s, url, client: new Client({ accessToken: 'sandbox-hubspot-token', basePath: url }) };
}

describe('the official @hubspot/api-client against the sandbox', () => {
  it('pages through all contacts, searches, batch reads, batch upserts and archives', async () => {
    const { client } = await started({ records: 250 });
    const all = await client.crm.contacts.getAll();
    expect(all).toHaveLength(250);
    expect(new Set(all.map((c) => c.id)).size).toBe(250);

    const found = await client.crm.contacts.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'lifecyclestage', operator: FilterOperatorEnum.Eq, value: 'customer' }] },
      ],
      sorts: ['hs_object_id'],
      properties: ['email', 'lifecyclestage'],
      limit: 200,
      after: '0',
    });
    expect(found.total).toBeGreaterThan(0);
    expect(found.results.every((r) => r.properties.lifecyclestage === 'customer')).toBe(true);

    const read = await client.crm.contacts.batchApi.read({
      inputs: [{ id: all[0]!.id }, { id: all[1]!.id }],
      properties: ['email'],
      propertiesWithHistory: [],
    });
    expect(read.results.map((r) => r.properties.email).sort()).toEqual(
      [all[0]!.properties.email, all[1]!.properties.email].sort(),
    );

    const up = await client.crm.contacts.batchApi.upsert({
      inputs: [
        { id: 'brand.new@example.com', idProperty: 'email', properties: { firstname: 'Brand' } },
        { id: all[0]!.properties.email!, idProperty: 'email', properties: { firstname: 'Renamed' } },
      ],
    });
    const byEmail = new Map(up.results.map((r) => [r.properties.email, r]));
    expect(byEmail.get('brand.new@example.com')?._new).toBe(true);
    expect(byEmail.get(all[0]!.properties.email!)).toMatchObject({ _new: false, id: all[0]!.id });

    await client.crm.contacts.basicApi.archive(all[2]!.id);
    await expect(client.crm.contacts.basicApi.getById(all[2]!.id)).rejects.toMatchObject({ code: 404 });
  });
});

describe('webhooks from the sandbox', () => {
  it('delivers batched, v3-signed events for API changes with changeSource, accepted by Signature.isValid', async () => {
    const hook = await receiver();
    const secret = 'test-client-secret';
    const { client, s } = await started({
      records: 3,
      clock: systemClock,
      webhooks: { url: hook.url, secret, flushIntervalMs: 0 },
    });
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'hook@example.com', firstname: 'Hook' },
      associations: [],
    });
    await client.crm.contacts.basicApi.update(created.id, { properties: { lastname: 'Test' } });
    await s.flushWebhooks();
    expect(hook.got).toHaveLength(1);
    const delivery = hook.got[0]!;
    const events = JSON.parse(delivery.body) as HubSpotWebhookEvent[];
    expect(events.map((e) => [e.subscriptionType, e.propertyName ?? null])).toEqual([
      ['contact.creation', null],
      ['contact.propertyChange', 'email'],
      ['contact.propertyChange', 'firstname'],
      ['contact.propertyChange', 'lastname'],
    ]);
    expect(
      events.every(
        (e) => e.changeSource === 'INTEGRATION' && e.objectId === Number(created.id) && e.attemptNumber === 0,
      ),
    ).toBe(true);
    expect(
      Signature.isValid({
        signatureVersion: 'v3',
        signature: String(delivery.headers['x-hubspot-signature-v3']),
        requestBody: delivery.body,
        clientSecret: secret,
        method: 'POST',
        url: hook.url,
        timestamp: Number(delivery.headers['x-hubspot-request-timestamp']),
      }),
    ).toBe(true);
    expect(
      Signature.isValid({
        signatureVersion: 'v3',
        signature: String(delivery.headers['x-hubspot-signature-v3']),
        requestBody: delivery.body,
        clientSecret: 'wrong',
        method: 'POST',
        url: hook.url,
        timestamp: Number(delivery.headers['x-hubspot-request-timestamp']),
      }),
    ).toBe(false);
  });

  it('signs v1 when configured, and redelivers a refused batch later with attemptNumber counting up', async () => {
    const hook = await receiver([500, 200]);
    const clock = new ManualClock(Date.now());
    const { s } = await started({
      records: 3,
      clock,
      webhooks: { url: hook.url, secret: 'k', signatureVersions: ['v1', 'v3'], flushIntervalMs: 0 },
    });
    await s.app.inject({
      method: 'PATCH',
      url: '/_sandbox/objects/companies/1',
      payload: { properties: { city: 'Gent' } },
    });
    await s.flushWebhooks();
    expect(hook.got).toHaveLength(1);
    await s.flushWebhooks();
    expect(hook.got).toHaveLength(1);
    clock.advance(1_000);
    await s.flushWebhooks();
    expect(hook.got).toHaveLength(2);
    const [first, second] = hook.got.map((d) => JSON.parse(d.body) as HubSpotWebhookEvent[]);
    expect(first![0]).toMatchObject({
      subscriptionType: 'company.propertyChange',
      propertyName: 'city',
      propertyValue: 'Gent',
      changeSource: 'CRM_UI',
      attemptNumber: 0,
    });
    expect(second![0]).toMatchObject({ eventId: first![0]!.eventId, attemptNumber: 1 });
    expect(
      Signature.isValid({
        signatureVersion: 'v1',
        signature: String(hook.got[1]!.headers['x-hubspot-signature']),
        requestBody: hook.got[1]!.body,
        clientSecret: 'k',
      }),
    ).toBe(true);
    expect(s.dispatcher?.stats()).toMatchObject({ delivered: 1, pending: 0, attempts: 2 });
  });
});

describe('lost responses', () => {
  it('drops the socket after a committed create; the record exists afterwards', async () => {
    const { s, url } = await started({ records: 0, faults: { dropAfterCommit: 1 } });
    const outcome = await new Promise<string>((resolve) => {
      const body = JSON.stringify({ properties: { email: 'lost@example.com' } });
      const req = httpRequest(
        `${url}/crm/v3/objects/contacts`,
        {
          method: 'POST',
          headers: { authorization: 'Bearer sandbox-hubspot-token', 'content-type': 'application/json' },
        },
        (res) => resolve(`status ${res.statusCode}`),
      );
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      req.end(body);
    });
    expect(outcome).toBe('ECONNRESET');
    const found = await fetch(`${url}/crm/v3/objects/contacts/lost@example.com?idProperty=email`, {
      headers: { authorization: 'Bearer sandbox-hubspot-token' },
    });
    expect(found.status).toBe(200);
    expect(s.kit.counters().writes['POST /crm/v3/objects/:objectType']).toBe(1);
  });
});
