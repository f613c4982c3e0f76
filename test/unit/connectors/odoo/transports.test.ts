import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../../src/connector/index.ts';
import { authenticate, executeKw, harness, json2Error, KEY, ODOO, rpcError } from './harness.ts';

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'every mocked request was made').toEqual([]);
});

const FIELDS_GET = {
  name: { type: 'char', string: 'Name', required: false, readonly: false, store: true },
  email: { type: 'char', string: 'Email', store: true },
  country_id: { type: 'many2one', string: 'Country', relation: 'res.country', store: true },
  active: { type: 'boolean', string: 'Active', store: true },
  write_date: { type: 'datetime', string: 'Last Updated on', readonly: true, store: true },
};
const ATTRS = {
  attributes: ['type', 'string', 'required', 'readonly', 'store', 'relation', 'relation_field', 'selection'],
};

async function caught(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error('expected a ConnectorError');
}

describe('JSON-RPC request shapes', () => {
  it('authenticates once, then sends exact execute_kw envelopes with increasing ids and decodes values', async () => {
    const connector = harness('jsonrpc');
    nock(ODOO).post('/jsonrpc', authenticate(1)).reply(200, { jsonrpc: '2.0', id: 1, result: 7 });
    nock(ODOO)
      .post('/jsonrpc', executeKw(2, 7, 'res.partner', 'fields_get', [], ATTRS))
      .reply(200, { jsonrpc: '2.0', id: 2, result: FIELDS_GET });
    nock(ODOO)
      .post(
        '/jsonrpc',
        executeKw(3, 7, 'res.partner', 'read', [[5, 9]], {
          fields: ['name', 'country_id', 'email', 'write_date', 'active'],
        }),
      )
      .reply(200, {
        jsonrpc: '2.0',
        id: 3,
        result: [
          {
            id: 5,
            name: 'Acme',
            country_id: [21, 'Belgium'],
            email: false,
            write_date: '2025-01-01 10:00:00',
            active: true,
          },
        ],
      });
    nock(ODOO)
      .post(
        '/jsonrpc',
        executeKw(4, 7, 'res.partner', 'load', [['.id', 'country_id/.id', 'email'], [['5', '21', '']]], {
          context: { tz: 'UTC', active_test: false },
        }),
      )
      .reply(200, { jsonrpc: '2.0', id: 4, result: { ids: [5], messages: [] } });
    const [record] = await connector.read('res.partner', ['5', '9', 'not-an-id'], ['name', 'country_id', 'email']);
    expect(record).toEqual({
      id: '5',
      object: 'res.partner',
      modifiedAt: '2025-01-01T10:00:00.000Z',
      fields: {
        id: 5,
        name: 'Acme',
        country_id: '21',
        email: null,
        write_date: '2025-01-01T10:00:00.000Z',
        active: true,
      },
    });
    const results = await connector.write('res.partner', [
      { op: 'update', ref: 'u', id: '5', fields: { email: null, country_id: '21' } },
    ]);
    expect(results).toEqual([{ ref: 'u', ok: true, id: '5', outcome: 'updated' }]);
  });

  it('lists changes with the (write_date, id) domain, order and paging', async () => {
    const connector = harness('jsonrpc', {}, { overlapMinutes: 0 });
    nock(ODOO).post('/jsonrpc', authenticate(1)).reply(200, { jsonrpc: '2.0', id: 1, result: 7 });
    nock(ODOO)
      .post('/jsonrpc', executeKw(2, 7, 'res.partner', 'fields_get', [], ATTRS))
      .reply(200, { jsonrpc: '2.0', id: 2, result: FIELDS_GET });
    const domain = [
      '|',
      ['write_date', '>', '2025-01-01 10:00:00'],
      '&',
      ['write_date', '=', '2025-01-01 10:00:00'],
      ['id', '>', 5],
    ];
    const kw = {
      fields: ['name', 'write_date', 'active'],
      limit: 2,
      order: 'write_date asc, id asc',
      context: { active_test: false },
    };
    nock(ODOO)
      .post('/jsonrpc', executeKw(3, 7, 'res.partner', 'search_read', [domain], kw))
      .reply(200, {
        jsonrpc: '2.0',
        id: 3,
        result: [
          { id: 6, name: 'A', write_date: '2025-01-01 10:00:00', active: true },
          { id: 2, name: 'B', write_date: '2025-01-01 10:00:01', active: false },
        ],
      });
    // A full first page: more follow, so one search_count over the listing's domain gives the total (progress).
    nock(ODOO)
      .post('/jsonrpc', executeKw(4, 7, 'res.partner', 'search_count', [domain], { context: { active_test: false } }))
      .reply(200, { jsonrpc: '2.0', id: 4, result: 9 });
    const next = [
      '|',
      ['write_date', '>', '2025-01-01 10:00:01'],
      '&',
      ['write_date', '=', '2025-01-01 10:00:01'],
      ['id', '>', 2],
    ];
    nock(ODOO)
      .post('/jsonrpc', executeKw(5, 7, 'res.partner', 'search_read', [next], kw))
      .reply(200, { jsonrpc: '2.0', id: 5, result: [] });
    const pages = [];
    for await (const page of connector.listChanges(
      'res.partner',
      { timestamp: '2025-01-01T10:00:00.000Z', id: '5' },
      { pageSize: 2, fields: ['name'] },
    ))
      pages.push(page);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.records.map((r) => [r.id, r.archived === true])).toEqual([
      ['6', false],
      ['2', true],
    ]);
    expect(pages[0]?.cursor).toEqual({ timestamp: '2025-01-01T10:00:01.000Z', id: '2' });
    expect(pages[0]?.total).toBe(9);
  });

  it('refuses a login Odoo does not know with a clear UNAUTHORIZED error, and asks again next time', async () => {
    const connector = harness('jsonrpc');
    nock(ODOO).post('/jsonrpc', authenticate(1)).reply(200, { jsonrpc: '2.0', id: 1, result: false });
    const err = await caught(connector.read('res.partner', ['1']));
    expect(err).toMatchObject({ code: 'UNAUTHORIZED', retryable: false });
    expect(err.message).toMatch(/refused the login "sync@acme.test"/);
    expect(err.message).not.toContain(KEY);
    nock(ODOO).post('/jsonrpc', authenticate(2)).reply(200, { jsonrpc: '2.0', id: 2, result: false });
    await expect(connector.read('res.partner', ['1'])).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('JSON-2 request shapes', () => {
  it('posts named arguments to /json/2/<model>/<method> with the bearer key and database header', async () => {
    const connector = harness('json2');
    const headers = {
      reqheaders: { authorization: `bearer ${KEY}`, 'x-odoo-database': 'acme', 'content-type': 'application/json' },
    };
    nock(ODOO, headers).post('/json/2/res.partner/fields_get', ATTRS).reply(200, FIELDS_GET);
    nock(ODOO, headers)
      .post('/json/2/res.partner/search_read', {
        domain: [['email', 'in', ['a@x.test']]],
        fields: ['email', 'write_date', 'active'],
        order: 'id asc',
        context: { active_test: false },
      })
      .reply(200, [{ id: 3, email: 'a@x.test', write_date: '2025-01-01 09:00:00', active: true }]);
    nock(ODOO, headers)
      .post('/json/2/res.partner/write', { ids: [3, 4], vals: { active: false } })
      .reply(200, 'true');
    nock(ODOO, headers)
      .post('/json/2/res.partner/unlink', { ids: [8] })
      .reply(200, 'true');
    const found = await connector.find('res.partner', { field: 'email', values: ['a@x.test', 'a@x.test'], fields: [] });
    expect(found.map((r) => r.id)).toEqual(['3']);
    const results = await connector.write('res.partner', [
      { op: 'archive', ref: 'a', id: '3' },
      { op: 'archive', ref: 'b', id: '4' },
      { op: 'delete', ref: 'c', id: '8' },
    ]);
    expect(results.map((r) => [r.ref, r.ok && r.outcome])).toEqual([
      ['a', 'archived'],
      ['b', 'archived'],
      ['c', 'deleted'],
    ]);
  });

  it('creates idempotently through load with external ids, after looking them up in ir.model.data', async () => {
    const connector = harness('json2', {}, { externalIdModule: 'sync' });
    nock(ODOO).post('/json/2/res.partner/fields_get').reply(200, FIELDS_GET);
    nock(ODOO)
      .post('/json/2/ir.model.data/search_read', {
        domain: [
          ['module', '=', 'sync'],
          ['name', 'in', ['companies_1', 'companies_2']],
        ],
        fields: ['module', 'name', 'model', 'res_id'],
      })
      .reply(200, [{ id: 90, module: 'sync', name: 'companies_2', model: 'res.partner', res_id: 12 }]);
    nock(ODOO)
      .post('/json/2/res.partner/load', {
        fields: ['id', 'name', 'country_id/.id', 'active'],
        data: [
          ['sync.companies_1', 'One', '21', '1'],
          ['sync.companies_2', 'Two', '', '0'],
        ],
        context: { tz: 'UTC' },
      })
      .reply(200, { ids: [11, 12], messages: [] });
    const results = await connector.write('res.partner', [
      {
        op: 'upsert',
        ref: 'one',
        idempotencyKey: { field: 'external_id', value: 'companies_1' },
        fields: { name: 'One', country_id: '21', active: true },
      },
      {
        op: 'create',
        ref: 'two',
        idempotencyKey: { field: 'external_id', value: 'companies_2' },
        fields: { name: 'Two', country_id: null, active: false },
      },
    ]);
    expect(results).toEqual([
      { ref: 'one', ok: true, id: '11', outcome: 'created' },
      { ref: 'two', ok: true, id: '12', outcome: 'updated' },
    ]);
  });
});

const CASES = [
  {
    name: 'odoo.exceptions.ValidationError',
    status: 422,
    message: 'The operation cannot be completed: Missing required field',
  },
  { name: 'odoo.exceptions.UserError', status: 422, message: 'You cannot delete a posted journal entry.' },
  {
    name: 'odoo.exceptions.MissingError',
    status: 422,
    message: 'Record does not exist or has been deleted.\n(Record: res.partner(9,), User: 2)',
  },
];

const ACCESS = 'You are not allowed to modify Contact (res.partner) records.';

describe.each(CASES)('error translation of $name', ({ name, status, message }) => {
  it('over JSON-RPC (HTTP 200 with error.data.name): not retried, vendor code and message kept', async () => {
    const connector = harness('jsonrpc');
    nock(ODOO).post('/jsonrpc', authenticate(1)).reply(200, { jsonrpc: '2.0', id: 1, result: 7 });
    nock(ODOO)
      .post('/jsonrpc')
      .once()
      .reply(200, { jsonrpc: '2.0', id: 2, ...rpcError(2, name, message) });
    const err = await caught(connector.client.write('res.partner', [9], { name: 'x' }));
    expect(err).toMatchObject({ message, vendorCode: name, retryable: false, code: 'CONNECTOR_ERROR' });
  });

  it('over JSON-2 (real status, flat body): not retried, vendor code, status and message kept', async () => {
    const connector = harness('json2');
    nock(ODOO).post('/json/2/res.partner/write').once().reply(status, json2Error(name, message));
    const err = await caught(connector.client.write('res.partner', [9], { name: 'x' }));
    expect(err).toMatchObject({ message, vendorCode: name, retryable: false, status });
  });

  it('as a failed write result, the rest of the batch written', async () => {
    const connector = harness('json2');
    nock(ODOO).post('/json/2/res.partner/fields_get').reply(200, FIELDS_GET);
    nock(ODOO)
      .post('/json/2/res.partner/write', { ids: [1, 2], vals: { active: false } })
      .reply(status, json2Error(name, message));
    nock(ODOO)
      .post('/json/2/res.partner/write', { ids: [1], vals: { active: false } })
      .reply(200, 'true');
    nock(ODOO)
      .post('/json/2/res.partner/write', { ids: [2], vals: { active: false } })
      .reply(status, json2Error(name, message));
    const results = await connector.write('res.partner', [
      { op: 'archive', ref: 'good', id: '1' },
      { op: 'archive', ref: 'bad', id: '2' },
    ]);
    expect(results).toEqual([
      { ref: 'good', ok: true, id: '1', outcome: 'archived' },
      { ref: 'bad', ok: false, error: { message, vendorCode: name, status, retryable: false } },
    ]);
  });
});

describe.each(['jsonrpc', 'json2'] as const)('odoo.exceptions.AccessError over %s', (transport) => {
  it('fails the write call as a whole with status 403 (a missing right, not a bad record)', async () => {
    const connector = harness(transport);
    if (transport === 'jsonrpc') {
      nock(ODOO).post('/jsonrpc', authenticate(1)).reply(200, { jsonrpc: '2.0', id: 1, result: 7 });
      nock(ODOO).post('/jsonrpc').reply(200, { jsonrpc: '2.0', id: 2, result: FIELDS_GET });
      nock(ODOO)
        .post('/jsonrpc')
        .once()
        .reply(200, rpcError(3, 'odoo.exceptions.AccessError', ACCESS));
    } else {
      nock(ODOO).post('/json/2/res.partner/fields_get').reply(200, FIELDS_GET);
      nock(ODOO).post('/json/2/res.partner/load').once().reply(403, json2Error('odoo.exceptions.AccessError', ACCESS));
    }
    const err = await caught(
      connector.write(
        'res.partner',
        [1, 2].map((id) => ({ op: 'update' as const, ref: `r${id}`, id: String(id), fields: { name: 'Same' } })),
      ),
    );
    expect(err).toMatchObject({
      message: ACCESS,
      vendorCode: 'odoo.exceptions.AccessError',
      status: 403,
      retryable: false,
    });
  });
});

describe('retries', () => {
  it('repeats a JSON-RPC call that lost a serialization race, and succeeds', async () => {
    const connector = harness('jsonrpc');
    nock(ODOO).post('/jsonrpc', authenticate(1)).reply(200, { jsonrpc: '2.0', id: 1, result: 7 });
    nock(ODOO)
      .post('/jsonrpc')
      .reply(
        200,
        rpcError(2, 'psycopg2.errors.SerializationFailure', 'could not serialize access due to concurrent update'),
      );
    nock(ODOO).post('/jsonrpc').reply(200, { jsonrpc: '2.0', id: 2, result: true });
    await expect(connector.client.write('res.partner', [1], { name: 'x' })).resolves.toBeUndefined();
  });

  it.each(['jsonrpc', 'json2'] as const)('retries a 5xx from the server or a proxy over %s', async (transport) => {
    const connector = harness(transport);
    const path = transport === 'jsonrpc' ? '/jsonrpc' : '/json/2/res.partner/unlink';
    if (transport === 'jsonrpc')
      nock(ODOO).post('/jsonrpc', authenticate(1)).reply(200, { jsonrpc: '2.0', id: 1, result: 7 });
    nock(ODOO).post(path).reply(502, '<html>Bad Gateway</html>');
    nock(ODOO).post(path).reply(503, '');
    nock(ODOO)
      .post(path)
      .reply(200, transport === 'jsonrpc' ? { jsonrpc: '2.0', id: 2, result: true } : 'true');
    await expect(connector.client.unlink('res.partner', [1])).resolves.toBeUndefined();
  });

  it.each(['jsonrpc', 'json2'] as const)(
    'reports a malformed body over %s as INVALID_RESPONSE, naming the call',
    async (transport) => {
      const connector = harness(transport);
      if (transport === 'jsonrpc')
        nock(ODOO).post('/jsonrpc', authenticate(1)).reply(200, { jsonrpc: '2.0', id: 1, result: 7 });
      nock(ODOO)
        .post(transport === 'jsonrpc' ? '/jsonrpc' : '/json/2/res.partner/read')
        .reply(200, '{"jsonrpc": "2.0", "result": [');
      const err = await caught(connector.client.read('res.partner', [1]));
      expect(err).toMatchObject({ code: 'INVALID_RESPONSE', retryable: false });
      expect(err.message).toMatch(/res\.partner\.read.*malformed JSON/);
    },
  );

  it('reports a well-formed body of the wrong shape as INVALID_RESPONSE', async () => {
    const connector = harness('json2');
    nock(ODOO)
      .post('/json/2/res.partner/read')
      .reply(200, [{ name: 'no id' }]);
    await expect(connector.client.read('res.partner', [1])).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
      message: expect.stringMatching(/0\.id/) as unknown,
    });
  });

  it('translates a refused JSON-2 key as UNAUTHORIZED', async () => {
    const connector = harness('json2');
    nock(ODOO).post('/json/2/res.partner/read').reply(401, json2Error('odoo.exceptions.AccessDenied', 'Access Denied'));
    await expect(connector.client.read('res.partner', [1])).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      retryable: false,
      status: 401,
    });
  });
});
