import nock from 'nock';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { createHttpClient, type HttpClient } from '../../../src/connector/http-client.ts';
import type { HttpClientOptions, RequestEvent } from '../../../src/connector/http-options.ts';
import { bearerAuth, oauth2Auth } from '../../../src/connector/auth.ts';
import { ConnectorError, RateLimitedError } from '../../../src/connector/errors.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import pkg from '../../../package.json' with { type: 'json' };

const BASE = 'https://api.vendor.test';
const okSchema = z.object({ id: z.string(), name: z.string() });

function captureLog(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

interface Harness {
  client: HttpClient;
  sleeps: number[];
  events: RequestEvent[];
  lines: string[];
}

function harness(overrides: Partial<HttpClientOptions> = {}): Harness {
  const sleeps: number[] = [];
  const events: RequestEvent[] = [];
  const { lines, logger } = captureLog();
  const client = createHttpClient({
    connection: 'vendor',
    baseURL: `${BASE}/api/v1`,
    logger,
    retry: { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 5, randomize: true },
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    now: () => Date.parse('2024-05-01T12:00:00.000Z'),
    onRequest: (e) => events.push(e),
    ...overrides,
  });
  return { client, sleeps, events, lines };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'every mocked request was made').toEqual([]);
});

describe('request shape', () => {
  it('sends auth, user-agent, accept, JSON body and repeated query keys exactly', async () => {
    const { client } = harness({ auth: bearerAuth('tok-123'), headers: { 'x-extra': 'yes' } });
    nock(BASE, {
      reqheaders: {
        authorization: 'Bearer tok-123',
        'user-agent': `frontback/${pkg.version}`,
        accept: 'application/json',
        'content-type': 'application/json',
        'x-extra': 'yes',
        'if-match': 'W/"etag"',
      },
    })
      .post('/api/v1/objects/contacts/search', {
        filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'a@b.c' }] }],
      })
      .query({ archived: 'false', properties: ['email', 'name'] })
      .reply(200, { id: '1', name: 'Ada' });
    const result = await client.request(
      {
        method: 'POST',
        path: '/objects/contacts/search',
        query: { archived: false, properties: ['email', 'name'], skipped: undefined },
        body: { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'a@b.c' }] }] },
        headers: { 'if-match': 'W/"etag"' },
      },
      okSchema,
    );
    expect(result).toEqual({ id: '1', name: 'Ada' });
  });

  it('sends form bodies url-encoded', async () => {
    const { client } = harness();
    nock(BASE, { reqheaders: { 'content-type': 'application/x-www-form-urlencoded' } })
      .post('/api/v1/token', 'grant_type=x&a=b+c')
      .reply(200, { id: '1', name: 'n' });
    await client.request({ method: 'POST', path: 'token', form: { grant_type: 'x', a: 'b c' } }, okSchema);
  });

  it('returns status, headers and empty body from requestRaw (204 + Location)', async () => {
    const { client } = harness();
    nock(BASE)
      .post('/api/v1/customer')
      .reply(204, '', { Location: `${BASE}/api/v1/customer/42` });
    const res = await client.requestRaw({ method: 'POST', path: '/customer', body: { name: 'x' } });
    expect(res.status).toBe(204);
    expect(res.headers.location).toBe(`${BASE}/api/v1/customer/42`);
    expect(res.body).toBeUndefined();
  });

  it('follows an absolute paging link on the same origin and refuses another origin', async () => {
    const { client } = harness();
    nock(BASE).get('/api/v1/objects').query({ after: '100' }).reply(200, { id: '2', name: 'b' });
    await client.request({ method: 'GET', path: `${BASE}/api/v1/objects?after=100` }, okSchema);
    const err = await failure(
      client.request({ method: 'GET', path: 'https://169.254.169.254/latest/meta-data' }, okSchema),
    );
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.message).toMatch(/refusing to call https:\/\/169\.254\.169\.254/);
  });
});

describe('retries', () => {
  it.each([502, 503, 500])('retries a %i with backoff and then succeeds', async (status) => {
    const { client, events } = harness();
    nock(BASE).get('/api/v1/x').reply(status, { message: 'busy' }).get('/api/v1/x').reply(200, { id: '1', name: 'a' });
    await expect(client.request({ method: 'GET', path: 'x', route: 'get x' }, okSchema)).resolves.toEqual({
      id: '1',
      name: 'a',
    });
    expect(events.map((e) => e.status)).toEqual([status, 200]);
    expect(events[0]?.route).toBe('get x');
  });

  // nock 14 does not surface replyWithError through axios (the request hangs until its
  // timeout), so connection resets come from a real local server that drops the socket.
  async function resettingServer(
    resets: number,
  ): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
    let hits = 0;
    const server = createServer((req, res) => {
      hits++;
      if (hits <= resets) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: '1', name: 'a' }));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    nock.enableNetConnect('127.0.0.1');
    return {
      url: `http://127.0.0.1:${port}`,
      hits: () => hits,
      close: () => {
        nock.disableNetConnect();
        return new Promise<void>((done) => server.close(() => done()));
      },
    };
  }

  it('retries ECONNRESET and then succeeds', async () => {
    const server = await resettingServer(2);
    try {
      const { client } = harness({ baseURL: server.url });
      await expect(client.request({ method: 'GET', path: 'x' }, okSchema)).resolves.toEqual({ id: '1', name: 'a' });
      expect(server.hits()).toBe(3);
      client.close();
    } finally {
      await server.close();
    }
  });

  it('gives up on ECONNRESET after the configured retries with a retryable ConnectorError', async () => {
    const server = await resettingServer(10);
    try {
      const { client } = harness({ baseURL: server.url });
      const err = (await failure(client.request({ method: 'GET', path: 'x' }, okSchema))) as ConnectorError;
      expect(err).toBeInstanceOf(ConnectorError);
      expect([err.retryable, err.vendorCode]).toEqual([true, 'ECONNRESET']);
      expect(server.hits()).toBe(3);
      client.close();
    } finally {
      await server.close();
    }
  });

  it('does not repeat a non-idempotent request after a network error', async () => {
    const server = await resettingServer(10);
    try {
      const { client } = harness({ baseURL: server.url });
      const err = (await failure(
        client.request({ method: 'POST', path: 'x', body: {}, retry: false }, okSchema),
      )) as ConnectorError;
      expect(err.retryable).toBe(true);
      expect(server.hits()).toBe(1);
      client.close();
    } finally {
      await server.close();
    }
  });

  it('times out, retries, then fails with a retryable ConnectorError', async () => {
    const { client } = harness({ timeoutMs: 40 });
    nock(BASE).get('/api/v1/slow').times(3).delay(300).reply(200, { id: '1', name: 'a' });
    const err = await failure(client.request({ method: 'GET', path: 'slow' }, okSchema));
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).retryable).toBe(true);
    expect((err as ConnectorError).vendorCode).toBe('ETIMEDOUT');
  });

  it('a 5xx after all retries keeps the vendor message and correlation id', async () => {
    const { client } = harness();
    nock(BASE).get('/api/v1/x').times(3).reply(503, {
      status: 'error',
      message: 'Service temporarily unavailable',
      correlationId: 'corr-1',
      category: 'SERVICE_UNAVAILABLE',
    });
    const err = (await failure(client.request({ method: 'GET', path: 'x' }, okSchema))) as ConnectorError;
    expect(err.message).toBe('Service temporarily unavailable');
    expect(err.status).toBe(503);
    expect(err.correlationId).toBe('corr-1');
    expect(err.vendorCode).toBe('SERVICE_UNAVAILABLE');
    expect(err.retryable).toBe(true);
  });
});

describe('4xx are not retried and keep the vendor words', () => {
  it.each([
    [
      400,
      {
        status: 'error',
        message: 'Property values were not valid',
        category: 'VALIDATION_ERROR',
        correlationId: 'c-400',
      },
      'Property values were not valid',
      'VALIDATION_ERROR',
    ],
    [
      404,
      { error: { code: 'BadRequest_NotFound', message: 'The customer does not exist.' } },
      'The customer does not exist.',
      'BadRequest_NotFound',
    ],
    [
      409,
      { status: 'error', message: 'Contact already exists. Existing ID: 51', category: 'CONFLICT' },
      'Contact already exists. Existing ID: 51',
      'CONFLICT',
    ],
    [
      403,
      [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
      'TotalRequests Limit exceeded.',
      'REQUEST_LIMIT_EXCEEDED',
    ],
  ] as const)('%i', async (status, body, message, vendorCode) => {
    const { client } = harness();
    nock(BASE).get('/api/v1/x').once().reply(status, body, { 'x-request-id': 'req-9' });
    const err = (await failure(client.request({ method: 'GET', path: 'x' }, okSchema))) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.message).toBe(message);
    expect(err.vendorCode).toBe(vendorCode);
    expect(err.status).toBe(status);
    expect(err.retryable).toBe(false);
    expect(err.correlationId).toBe('correlationId' in body ? body.correlationId : 'req-9');
  });

  it('an HTML error page becomes HTTP <status> with the route', async () => {
    const { client } = harness();
    nock(BASE).get('/api/v1/x').reply(418, '<html>teapot</html>');
    const err = (await failure(client.request({ method: 'GET', path: 'x' }, okSchema))) as ConnectorError;
    expect(err.message).toBe('GET /api/v1/x answered HTTP 418');
  });

  it('uses the connector translator once per failure', async () => {
    const seen: number[] = [];
    const { client } = harness({
      translateError: (f) => {
        seen.push(f.kind === 'response' ? f.response.status : -1);
        return new ConnectorError('translated', { connection: f.connection, retryable: false, vendorCode: 'MINE' });
      },
    });
    nock(BASE).get('/api/v1/x').reply(422, {});
    const err = (await failure(client.request({ method: 'GET', path: 'x' }, okSchema))) as ConnectorError;
    expect([err.message, err.vendorCode, err.connection]).toEqual(['translated', 'MINE', 'vendor']);
    expect(seen).toEqual([422]);
  });
});

describe('429', () => {
  it('waits Retry-After seconds and does not spend retry attempts (3 x 429 then 200 with retries: 1)', async () => {
    const { client, sleeps } = harness({ retry: { retries: 1, minTimeoutMs: 1 } });
    nock(BASE)
      .get('/api/v1/x')
      .times(3)
      .reply(429, { message: 'slow down' }, { 'Retry-After': '2' })
      .get('/api/v1/x')
      .reply(200, { id: '1', name: 'a' });
    await expect(client.request({ method: 'GET', path: 'x' }, okSchema)).resolves.toEqual({ id: '1', name: 'a' });
    expect(sleeps).toEqual([2000, 2000, 2000]);
  });

  it('waits until an HTTP-date Retry-After', async () => {
    const { client, sleeps } = harness();
    nock(BASE)
      .get('/api/v1/x')
      .reply(429, '', { 'Retry-After': 'Wed, 01 May 2024 12:00:07 GMT' })
      .get('/api/v1/x')
      .reply(200, { id: '1', name: 'a' });
    await client.request({ method: 'GET', path: 'x' }, okSchema);
    expect(sleeps).toEqual([7000]);
  });

  it('uses the vendor hook (HubSpot policy) over Retry-After, and the default wait without either', async () => {
    const { client, sleeps } = harness({
      retryAfter: (res) =>
        (res.body as { policyName?: string } | undefined)?.policyName === 'TEN_SECONDLY_ROLLING' ? 10_000 : undefined,
    });
    nock(BASE)
      .get('/api/v1/x')
      .reply(
        429,
        {
          status: 'error',
          message: 'You have reached your ten_secondly_rolling limit.',
          errorType: 'RATE_LIMIT',
          policyName: 'TEN_SECONDLY_ROLLING',
        },
        { 'Retry-After': '1' },
      )
      .get('/api/v1/x')
      .reply(429, { message: 'other' })
      .get('/api/v1/x')
      .reply(200, { id: '1', name: 'a' });
    await client.request({ method: 'GET', path: 'x' }, okSchema);
    expect(sleeps).toEqual([10_000, 1_000]);
  });

  it('gives up with RateLimitedError after maxWaits, carrying the last wait', async () => {
    const { client, sleeps } = harness({ rateLimited: { maxWaits: 2 } });
    nock(BASE)
      .get('/api/v1/x')
      .times(3)
      .reply(
        429,
        { message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT' },
        { 'Retry-After': '3' },
      );
    const err = await failure(client.request({ method: 'GET', path: 'x' }, okSchema));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(3000);
    expect(err.message).toMatch(/You have reached your secondly limit\./);
    expect(sleeps).toEqual([3000, 3000]);
  });

  it('gives up at once when Retry-After exceeds the total wait cap (daily limit)', async () => {
    const { client, sleeps } = harness({ rateLimited: { maxTotalWaitMs: 60_000 } });
    nock(BASE).get('/api/v1/x').reply(429, { message: 'daily' }, { 'Retry-After': '3600' });
    const err = (await failure(client.request({ method: 'GET', path: 'x' }, okSchema))) as RateLimitedError;
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(sleeps).toEqual([]);
  });

  it('pauses the limiter when the vendor says the budget is spent', async () => {
    const paused: number[] = [];
    let acquired = 0;
    const { client } = harness({
      limiter: {
        plan: { points: 10, windowMs: 1000, strict: true },
        acquire: () => {
          acquired++;
          return Promise.resolve();
        },
        pause: (ms) => {
          paused.push(ms);
          return Promise.resolve();
        },
      },
      pauseAfter: (res) =>
        res.headers['x-hubspot-ratelimit-remaining'] === '0'
          ? Number(res.headers['x-hubspot-ratelimit-interval-milliseconds'])
          : undefined,
    });
    nock(BASE)
      .get('/api/v1/x')
      .reply(
        200,
        { id: '1', name: 'a' },
        { 'X-HubSpot-RateLimit-Remaining': '0', 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000' },
      );
    await client.request({ method: 'GET', path: 'x' }, okSchema);
    expect(paused).toEqual([10_000]);
    expect(acquired).toBe(1);
  });
});

describe('401 and refresh', () => {
  const tokenUrl = 'https://auth.vendor.test/oauth/token';
  function oauth(): ReturnType<typeof oauth2Auth> {
    return oauth2Auth({
      connection: 'vendor',
      settings: { type: 'oauth2', clientId: 'cid', clientSecret: 'csecret', refreshToken: 'rt-1', tokenUrl },
    });
  }

  it('refreshes once on 401 and retries with the new token', async () => {
    const { client } = harness({ auth: oauth() });
    const tokens = nock('https://auth.vendor.test')
      .post('/oauth/token', 'grant_type=refresh_token&client_id=cid&client_secret=csecret&refresh_token=rt-1')
      .reply(200, { access_token: 'at-1', expires_in: 1800 })
      .post('/oauth/token')
      .reply(200, { access_token: 'at-2', expires_in: 1800 });
    nock(BASE, { reqheaders: { authorization: 'Bearer at-1' } })
      .get('/api/v1/x')
      .reply(401, { message: 'expired' });
    nock(BASE, { reqheaders: { authorization: 'Bearer at-2' } })
      .get('/api/v1/x')
      .reply(200, { id: '1', name: 'a' });
    await expect(client.request({ method: 'GET', path: 'x' }, okSchema)).resolves.toEqual({ id: '1', name: 'a' });
    expect(tokens.isDone()).toBe(true);
  });

  it('a second 401 after the refresh is a non-retryable UNAUTHORIZED error', async () => {
    const { client } = harness({ auth: oauth() });
    nock('https://auth.vendor.test').post('/oauth/token').times(2).reply(200, { access_token: 'at', expires_in: 1800 });
    nock(BASE)
      .get('/api/v1/x')
      .times(2)
      .reply(401, { message: 'This app has been uninstalled', category: 'INVALID_AUTHENTICATION' });
    const err = (await failure(client.request({ method: 'GET', path: 'x' }, okSchema))) as ConnectorError;
    expect([err.status, err.code, err.retryable, err.message]).toEqual([
      401,
      'UNAUTHORIZED',
      false,
      'This app has been uninstalled',
    ]);
  });

  it('a refused refresh is a clear ConnectorError with the vendor reason', async () => {
    const { client } = harness({ auth: oauth() });
    nock('https://auth.vendor.test')
      .post('/oauth/token')
      .reply(200, { access_token: 'at-1', expires_in: 1800 })
      .post('/oauth/token')
      .reply(400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
    nock(BASE).get('/api/v1/x').once().reply(401, {});
    const err = (await failure(client.request({ method: 'GET', path: 'x' }, okSchema))) as ConnectorError;
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.message).toBe('token refresh refused: expired access/refresh token');
    expect([err.code, err.vendorCode, err.status, err.retryable]).toEqual([
      'UNAUTHORIZED',
      'invalid_grant',
      400,
      false,
    ]);
  });

  it('a token refused before the first request is not retried', async () => {
    const { client } = harness({ auth: oauth() });
    nock('https://auth.vendor.test')
      .post('/oauth/token')
      .once()
      .reply(401, { error: 'invalid_client', error_description: 'bad client secret' });
    const err = (await failure(client.request({ method: 'GET', path: 'x' }, okSchema))) as ConnectorError;
    expect([err.message, err.code, err.retryable]).toEqual([
      'token refresh refused: bad client secret',
      'UNAUTHORIZED',
      false,
    ]);
  });

  it('concurrent 401s trigger exactly one refresh', async () => {
    const { client } = harness({ auth: oauth() });
    nock('https://auth.vendor.test')
      .post('/oauth/token')
      .once()
      .reply(200, { access_token: 'old', expires_in: 1800 })
      .post('/oauth/token')
      .once()
      .delay(30)
      .reply(200, { access_token: 'new', expires_in: 1800 });
    nock(BASE, { reqheaders: { authorization: 'Bearer old' } })
      .get(/\/api\/v1\/r\d/)
      .times(4)
      .delay(10)
      .reply(401, {});
    nock(BASE, { reqheaders: { authorization: 'Bearer new' } })
      .get(/\/api\/v1\/r\d/)
      .times(4)
      .reply(200, { id: '1', name: 'a' });
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) => client.request({ method: 'GET', path: `r${i}` }, okSchema)),
    );
    expect(results).toHaveLength(4);
  });
});

describe('response validation', () => {
  it('malformed JSON is a non-retryable INVALID_RESPONSE naming the route', async () => {
    const { client } = harness();
    nock(BASE).get('/api/v1/x').once().reply(200, '{"id": "1", "name": ');
    const err = (await failure(client.request({ method: 'GET', path: 'x' }, okSchema))) as ConnectorError;
    expect([err.code, err.retryable, err.status]).toEqual(['INVALID_RESPONSE', false, 200]);
    expect(err.message).toMatch(/^vendor: GET \/api\/v1\/x answered 200 with malformed JSON/);
  });

  it('a schema mismatch says which path failed', async () => {
    const { client } = harness();
    nock(BASE)
      .get('/api/v1/list')
      .reply(200, { results: [{ id: '1' }, { id: 2 }] });
    const schema = z.object({ results: z.array(z.object({ id: z.string() })) });
    const err = (await failure(
      client.request({ method: 'GET', path: 'list', route: 'list objects' }, schema),
    )) as ConnectorError;
    expect(err.code).toBe('INVALID_RESPONSE');
    expect(err.message).toMatch(/^vendor: list objects answered 200 with unexpected response shape: results\.1\.id: /);
  });

  it('drops __proto__ keys from vendor JSON', async () => {
    const { client } = harness();
    nock(BASE).get('/api/v1/x').reply(200, '{"id":"1","name":"a","__proto__":{"polluted":true}}');
    const out = await client.request({ method: 'GET', path: 'x' }, z.looseObject({ id: z.string() }));
    expect(Object.keys(out)).toEqual(['id', 'name']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an error inside a 200 (Odoo JSON-RPC) goes through detectError', async () => {
    const { client } = harness({
      detectError: (res) => {
        const error = (res.body as { error?: { data?: { name?: string; message?: string } } }).error;
        return error
          ? new ConnectorError(error.data?.message ?? 'odoo error', {
              connection: 'vendor',
              status: res.status,
              vendorCode: error.data?.name,
              retryable: false,
            })
          : undefined;
      },
    });
    nock(BASE)
      .post('/api/v1/jsonrpc')
      .once()
      .reply(200, {
        jsonrpc: '2.0',
        id: 1,
        error: {
          code: 200,
          message: 'Odoo Server Error',
          data: { name: 'odoo.exceptions.ValidationError', message: 'Invalid email' },
        },
      });
    const err = (await failure(
      client.request({ method: 'POST', path: 'jsonrpc', body: {} }, z.unknown()),
    )) as ConnectorError;
    expect([err.message, err.vendorCode]).toEqual(['Invalid email', 'odoo.exceptions.ValidationError']);
  });
});

describe('logging', () => {
  it('never logs tokens, auth headers or secret query parameters', async () => {
    const { client, lines } = harness({ auth: bearerAuth('SECRET-TOKEN-abc') });
    nock(BASE)
      .get('/api/v1/x')
      .query(true)
      .reply(503, {})
      .get('/api/v1/x')
      .query(true)
      .reply(200, { id: '1', name: 'a' });
    await client.request({ method: 'GET', path: 'x', query: { hapikey: 'SECRET-KEY-xyz', q: 'ok' } }, okSchema);
    const all = lines.join('');
    expect(all).toContain('hapikey=%5Bredacted%5D');
    expect(all).not.toContain('SECRET-TOKEN-abc');
    expect(all).not.toContain('SECRET-KEY-xyz');
  });
});

describe('requests in flight (maxInFlight, the connection concurrency)', () => {
  it('keeps at most maxInFlight requests on the wire; the others wait their turn and all are answered', async () => {
    let now = 0;
    let most = 0;
    const scope = nock(BASE)
      .get(/\/api\/v1\/item\/\d+/)
      .times(7)
      .delay(20)
      .reply(function (uri) {
        now += 1;
        most = Math.max(most, now);
        // Answered after the delay: the request leaves the wire when its body arrives.
        setTimeout(() => (now -= 1), 15);
        return [200, { id: uri.split('/').pop(), name: 'x' }];
      });
    const { client } = harness({ maxInFlight: 2 });
    const answers = await Promise.all(
      Array.from({ length: 7 }, (_, i) => client.request({ method: 'GET', path: `item/${i}` }, okSchema)),
    );
    expect(answers.map((a) => a.id)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    expect(most).toBeLessThanOrEqual(2);
    expect(scope.isDone()).toBe(true);
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => harness({ maxInFlight: 0 })).toThrow(/maxInFlight must be a positive integer/);
  });
});
