/**
 * API limits of the Salesforce sandbox: the rolling daily allowance with its
 * `Sforce-Limit-Info` header and 403 REQUEST_LIMIT_EXCEEDED, what counts and what does not,
 * the `/limits` document, `/_sandbox/api-usage`, reset, and the cap on concurrent
 * long-running requests (in-flight tracking that survives dropped and aborted requests).
 */
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../../src/connector/sandbox/clock.ts';
import {
  createSalesforceSandbox,
  type SalesforceSandbox,
  type SalesforceSandboxOptions,
} from '../../../../../connectors/salesforce/sandbox/server.ts';

const T0 = Date.UTC(2026, 2, 2, 12, 0, 0);
const HOUR = 3600_000;
const V = '/services/data/v60.0';
const TOKEN = 'limits-test-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const DAILY_REFUSAL = [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }];
const CONCURRENT_REFUSAL = [
  { message: 'ConcurrentRequests (Concurrent API Requests) Limit exceeded', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
];

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

let sb: SalesforceSandbox;
let clock: ManualClock;

async function start(extra: Partial<SalesforceSandboxOptions> = {}): Promise<void> {
  clock = new ManualClock(T0);
  sb = await createSalesforceSandbox({ clock, records: 0, accessTokens: [TOKEN], ...extra });
}

async function call(method: Method, url: string, payload?: object) {
  const res = await sb.app.inject({ method, url, headers: AUTH, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body === '' ? undefined : (res.json() as unknown), headers: res.headers };
}

const usage = (res: { headers: Record<string, unknown> }): unknown => res.headers['sforce-limit-info'];
const used = async (): Promise<number> => ((await call('GET', '/_sandbox/api-usage')).body as { used: number }).used;

afterEach(async () => {
  await sb.close();
});

describe('daily API allowance', () => {
  beforeEach(() => start());

  it('answers every REST call with Sforce-Limit-Info and counts it', async () => {
    const first = await call('GET', `${V}/sobjects`);
    expect(first.status).toBe(200);
    expect(usage(first)).toBe('api-usage=1/100000');
    expect(usage(await call('GET', `${V}/sobjects/Account/describe`))).toBe('api-usage=2/100000');
    expect(await used()).toBe(2);
  });

  it.each([
    ['404 on a missing record', 'GET', `${V}/sobjects/Account/001000000000000AAA`, undefined, 404],
    ['400 on a malformed query', 'GET', `${V}/query?q=${encodeURIComponent('SELEC Id FROM')}`, undefined, 400],
    ['400 on a body that is not an object', 'POST', `${V}/sobjects/Account`, [1, 2], 400],
    ['404 on an unknown version', 'GET', '/services/data/v12.0/limits', undefined, 404],
  ] as const)('sends the header on errors too (%s)', async (_name, method, url, payload, status) => {
    const res = await call(method, url, payload);
    expect(res.status).toBe(status);
    expect(usage(res)).toBe('api-usage=1/100000');
  });

  it('sends the header on an injected 503 and counts it', async () => {
    await call('PUT', '/_sandbox/faults', { burst5xx: 1 });
    const res = await call('GET', `${V}/sobjects`);
    expect(res.status).toBe(503);
    expect(usage(res)).toBe('api-usage=1/100000');
  });

  it('does not count the control API, the OAuth endpoints or the Versions URI', async () => {
    await call('GET', '/_sandbox/stats');
    await call('PUT', '/_sandbox/faults', { latencyMs: 0 });
    const oauth = await sb.app.inject({
      method: 'POST',
      url: '/services/oauth2/token',
      payload: 'grant_type=password',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(usage(oauth)).toBeUndefined();
    const versions = await call('GET', '/services/data');
    expect(versions.status).toBe(200);
    expect(usage(versions)).toBeUndefined();
    expect(await used()).toBe(0);
  });

  it('does not charge a call refused for its session (401 INVALID_SESSION_ID)', async () => {
    const refused = await sb.app.inject({
      method: 'GET',
      url: `${V}/sobjects`,
      headers: { authorization: 'Bearer nope' },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject([{ errorCode: 'INVALID_SESSION_ID' }]);
    expect(await used()).toBe(0);
  });

  it('refuses with 403 REQUEST_LIMIT_EXCEEDED once spent', async () => {
    expect((await call('PUT', '/_sandbox/api-usage', { used: 99_999 })).status).toBe(200);
    const last = await call('GET', `${V}/sobjects`);
    expect(last.status).toBe(200);
    expect(usage(last)).toBe('api-usage=100000/100000');
    const refused = await call('GET', `${V}/sobjects`);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual(DAILY_REFUSAL);
    expect(usage(refused)).toBe('api-usage=100000/100000');
    const state = (await call('GET', '/_sandbox/api-usage')).body;
    expect(state).toMatchObject({ used: 100_000, remaining: 0, refused: { daily: 1, concurrent: 0 } });
  });

  it('counts over a rolling 24 hours: calls stop counting as they age out', async () => {
    for (let i = 0; i < 3; i++) await call('GET', `${V}/sobjects`);
    clock.advance(12 * HOUR);
    await call('GET', `${V}/sobjects`);
    await call('GET', `${V}/sobjects`);
    expect(await used()).toBe(5);
    clock.advance(12 * HOUR - 60_000);
    expect(await used()).toBe(5);
    clock.advance(60_000);
    expect(await used()).toBe(2);
    clock.advance(12 * HOUR);
    expect(await used()).toBe(0);
  });

  it('lets calls through again once a spent allowance has aged out', async () => {
    await call('PUT', '/_sandbox/api-usage', { used: 100_000 });
    expect((await call('GET', `${V}/sobjects`)).status).toBe(403);
    clock.advance(24 * HOUR);
    const res = await call('GET', `${V}/sobjects`);
    expect(res.status).toBe(200);
    expect(usage(res)).toBe('api-usage=1/100000');
  });
});

describe('GET /services/data/vXX.X/limits', () => {
  it.each([`${V}/limits`, `${V}/limits/`])('lists the org limits with the live allowance (%s)', async (url) => {
    await start({ dailyApiLimit: 5000 });
    await call('GET', `${V}/sobjects`);
    const res = await call('GET', url);
    expect(res.status).toBe(200);
    const doc = res.body as Record<string, { Max: number; Remaining: number }>;
    expect(doc['DailyApiRequests']).toEqual({ Max: 5000, Remaining: 4998 });
    for (const key of ['ConcurrentSyncReportRuns', 'DailyBulkApiBatches', 'DataStorageMB', 'SingleEmail']) {
      expect(doc[key]).toEqual({ Max: expect.any(Number), Remaining: expect.any(Number) });
    }
    expect(Object.keys(doc)).toEqual([...Object.keys(doc)].sort());
    expect(usage(res)).toBe('api-usage=2/5000');
  });
});

describe('/_sandbox/api-usage and reset', () => {
  beforeEach(() => start({ dailyApiLimit: 1000, longRequestMs: 5000, maxLongRequests: 4 }));

  it('shows and changes the settings', async () => {
    expect((await call('GET', '/_sandbox/api-usage')).body).toEqual({
      dailyMax: 1000,
      used: 0,
      remaining: 1000,
      longInFlight: 0,
      longRequestMs: 5000,
      maxLongRequests: 4,
      refused: { daily: 0, concurrent: 0 },
    });
    const res = await call('PUT', '/_sandbox/api-usage', { dailyMax: 50, used: 10, maxLongRequests: 7 });
    expect(res.body).toMatchObject({ dailyMax: 50, used: 10, remaining: 40, maxLongRequests: 7 });
    expect(usage(await call('GET', `${V}/sobjects`))).toBe('api-usage=11/50');
  });

  it.each([
    ['a negative usage', { used: -1 }],
    ['a fractional usage', { used: 1.5 }],
    ['a zero allowance', { dailyMax: 0 }],
    ['a non-numeric threshold', { longRequestMs: '20s' }],
    ['an unknown field', { remaining: 3 }],
  ])('refuses %s with the house envelope', async (_name, payload) => {
    const res = await call('PUT', '/_sandbox/api-usage', payload);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
    expect((res.body as { error: { details: { issues: unknown[] } } }).error.details.issues.length).toBeGreaterThan(0);
    expect((await call('GET', '/_sandbox/api-usage')).body).toMatchObject({ dailyMax: 1000, used: 0 });
  });

  it.each([{}, { data: true }])('reset %j restores the configured limits and clears usage', async (body) => {
    await call('PUT', '/_sandbox/api-usage', { used: 1000, dailyMax: 1000, longRequestMs: 9, maxLongRequests: 1 });
    await call('GET', `${V}/sobjects`);
    expect((await call('POST', '/_sandbox/reset', body)).status).toBe(200);
    const stats = (await call('GET', '/_sandbox/stats')).body as { limits: unknown };
    expect(stats.limits).toEqual({
      dailyMax: 1000,
      used: 0,
      remaining: 1000,
      longInFlight: 0,
      longRequestMs: 5000,
      maxLongRequests: 4,
      refused: { daily: 0, concurrent: 0 },
    });
    expect(sb.limits.state().used).toBe(0);
  });
});

describe('concurrent long-running requests', () => {
  const longInFlight = (): number => sb.limits.state().longInFlight;

  it('refuses a new request while maxLongRequests have run longRequestMs, then admits again', async () => {
    await start({ faults: { latencyMs: 200 }, longRequestMs: 50, maxLongRequests: 2 });
    const slow = [call('GET', `${V}/sobjects`), call('GET', `${V}/sobjects`)];
    // A third request before the first two have become long-running is fine (it is slow too).
    const early = call('GET', `${V}/sobjects`);
    await sleep(80);
    expect(longInFlight()).toBe(3);
    const refused = await call('GET', `${V}/sobjects`);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual(CONCURRENT_REFUSAL);
    expect(usage(refused)).toBe('api-usage=3/100000');
    expect((await Promise.all([...slow, early])).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(longInFlight()).toBe(0);
    sb.kit.faults.latencyMs = 0;
    expect((await call('GET', `${V}/sobjects`)).status).toBe(200);
    expect(sb.limits.state()).toMatchObject({ used: 4, refused: { daily: 0, concurrent: 1 } });
  });

  it('stops tracking a request whose response is dropped after commit', async () => {
    await start({ faults: { dropAfterCommit: 1 }, longRequestMs: 1, maxLongRequests: 1 });
    await expect(call('POST', `${V}/sobjects/Account`, { Name: 'Dropped' })).rejects.toThrow();
    await sleep(10);
    expect(longInFlight()).toBe(0);
    expect((await call('GET', `${V}/sobjects`)).status).toBe(200);
  });

  it('stops tracking a request whose client hangs up', async () => {
    await start({ faults: { latencyMs: 150 }, longRequestMs: 1, maxLongRequests: 1 });
    const url = new URL(`${V}/sobjects`, await sb.listen());
    const gone = new Promise<void>((resolve) => {
      const req = httpRequest(url, { headers: AUTH });
      req.on('error', () => resolve());
      req.end();
      setTimeout(() => req.destroy(), 30);
    });
    await gone;
    await sleep(20);
    expect(longInFlight()).toBe(0);
  });
});
