import OdooAwait from 'odoo-await';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOdooSandbox, type OdooSandbox } from '../../../../../connectors/odoo/sandbox/server.ts';
import { encodeValue, parseMethodCall } from '../../../../../connectors/odoo/sandbox/transports/xmlrpc-codec.ts';

const KEY = 'sandbox-odoo-key';
let sb: OdooSandbox;
let url = '';
beforeAll(async () => {
  sb = createOdooSandbox({ records: 9 });
  url = await sb.listen();
});
afterAll(async () => {
  await sb.close();
});

describe('odoo-await (XML-RPC) works unchanged against the sandbox', () => {
  it('authenticates, searches, creates, updates, deletes and reads fields_get', async () => {
    const odoo = new OdooAwait({ baseUrl: url, db: 'odoo', username: 'admin', password: KEY });
    expect(await odoo.connect()).toBe(2);
    const companies = await odoo.searchRead('res.partner', [['is_company', '=', true]], ['name', 'country_id'], {
      offset: 0,
      limit: 2,
      order: 'id asc',
      context: {},
    });
    expect(companies).toHaveLength(2);
    expect(companies[0]).toMatchObject({
      id: expect.any(Number),
      name: expect.any(String),
      country_id: [expect.any(Number), expect.any(String)],
    });
    const id = await odoo.create('res.partner', {
      name: 'Await Test',
      email: 'await@test.example',
      category_id: { action: 'create', value: { name: 'From odoo-await' } },
    });
    expect(typeof id).toBe('number');
    expect(await odoo.update('res.partner', id, { phone: '+32 2 555 0101' })).toBe(true);
    const [row] = (await odoo.read('res.partner', id, ['name', 'phone', 'category_id', 'parent_id'])) as Record<
      string,
      unknown
    >[];
    expect(row).toMatchObject({ name: 'Await Test', phone: '+32 2 555 0101', parent_id: false });
    expect(row?.['category_id']).toHaveLength(1);
    expect(
      await odoo.search('res.partner', ['|', ['email', '=', 'await@test.example'], ['name', '=', 'nobody']]),
    ).toEqual([id]);
    const fields = await odoo.getFields('res.partner', ['type', 'string', 'required', 'relation']);
    expect(fields['parent_id']).toEqual({
      type: 'many2one',
      string: 'Related Company',
      required: false,
      relation: 'res.partner',
    });
    expect(await odoo.delete('res.partner', id)).toBe(true);
    expect(await odoo.read('res.partner', id, ['name'])).toEqual([]);
  });

  it('a wrong key is refused (authenticate answers false)', async () => {
    const odoo = new OdooAwait({ baseUrl: url, db: 'odoo', username: 'admin', password: 'wrong' });
    await expect(odoo.connect()).rejects.toMatch(/invalid credentials/);
  });
});

async function xmlCall(path: string, method: string, params: string): Promise<string> {
  const body = `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params}</params></methodCall>`;
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  expect(res.status).toBe(200);
  return res.text();
}
const p = (inner: string) => `<param><value>${inner}</value></param>`;
const execParams = (key: string, model: string, method: string, args: string) =>
  p('<string>odoo</string>') +
  p('<int>2</int>') +
  p(`<string>${key}</string>`) +
  p(`<string>${model}</string>`) +
  p(`<string>${method}</string>`) +
  p(args);

async function jsonRpc(args: unknown[]): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      method: 'call',
      params: { service: 'object', method: 'execute_kw', args },
      id: 7,
    }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function json2(
  model: string,
  method: string,
  body: unknown,
  key = KEY,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/json/2/${model}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `bearer ${key}`, 'x-odoo-database': 'odoo' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe('error shapes on every transport', () => {
  const cases: {
    label: string;
    name: string;
    json: unknown[];
    json2: [string, string, unknown, string?];
    status: number;
    faultCode: number;
  }[] = [
    {
      label: 'missing record',
      name: 'odoo.exceptions.MissingError',
      json: ['odoo', 2, KEY, 'res.partner', 'write', [[987654], { name: 'x' }]],
      json2: ['res.partner', 'write', { ids: [987654], vals: { name: 'x' } }],
      status: 422,
      faultCode: 2,
    },
    {
      label: 'required field',
      name: 'odoo.exceptions.ValidationError',
      json: ['odoo', 2, KEY, 'product.template', 'create', [{ list_price: 1 }]],
      json2: ['product.template', 'create', { vals_list: [{ list_price: 1 }] }],
      status: 422,
      faultCode: 2,
    },
    {
      label: 'access (read-only user)',
      name: 'odoo.exceptions.AccessError',
      json: ['odoo', 3, 'sandbox-odoo-readonly-key', 'res.partner', 'create', [{ name: 'x' }]],
      json2: ['res.partner', 'create', { vals_list: [{ name: 'x' }] }, 'sandbox-odoo-readonly-key'],
      status: 403,
      faultCode: 4,
    },
    {
      label: 'bad domain',
      name: 'builtins.ValueError',
      json: ['odoo', 2, KEY, 'res.partner', 'search', [[['name', 'bogus', 1]]]],
      json2: ['res.partner', 'search', { domain: [['name', 'bogus', 1]] }],
      status: 422,
      faultCode: 1,
    },
  ];

  it.each(cases)('JSON-RPC: $label -> HTTP 200 with error.data.name', async (c) => {
    const out = await jsonRpc(c.json);
    expect(out['id']).toBe(7);
    expect(out['error']).toMatchObject({
      code: 200,
      message: 'Odoo Server Error',
      data: {
        name: c.name,
        message: expect.any(String),
        arguments: expect.any(Array),
        context: {},
        debug: expect.stringContaining('Traceback'),
      },
    });
  });

  it.each(cases)('JSON-2: $label -> real status and flat body', async (c) => {
    const [model, method, body, key] = c.json2;
    const out = await json2(model, method, body, key);
    expect(out.status).toBe(c.status);
    expect(out.body).toMatchObject({
      name: c.name,
      message: expect.any(String),
      arguments: expect.any(Array),
      context: {},
      debug: expect.any(String),
    });
  });

  it.each(cases)('XML-RPC /xmlrpc/2: $label -> fault with int code', async (c) => {
    const [db, uid, key, model, method, args] = c.json as [string, number, string, string, string, unknown];
    const xml = await xmlCall(
      '/xmlrpc/2/object',
      'execute_kw',
      p(`<string>${db}</string>`) +
        p(`<int>${uid}</int>`) +
        p(`<string>${key}</string>`) +
        p(`<string>${model}</string>`) +
        p(`<string>${method}</string>`) +
        encodeValue(args)
          .replace(/^<value>/, '<param><value>')
          .replace(/<\/value>$/, '</value></param>'),
    );
    expect(xml).toContain('<fault>');
    expect(xml).toContain(`<name>faultCode</name>\n<value><int>${c.faultCode}</int></value>`);
  });

  it('XML-RPC /xmlrpc (legacy) uses string fault codes', async () => {
    const xml = await xmlCall(
      '/xmlrpc/object',
      'execute_kw',
      execParams(
        KEY,
        'res.partner',
        'unlink',
        '<array><data><value><array><data><value><int>987654</int></value></data></array></value></data></array>',
      ),
    );
    expect(xml).toContain('<string>warning -- MissingError\n\nRecord does not exist or has been deleted.');
  });

  it('wrong key: AccessDenied on JSON-RPC, 401 on JSON-2, fault 3 on XML-RPC', async () => {
    expect(await jsonRpc(['odoo', 2, 'nope', 'res.partner', 'search', [[]]])).toMatchObject({
      error: { data: { name: 'odoo.exceptions.AccessDenied', message: 'Access Denied' } },
    });
    expect((await json2('res.partner', 'search', { domain: [] }, 'nope')).status).toBe(401);
    expect(
      await xmlCall(
        '/xmlrpc/2/object',
        'execute_kw',
        execParams(
          'nope',
          'res.partner',
          'search',
          '<array><data><value><array><data></data></array></value></data></array>',
        ),
      ),
    ).toContain('<int>3</int>');
  });

  it('JSON-2: unknown model or method is 404; unexpected argument is 422 TypeError', async () => {
    expect((await json2('no.such.model', 'search', {})).status).toBe(404);
    expect((await json2('res.partner', 'frobnicate', {})).status).toBe(404);
    const bad = await json2('res.partner', 'search_read', { domain: [], wat: 1 });
    expect(bad).toMatchObject({
      status: 422,
      body: { name: 'builtins.TypeError', message: "search_read() got an unexpected keyword argument 'wat'" },
    });
  });

  it('JSON-RPC: private methods are AccessError; unknown model is a UserError', async () => {
    expect(await jsonRpc(['odoo', 2, KEY, 'res.partner', '_compute_x', [[]]])).toMatchObject({
      error: { data: { name: 'odoo.exceptions.AccessError' } },
    });
    expect(await jsonRpc(['odoo', 2, KEY, 'no.model', 'search', [[]]])).toMatchObject({
      error: { data: { name: 'odoo.exceptions.UserError', message: "Object no.model doesn't exist" } },
    });
  });
});

describe('JSON-2 and JSON-RPC happy paths', () => {
  it('JSON-2 search_read, name_search and a create returning ids', async () => {
    const found = await json2('res.country', 'search_read', {
      domain: [['code', '=', 'BE']],
      fields: ['name', 'code'],
    });
    expect(found).toEqual({ status: 200, body: [{ id: expect.any(Number), name: 'Belgium', code: 'BE' }] });
    const names = await json2('res.country', 'name_search', { name: 'Belg', limit: 5 });
    expect(names.body).toEqual([[expect.any(Number), 'Belgium']]);
    const created = await json2('res.partner.category', 'create', { vals_list: [{ name: 'J2 a' }, { name: 'J2 b' }] });
    expect(created.body).toEqual([expect.any(Number), expect.any(Number)]);
  });

  it('common.version and search_count over JSON-RPC', async () => {
    const res = await fetch(`${url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        method: 'call',
        params: { service: 'common', method: 'version', args: [] },
        id: 1,
      }),
    });
    expect(((await res.json()) as { result: { server_serie: string } }).result.server_serie).toBe('19.0');
    const count = await jsonRpc(['odoo', 2, KEY, 'res.partner', 'search_count', [[['is_company', '=', true]]]]);
    expect(count['result']).toBe(3);
  });
});

describe('XML-RPC codec', () => {
  it('decodes every value type including nil, dateTime, base64, nested struct and array', () => {
    const xml = `<?xml version="1.0"?><methodCall><methodName>m</methodName><params>
      <param><value><struct>
        <member><name>s</name><value><string>a &amp; b</string></value></member>
        <member><name>u</name><value>untyped</value></member>
        <member><name>i</name><value><i4>-3</i4></value></member>
        <member><name>d</name><value><double>1.5</double></value></member>
        <member><name>b</name><value><boolean>1</boolean></value></member>
        <member><name>n</name><value><nil/></value></member>
        <member><name>t</name><value><dateTime.iso8601>20250102T03:04:05</dateTime.iso8601></value></member>
        <member><name>x</name><value><base64>aGk=</base64></value></member>
        <member><name>a</name><value><array><data><value><int>1</int></value><value><string> sp </string></value></data></array></value></member>
      </struct></value></param></params></methodCall>`;
    expect(parseMethodCall(xml)).toEqual({
      methodName: 'm',
      params: [
        {
          s: 'a & b',
          u: 'untyped',
          i: -3,
          d: 1.5,
          b: true,
          n: null,
          t: '2025-01-02 03:04:05',
          x: 'aGk=',
          a: [1, ' sp '],
        },
      ],
    });
  });
});
