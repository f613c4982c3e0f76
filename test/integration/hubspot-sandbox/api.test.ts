import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/connector/sandbox/clock.ts';
import {
  createHubSpotSandbox,
  type HubSpotSandbox,
  type HubSpotSandboxOptions,
} from '../../../connectors/hubspot/sandbox/server.ts';

const auth = { authorization: 'Bearer sandbox-hubspot-token' };
const open: HubSpotSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
async function sandbox(options: HubSpotSandboxOptions = {}): Promise<HubSpotSandbox> {
  const s = await createHubSpotSandbox({
    records: 12,
    clock: new ManualClock(Date.UTC(2025, 0, 1)),
    rateLimits: { max: 100_000 },
    ...options,
  });
  open.push(s);
  return s;
}

describe('HubSpot sandbox: records', () => {
  it('refuses a second contact with an existing email with the live 409 message', async () => {
    const s = await sandbox();
    const first = await s.app.inject({
      method: 'POST',
      url: '/crm/v3/objects/contacts',
      headers: auth,
      payload: { properties: { email: 'Dup@Example.com' } },
    });
    expect(first.statusCode).toBe(201);
    const id = first.json().id;
    const again = await s.app.inject({
      method: 'POST',
      url: '/crm/v3/objects/contacts',
      headers: auth,
      payload: { properties: { email: 'dup@example.com' } },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      status: 'error',
      message: `Contact already exists. Existing ID: ${id}`,
      category: 'CONFLICT',
    });
    expect(again.json().correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps every property a string and bumps lastmodifieddate from the clock on update only', async () => {
    const clock = new ManualClock(Date.UTC(2025, 0, 1));
    const s = await sandbox({ clock });
    const created = (
      await s.app.inject({
        method: 'POST',
        url: '/crm/v3/objects/deals',
        headers: auth,
        payload: { properties: { dealname: 'X', amount: 12.5 } },
      })
    ).json();
    expect(created.properties.amount).toBe('12.5');
    clock.advance(60_000);
    const updated = (
      await s.app.inject({
        method: 'PATCH',
        url: `/crm/v3/objects/deals/${created.id}`,
        headers: auth,
        payload: { properties: { amount: '13' } },
      })
    ).json();
    expect(updated.properties.hs_lastmodifieddate).toBe('2025-01-01T00:01:00.000Z');
    expect(updated.updatedAt).toBe('2025-01-01T00:01:00.000Z');
  });

  it('gets and updates by idProperty, and lists archived records separately', async () => {
    const s = await sandbox();
    const email = (await s.app.inject({ method: 'GET', url: '/crm/v3/objects/contacts/1', headers: auth })).json()
      .properties.email;
    const byEmail = await s.app.inject({
      method: 'GET',
      url: `/crm/v3/objects/contacts/${encodeURIComponent(email)}?idProperty=email`,
      headers: auth,
    });
    expect(byEmail.json().id).toBe('1');
    expect(
      (await s.app.inject({ method: 'DELETE', url: '/crm/v3/objects/contacts/1', headers: auth })).statusCode,
    ).toBe(204);
    const archived = (
      await s.app.inject({ method: 'GET', url: '/crm/v3/objects/contacts?archived=true', headers: auth })
    ).json();
    expect(archived.results.map((r: { id: string }) => r.id)).toEqual(['1']);
    expect(archived.results[0].archivedAt).toBeDefined();
    const active = (
      await s.app.inject({ method: 'GET', url: '/crm/v3/objects/contacts?limit=100', headers: auth })
    ).json();
    expect(active.results.some((r: { id: string }) => r.id === '1')).toBe(false);
  });

  it('refuses a batch of more than 100 inputs with 400', async () => {
    const s = await sandbox();
    const inputs = Array.from({ length: 101 }, (_, i) => ({ properties: { email: `p${i}@ex.com` } }));
    const res = await s.app.inject({
      method: 'POST',
      url: '/crm/v3/objects/contacts/batch/create',
      headers: auth,
      payload: { inputs },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().category).toBe('VALIDATION_ERROR');
    expect(s.store.count(s.store.requireType('contacts'))).toBe(12);
  });

  it('fails a whole batch create on one existing email (409) or one invalid value (400)', async () => {
    const s = await sandbox();
    const existing = (await s.app.inject({ method: 'GET', url: '/crm/v3/objects/contacts/3', headers: auth })).json()
      .properties.email;
    const clash = await s.app.inject({
      method: 'POST',
      url: '/crm/v3/objects/contacts/batch/create',
      headers: auth,
      payload: { inputs: [{ properties: { email: 'fresh@ex.com' } }, { properties: { email: existing } }] },
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().message).toBe('Contact already exists. Existing ID: 3');
    const invalid = await s.app.inject({
      method: 'POST',
      url: '/crm/v3/objects/contacts/batch/create',
      headers: auth,
      payload: { inputs: [{ properties: { email: 'fresh@ex.com' } }, { properties: { lifecyclestage: 'nonsense' } }] },
    });
    expect(invalid.statusCode).toBe(400);
    expect(s.store.count(s.store.requireType('contacts'))).toBe(12);
  });

  it('answers 207 with errors for a batch read with missing ids', async () => {
    const s = await sandbox();
    const res = await s.app.inject({
      method: 'POST',
      url: '/crm/v3/objects/contacts/batch/read',
      headers: auth,
      payload: { inputs: [{ id: '2' }, { id: '9999' }], properties: ['email'] },
    });
    expect(res.statusCode).toBe(207);
    expect(res.json()).toMatchObject({
      status: 'COMPLETE',
      numErrors: 1,
      errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['9999'] } }],
    });
    expect(res.json().results).toHaveLength(1);
  });

  it('creates a custom unique property and upserts by it with the new flag', async () => {
    const s = await sandbox();
    const prop = await s.app.inject({
      method: 'POST',
      url: '/crm/v3/properties/companies',
      headers: auth,
      payload: {
        name: 'erp_id',
        label: 'ERP id',
        type: 'string',
        fieldType: 'text',
        groupName: 'companyinformation',
        hasUniqueValue: true,
      },
    });
    expect(prop.statusCode).toBe(201);
    expect(
      (await s.app.inject({ method: 'GET', url: '/crm/v3/properties/companies/erp_id', headers: auth })).json()
        .hasUniqueValue,
    ).toBe(true);
    const upsert = (body: Record<string, unknown>) =>
      s.app.inject({ method: 'POST', url: '/crm/v3/objects/companies/batch/upsert', headers: auth, payload: body });
    const first = (
      await upsert({ inputs: [{ id: 'E-1', idProperty: 'erp_id', properties: { name: 'Acme' } }] })
    ).json();
    const second = (
      await upsert({ inputs: [{ id: 'E-1', idProperty: 'erp_id', properties: { name: 'Acme Ltd' } }] })
    ).json();
    expect(first.results[0].new).toBe(true);
    expect(second.results[0]).toMatchObject({ new: false, id: first.results[0].id });
  });
});

describe('HubSpot sandbox: search', () => {
  it('pages past 10,000 results with a 400, and re-windows with EQ + hs_object_id GT', async () => {
    const s = await sandbox({ records: 0 });
    const contacts = s.store.requireType('contacts');
    const at = Date.UTC(2025, 0, 1);
    s.store.bulkInsert(
      contacts,
      Array.from({ length: 10_050 }, (_, i) => ({ email: `bulk${i}@ex.com` })),
      { modifiedAt: at },
    );
    const search = (body: Record<string, unknown>) =>
      s.app.inject({ method: 'POST', url: '/crm/v3/objects/contacts/search', headers: auth, payload: body });
    const filters = [{ propertyName: 'lastmodifieddate', operator: 'EQ', value: String(at) }];
    const last = await search({ filterGroups: [{ filters }], limit: 200, after: '9800' });
    expect(last.statusCode).toBe(200);
    expect(last.json().total).toBe(10_050);
    expect(last.json().paging.next.after).toBe('10000');
    const past = await search({ filterGroups: [{ filters }], limit: 200, after: '10000' });
    expect(past.statusCode).toBe(400);
    const rest = await search({
      filterGroups: [{ filters: [...filters, { propertyName: 'hs_object_id', operator: 'GT', value: '10000' }] }],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      limit: 200,
    });
    expect(rest.json().total).toBe(50);
    expect(rest.json().results[0].id).toBe('10001');
  });

  it('sorts in both forms and caps limit at 200', async () => {
    const s = await sandbox();
    const search = (body: Record<string, unknown>) =>
      s.app.inject({ method: 'POST', url: '/crm/v3/objects/contacts/search', headers: auth, payload: body });
    const desc = (await search({ sorts: ['-hs_object_id'], limit: 3 })).json().results.map((r: { id: string }) => r.id);
    const desc2 = (await search({ sorts: [{ propertyName: 'hs_object_id', direction: 'DESCENDING' }], limit: 3 }))
      .json()
      .results.map((r: { id: string }) => r.id);
    expect(desc).toEqual(['12', '11', '10']);
    expect(desc2).toEqual(desc);
    expect((await search({ limit: 201 })).statusCode).toBe(400);
  });
});

describe('HubSpot sandbox: auth and rate limits', () => {
  it('answers 401 in HubSpot shape without a valid token', async () => {
    const s = await sandbox();
    for (const headers of [{}, { authorization: 'Bearer wrong' }]) {
      const res = await s.app.inject({ method: 'GET', url: '/crm/v3/objects/contacts', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    }
  });

  it('issues an access token for the refresh grant that works until it expires', async () => {
    const clock = new ManualClock(Date.UTC(2025, 0, 1));
    const s = await sandbox({ clock });
    const form =
      'grant_type=refresh_token&client_id=sandbox-client-id&client_secret=sandbox-client-secret&refresh_token=sandbox-refresh-token';
    const res = await s.app.inject({
      method: 'POST',
      url: '/oauth/v1/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form,
    });
    expect(res.statusCode).toBe(200);
    const token = res.json();
    expect(token).toMatchObject({ token_type: 'bearer', expires_in: 1800, refresh_token: 'sandbox-refresh-token' });
    const get = () =>
      s.app.inject({
        method: 'GET',
        url: '/crm/v3/objects/contacts',
        headers: { authorization: `Bearer ${token.access_token}` },
      });
    expect((await get()).statusCode).toBe(200);
    clock.advance(1_801_000);
    expect((await get()).json()).toMatchObject({ category: 'EXPIRED_AUTHENTICATION' });
    const bad = await s.app.inject({
      method: 'POST',
      url: '/oauth/v1/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form.replace('sandbox-refresh-token', 'nope'),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().status).toBe('BAD_REFRESH_TOKEN');
  });

  it('answers 429 with the exact body and headers past the window, and recovers after 10 s', async () => {
    const clock = new ManualClock(Date.UTC(2025, 0, 1));
    const s = await sandbox({ clock, rateLimits: { max: 5 } });
    const get = () => s.app.inject({ method: 'GET', url: '/crm/v3/objects/contacts', headers: auth });
    const first = await get();
    expect(first.headers['x-hubspot-ratelimit-max']).toBe('5');
    expect(first.headers['x-hubspot-ratelimit-remaining']).toBe('4');
    expect(first.headers['x-hubspot-ratelimit-interval-milliseconds']).toBe('10000');
    expect(first.headers['x-hubspot-ratelimit-daily-remaining']).toBe('999999');
    for (let i = 0; i < 4; i += 1) expect((await get()).statusCode).toBe(200);
    const refused = await get();
    expect(refused.statusCode).toBe(429);
    const { correlationId, ...rest } = refused.json();
    expect(rest).toEqual({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
    });
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(refused.headers['x-hubspot-ratelimit-remaining']).toBe('0');
    clock.advance(9_999);
    expect((await get()).statusCode).toBe(429);
    clock.advance(1);
    expect((await get()).statusCode).toBe(200);
  });

  it('limits search per second with the secondly message, and the daily budget with DAILY', async () => {
    const clock = new ManualClock(Date.UTC(2025, 0, 1));
    const s = await sandbox({ clock, rateLimits: { searchPerSecond: 2, daily: 4 } });
    const search = () =>
      s.app.inject({ method: 'POST', url: '/crm/v3/objects/contacts/search', headers: auth, payload: {} });
    expect((await search()).statusCode).toBe(200);
    expect((await search()).statusCode).toBe(200);
    const third = await search();
    expect(third.statusCode).toBe(429);
    expect(third.json().message).toBe('You have reached your secondly limit.');
    clock.advance(1000);
    await search();
    await search();
    expect((await search()).json()).toMatchObject({
      policyName: 'DAILY',
      message: 'You have reached your daily limit.',
    });
    const put = await s.app.inject({ method: 'PUT', url: '/_sandbox/limits', payload: { daily: 100 } });
    expect(put.json().daily).toBe(100);
    clock.advance(1000);
    expect((await search()).statusCode).toBe(200);
  });
});

describe('HubSpot sandbox: determinism and faults', () => {
  it('serves identical records for the same seed and different ones for another seed', async () => {
    const list = async (s: HubSpotSandbox) =>
      (
        await s.app.inject({
          method: 'GET',
          url: '/crm/v3/objects/contacts?limit=100&properties=email,firstname,phone,associatedcompanyid',
          headers: auth,
        })
      ).json();
    const a = await list(await sandbox({ seed: 5 }));
    const b = await list(await sandbox({ seed: 5, clock: new ManualClock(0) }));
    const c = await list(await sandbox({ seed: 6 }));
    expect(a).toEqual(b);
    expect(a.results[0].properties.email).not.toBe(c.results[0].properties.email);
  });

  it('answers a 5xx burst in HubSpot shape, then serves again', async () => {
    const s = await sandbox({ faults: { burst5xx: 1 } });
    const res = await s.app.inject({ method: 'GET', url: '/crm/v3/objects/contacts', headers: auth });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'error', category: 'SERVICE_UNAVAILABLE' });
    expect((await s.app.inject({ method: 'GET', url: '/crm/v3/objects/contacts', headers: auth })).statusCode).toBe(
      200,
    );
  });
});
