import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, RateLimitedError } from '../../../../src/connector/index.ts';
import { API, NOW, contact, harness, hubspotError, mockContactProperties } from './harness.ts';

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'every mocked request was made').toEqual([]);
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

const ok = (results: unknown[]) => ({ status: 'COMPLETE', results, startedAt: 'x', completedAt: 'y' });
const rateLimited = (policyName: string, message: string) => ({
  status: 'error',
  message,
  errorType: 'RATE_LIMIT',
  correlationId: 'c1',
  policyName,
});
const createOps = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ op: 'create' as const, ref: `r${i}`, fields: { email: `u${i}@x.test` } }));

describe('auth', () => {
  it('on 401 refreshes the OAuth token once (form-encoded refresh_token grant) and repeats the call', async () => {
    const { connector } = harness({
      auth: { type: 'oauth2', clientId: 'cid', clientSecret: 'csecret', refreshToken: 'rt-1' },
    });
    const form = { grant_type: 'refresh_token', client_id: 'cid', client_secret: 'csecret', refresh_token: 'rt-1' };
    nock(API)
      .post('/oauth/v1/token', form)
      .reply(200, { access_token: 'at-1', refresh_token: 'rt-1', expires_in: 1800, token_type: 'bearer' })
      .post('/oauth/v1/token', form)
      .reply(200, { access_token: 'at-2', refresh_token: 'rt-1', expires_in: 1800, token_type: 'bearer' });
    nock(API, { reqheaders: { authorization: 'Bearer at-1' } })
      .get('/crm/v3/properties/contacts')
      .reply(
        401,
        hubspotError('The OAuth token used to make this call expired 1 second(s) ago.', 'EXPIRED_AUTHENTICATION'),
      );
    nock(API, { reqheaders: { authorization: 'Bearer at-2' } })
      .get('/crm/v3/properties/contacts')
      .reply(200, { results: [] });
    nock(API, { reqheaders: { authorization: 'Bearer at-2' } })
      .post('/crm/v3/objects/contacts/batch/read')
      .reply(200, ok([contact('1')]));
    expect(await connector.read('contacts', ['1'])).toHaveLength(1);
  });

  it('a private-app token refused with 401 is an UNAUTHORIZED error, not retried', async () => {
    const { connector } = harness();
    nock(API)
      .get('/crm/v3/properties/contacts')
      .reply(401, hubspotError('Authentication credentials not found.', 'INVALID_AUTHENTICATION'));
    const err = await failure(connector.read('contacts', ['1']));
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({
      code: 'UNAUTHORIZED',
      status: 401,
      vendorCode: 'INVALID_AUTHENTICATION',
      message: 'Authentication credentials not found.',
    });
  });
});

describe('vendor errors', () => {
  it('404 keeps HubSpot message, category and correlation id', async () => {
    const { connector } = harness();
    nock(API)
      .get('/crm/v3/properties/contacts')
      .reply(404, hubspotError('Unable to find object type', 'OBJECT_NOT_FOUND'));
    expect(await failure(connector.read('contacts', ['1']))).toMatchObject({
      status: 404,
      vendorCode: 'OBJECT_NOT_FOUND',
      correlationId: 'c0ffee00-0000-4000-8000-000000000001',
      retryable: false,
    });
  });

  it('207 on batch update: the ids HubSpot could not find fail with its message, the rest are written', async () => {
    const { connector } = harness();
    mockContactProperties();
    nock(API)
      .post('/crm/v3/objects/contacts/batch/update')
      .reply(207, {
        ...ok([contact('1')]),
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message: 'Could not update some CONTACT objects',
            context: { ids: ['2'] },
          },
        ],
      });
    const results = await connector.write('contacts', [
      { op: 'update', ref: 'a', id: '1', fields: {} },
      { op: 'update', ref: 'b', id: '2', fields: {} },
    ]);
    expect(results[0]).toMatchObject({ ok: true, id: '1' });
    expect(results[1]).toEqual({
      ref: 'b',
      ok: false,
      error: { message: 'Could not update some CONTACT objects', vendorCode: 'OBJECT_NOT_FOUND', retryable: false },
    });
  });

  it('a whole-batch 400 is split until the invalid input stands alone with HubSpot message and blamed property', async () => {
    const { connector } = harness();
    mockContactProperties();
    const invalid = hubspotError(
      'Property values were not valid: [{"isValid":false,"message":"u2@x was not a valid email."}]',
      'VALIDATION_ERROR',
      {
        errors: [
          { message: 'Email address u2@x is invalid', code: 'INVALID_EMAIL', context: { propertyName: ['email'] } },
        ],
      },
    );
    const created = (body: { inputs: { properties: { email: string } }[] }) =>
      ok(body.inputs.map((input, i) => contact(`10${i}`, { email: input.properties.email })));
    nock(API)
      .post('/crm/v3/objects/contacts/batch/create')
      .reply(400, invalid) // [0..3]
      .post('/crm/v3/objects/contacts/batch/create')
      .reply(201, (_uri, body) => created(body as never)) // [0,1]
      .post('/crm/v3/objects/contacts/batch/create')
      .reply(400, invalid) // [2,3]
      .post('/crm/v3/objects/contacts/batch/create')
      .reply(400, invalid) // [2]
      .post('/crm/v3/objects/contacts/batch/create')
      .reply(201, (_uri, body) => created(body as never)); // [3]
    const results = await connector.write('contacts', createOps(4));
    expect(results.filter((r) => r.ok).map((r) => r.ref)).toEqual(['r0', 'r1', 'r3']);
    expect(results.find((r) => r.ref === 'r2')).toEqual({
      ref: 'r2',
      ok: false,
      error: {
        message: invalid.message,
        vendorCode: 'VALIDATION_ERROR',
        status: 400,
        retryable: false,
        fields: ['email'],
      },
    });
  });

  it('a whole-batch 409 create conflict becomes an update of the existing id for the clashing input only', async () => {
    const { connector } = harness();
    mockContactProperties();
    const conflict = hubspotError('Contact already exists. Existing ID: 77', 'CONFLICT');
    nock(API)
      .post('/crm/v3/objects/contacts/batch/create')
      .reply(409, conflict)
      .post('/crm/v3/objects/contacts/batch/create', {
        inputs: [{ properties: { email: 'u0@x.test' }, objectWriteTraceId: 'r0' }],
      })
      .reply(409, conflict)
      .post('/crm/v3/objects/contacts/batch/update', { inputs: [{ id: '77', properties: { email: 'u0@x.test' } }] })
      .reply(200, ok([contact('77', { email: 'u0@x.test' })]))
      .post('/crm/v3/objects/contacts/batch/create', {
        inputs: [{ properties: { email: 'u1@x.test' }, objectWriteTraceId: 'r1' }],
      })
      .reply(201, ok([contact('78', { email: 'u1@x.test' })]));
    const results = await connector.write('contacts', createOps(2));
    expect(results.map((r) => (r.ok ? [r.ref, r.id, r.outcome] : r.ref))).toEqual([
      ['r0', '77', 'updated'],
      ['r1', '78', 'created'],
    ]);
  });

  it('malformed JSON from HubSpot is an INVALID_RESPONSE naming the route', async () => {
    const { connector } = harness();
    mockContactProperties();
    nock(API)
      .post('/crm/v3/objects/contacts/batch/read')
      .reply(200, '{"status":"COMPLETE","results":[', { 'content-type': 'application/json' });
    expect(await failure(connector.read('contacts', ['1']))).toMatchObject({
      code: 'INVALID_RESPONSE',
      message: expect.stringMatching(/batch read contacts answered 200 with malformed JSON/),
    });
  });

  it('a response of the wrong shape is an INVALID_RESPONSE, not trusted', async () => {
    const { connector } = harness();
    mockContactProperties();
    nock(API)
      .post('/crm/v3/objects/contacts/batch/read')
      .reply(200, { status: 'COMPLETE', results: [{ id: 5, properties: {} }] });
    expect(await failure(connector.read('contacts', ['5']))).toMatchObject({
      code: 'INVALID_RESPONSE',
      message: expect.stringMatching(/results\.0\.id/),
    });
  });
});

describe('429 policies', () => {
  it('TEN_SECONDLY_ROLLING waits the interval HubSpot states, then succeeds without spending a retry', async () => {
    const { connector, sleeps } = harness();
    nock(API)
      .get('/crm/v3/properties/contacts')
      .reply(429, rateLimited('TEN_SECONDLY_ROLLING', 'You have reached your ten_secondly_rolling limit.'), {
        'X-HubSpot-RateLimit-Interval-Milliseconds': '10000',
        'X-HubSpot-RateLimit-Remaining': '0',
      })
      .get('/crm/v3/properties/contacts')
      .reply(200, { results: [] })
      .post('/crm/v3/objects/contacts/batch/read')
      .reply(200, ok([]));
    await connector.read('contacts', ['1']);
    expect(sleeps).toEqual([10_000]);
  });

  it('the search endpoints\' "secondly" limit waits 1 s', async () => {
    const { connector, sleeps } = harness();
    mockContactProperties();
    nock(API)
      .post('/crm/v3/objects/contacts/search')
      .reply(429, {
        status: 'error',
        message: 'You have reached your secondly limit.',
        errorType: 'RATE_LIMIT',
        correlationId: 'c2',
      })
      .post('/crm/v3/objects/contacts/search')
      .reply(200, { total: 0, results: [] });
    expect(await connector.find('contacts', { field: 'firstname', values: ['Ann'] })).toEqual([]);
    expect(sleeps).toEqual([1_000]);
  });

  it('DAILY is not waited out: a RateLimitedError says how long until midnight', async () => {
    const { connector, sleeps } = harness();
    nock(API).get('/crm/v3/properties/contacts').reply(429, rateLimited('DAILY', 'You have reached your daily limit.'));
    const err = await failure(connector.read('contacts', ['1']));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(Date.parse('2024-05-02T00:00:00.000Z') - NOW);
    expect(err.message).toMatch(/daily limit/);
    expect(sleeps).toEqual([]);
  });
});

describe('5xx and timeouts', () => {
  it('an idempotent call (update) is repeated after a 502', async () => {
    const { connector } = harness();
    mockContactProperties();
    nock(API)
      .post('/crm/v3/objects/contacts/batch/update')
      .reply(502, 'Bad Gateway')
      .post('/crm/v3/objects/contacts/batch/update')
      .reply(200, ok([contact('1')]));
    expect((await connector.write('contacts', [{ op: 'update', ref: 'a', id: '1', fields: {} }]))[0]).toMatchObject({
      ok: true,
    });
  });

  it('a plain create is NOT repeated after a 5xx (it may have been committed): the write throws, retryable', async () => {
    const { connector } = harness();
    mockContactProperties();
    nock(API)
      .post('/crm/v3/objects/contacts/batch/create')
      .reply(503, hubspotError('Service Unavailable', 'SERVICE_UNAVAILABLE'));
    const err = await failure(connector.write('contacts', createOps(3)));
    expect(err).toMatchObject({ status: 503, retryable: true });
  });

  it('a timeout on an idempotent read is retried, then reported as a retryable network error', async () => {
    const { connector } = harness({}, 50);
    mockContactProperties();
    nock(API).post('/crm/v3/objects/contacts/batch/read').times(3).delay(300).reply(200, ok([]));
    const err = await failure(connector.read('contacts', ['1']));
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ retryable: true, message: expect.stringMatching(/timeout|exceeded/i) });
  });

  it('a timeout on a plain create is tried once only', async () => {
    const { connector } = harness({}, 50);
    mockContactProperties();
    nock(API).post('/crm/v3/objects/contacts/batch/create').once().delay(300).reply(201, ok([]));
    expect(await failure(connector.write('contacts', createOps(1)))).toMatchObject({ retryable: true });
  });
});
