/**
 * The Salesforce sandbox's REST API as a client sees it (in-process, `app.inject`):
 * sObject rows, upsert by external id, sObject Collections with partial failures and
 * allOrNone, query paging, getUpdated/getDeleted with merges, the Tooling CustomField
 * create, and errors in Salesforce's shape.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/connector/sandbox/clock.ts';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../../connectors/salesforce/sandbox/server.ts';

const T0 = Date.UTC(2026, 2, 2, 12, 0, 0);
const V = '/services/data/v60.0';
const TOKEN = 'rest-test-token';

let sb: SalesforceSandbox;
let clock: ManualClock;

type Json = Record<string, unknown>;

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Json = {}) {
  const res = await sb.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${TOKEN}`, ...headers } as Record<string, string>,
    ...(payload === undefined ? {} : { payload: payload as Json }),
  });
  return { status: res.statusCode, body: res.body === '' ? undefined : (res.json() as unknown), headers: res.headers };
}

const soql = (q: string, all = false, headers: Json = {}) =>
  call('GET', `${V}/${all ? 'queryAll' : 'query'}?q=${encodeURIComponent(q)}`, undefined, headers);

beforeEach(async () => {
  clock = new ManualClock(T0);
  sb = await createSalesforceSandbox({ clock, records: 0, accessTokens: [TOKEN] });
});

afterEach(async () => {
  await sb.close();
});

describe('sObject rows', () => {
  it('creates, reads, updates and deletes a record', async () => {
    const created = await call('POST', `${V}/sobjects/Account`, { Name: 'Acme GmbH', Website: 'acme.example' });
    expect(created.status).toBe(201);
    const { id } = created.body as { id: string };
    expect(created.body).toEqual({ id, success: true, errors: [] });
    const read = await call('GET', `${V}/sobjects/Account/${id}?fields=Name,Website`);
    expect(read.body).toEqual({
      attributes: { type: 'Account', url: `${V}/sobjects/Account/${id}` },
      Name: 'Acme GmbH',
      Website: 'acme.example',
    });
    expect((await call('PATCH', `${V}/sobjects/Account/${id.slice(0, 15)}`, { Phone: '+49 30 1234' })).status).toBe(
      204,
    );
    expect(((await call('GET', `${V}/sobjects/Account/${id}`)).body as Json)['Phone']).toBe('+49 30 1234');
    expect((await call('DELETE', `${V}/sobjects/Account/${id}`)).status).toBe(204);
    const gone = await call('GET', `${V}/sobjects/Account/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  });

  it('answers errors as a list of {message, errorCode, fields}', async () => {
    const res = await call('POST', `${V}/sobjects/Contact`, { FirstName: 'Ada' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual([
      { message: 'Required fields are missing: [LastName]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] },
    ]);
    expect((await call('GET', `${V}/sobjects/Nope/describe`)).status).toBe(404);
    expect((await call('GET', '/services/data/v20.0/sobjects')).status).toBe(404);
  });

  it('upserts by an External ID field: 201, 200, then 300 with the matching records', async () => {
    const field = await call('POST', `${V}/tooling/sobjects/CustomField`, {
      FullName: 'Account.frontback_key__c',
      Metadata: { label: 'frontback key', type: 'Text', length: 80, externalId: true, unique: false },
    });
    expect(field.status).toBe(201);
    const described = (await call('GET', `${V}/sobjects/Account/describe`)).body as { fields: Json[] };
    expect(described.fields.find((f) => f['name'] === 'frontback_key__c')).toMatchObject({
      externalId: true,
      type: 'string',
      custom: true,
      idLookup: true,
    });
    const first = await call('PATCH', `${V}/sobjects/Account/frontback_key__c/K-1`, { Name: 'Acme' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ success: true, created: true });
    const second = await call('PATCH', `${V}/sobjects/Account/frontback_key__c/K-1`, { Name: 'Acme Inc.' });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ created: false, id: (first.body as Json)['id'] });
    const older = await call('PATCH', `/services/data/v45.0/sobjects/Account/frontback_key__c/K-1`, { Name: 'Acme' });
    expect({ status: older.status, body: older.body }).toEqual({ status: 204, body: undefined });
    await call('POST', `${V}/sobjects/Account`, { Name: 'Acme copy', frontback_key__c: 'K-1' });
    const several = await call('PATCH', `${V}/sobjects/Account/frontback_key__c/K-1`, { Name: 'x' });
    expect(several.status).toBe(300);
    expect(several.body).toHaveLength(2);
    expect((several.body as string[])[0]).toMatch(/^\/services\/data\/v60\.0\/sobjects\/Account\/001/);
  });
});

describe('sObject Collections', () => {
  it('commits each record on its own without allOrNone, answering per record in order', async () => {
    const res = await call('POST', `${V}/composite/sobjects`, {
      allOrNone: false,
      records: [
        { attributes: { type: 'Account' }, Name: 'One' },
        { attributes: { type: 'Contact' }, FirstName: 'No last name' },
        { attributes: { type: 'Contact' }, LastName: 'Two', Email: 'two@example.com' },
      ],
    });
    expect(res.status).toBe(200);
    const results = res.body as Json[];
    expect(results.map((r) => r['success'])).toEqual([true, false, true]);
    expect(results[1]).toEqual({
      id: null,
      success: false,
      errors: [
        {
          statusCode: 'REQUIRED_FIELD_MISSING',
          message: 'Required fields are missing: [LastName]',
          fields: ['LastName'],
        },
      ],
    });
    expect(((await soql('SELECT COUNT() FROM Contact')).body as Json)['totalSize']).toBe(1);
  });

  it('rolls everything back with allOrNone, the valid records reporting ALL_OR_NONE_OPERATION_ROLLED_BACK', async () => {
    const res = await call('POST', `${V}/composite/sobjects`, {
      allOrNone: true,
      records: [
        { attributes: { type: 'Account' }, Name: 'One' },
        { attributes: { type: 'Account' }, Name: 'Bad', Industry: 'Not an industry' },
        { attributes: { type: 'Account' }, Name: 'Three' },
      ],
    });
    const results = res.body as { success: boolean; errors: { statusCode: string }[] }[];
    expect(results.map((r) => r.errors[0]?.statusCode)).toEqual([
      'ALL_OR_NONE_OPERATION_ROLLED_BACK',
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      'ALL_OR_NONE_OPERATION_ROLLED_BACK',
    ]);
    expect(((await soql('SELECT COUNT() FROM Account')).body as Json)['totalSize']).toBe(0);
  });

  it('refuses 201 records in one call and writes none', async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({ attributes: { type: 'Account' }, Name: `A${i}` }));
    const res = await call('POST', `${V}/composite/sobjects`, { allOrNone: false, records });
    expect(res.status).toBe(400);
    expect((res.body as Json[])[0]).toEqual({
      errorCode: 'EXCEEDED_ID_LIMIT',
      message: 'record limit reached. cannot submit more than 200 records into this call',
    });
    expect(((await soql('SELECT COUNT() FROM Account')).body as Json)['totalSize']).toBe(0);
    const ok = await call('POST', `${V}/composite/sobjects`, { allOrNone: false, records: records.slice(0, 200) });
    expect((ok.body as Json[]).every((r) => r['success'] === true)).toBe(true);
  });

  it('upserts by external id per record, reporting several matches on that record only', async () => {
    await call('POST', `${V}/tooling/sobjects/CustomField`, {
      FullName: 'Contact.erp_id__c',
      Metadata: { label: 'ERP id', type: 'Text', length: 40, externalId: true },
    });
    await call('POST', `${V}/sobjects/Contact`, { LastName: 'Twin A', erp_id__c: 'P-2' });
    await call(
      'POST',
      `${V}/sobjects/Contact`,
      { LastName: 'Twin B', erp_id__c: 'P-2' },
      { 'sforce-duplicate-rule-header': 'allowSave=true' },
    );
    const res = await call('PATCH', `${V}/composite/sobjects/Contact/erp_id__c`, {
      allOrNone: false,
      records: [
        { attributes: { type: 'Contact' }, erp_id__c: 'P-1', LastName: 'New' },
        { attributes: { type: 'Contact' }, erp_id__c: 'P-2', LastName: 'Which one?' },
        { attributes: { type: 'Contact' }, erp_id__c: 'P-1', LastName: 'New again' },
      ],
    });
    const results = res.body as Json[];
    expect(results[0]).toMatchObject({ success: true, created: true });
    expect(results[1]).toMatchObject({
      success: false,
      errors: [{ statusCode: 'DUPLICATE_EXTERNAL_ID', fields: ['erp_id__c'] }],
    });
    expect(results[2]).toMatchObject({ success: true, created: false, id: results[0]?.['id'] });
  });

  it('updates and deletes in collections, with per-record failures', async () => {
    const made = (
      await call('POST', `${V}/composite/sobjects`, {
        records: [
          { attributes: { type: 'Account' }, Name: 'A' },
          { attributes: { type: 'Account' }, Name: 'B' },
        ],
      })
    ).body as { id: string }[];
    const [a, b] = made.map((r) => r.id);
    const upd = await call('PATCH', `${V}/composite/sobjects`, {
      records: [
        { attributes: { type: 'Account' }, id: a, Name: 'A2' },
        { attributes: { type: 'Account' }, id: b, Name: '' },
      ],
    });
    expect((upd.body as Json[]).map((r) => r['success'])).toEqual([true, false]);
    const del = await call('DELETE', `${V}/composite/sobjects?ids=${a},${b},0015g0000009999AAA`);
    expect(
      (del.body as { success: boolean; errors: { statusCode: string }[] }[]).map(
        (r) => r.errors[0]?.statusCode ?? 'ok',
      ),
    ).toEqual(['ok', 'ok', 'INVALID_CROSS_REFERENCE_KEY']);
  });
});

describe('query', () => {
  it('pages with nextRecordsUrl in the batch size asked for', async () => {
    for (let i = 0; i < 3; i++) {
      const records = Array.from({ length: 150 }, (_, j) => ({
        attributes: { type: 'Account' },
        Name: `Co ${i * 150 + j}`,
      }));
      await call('POST', `${V}/composite/sobjects`, { records });
    }
    const first = await soql('SELECT Id, Name FROM Account ORDER BY Name', false, {
      'sforce-query-options': 'batchSize=200',
    });
    const page1 = first.body as { totalSize: number; done: boolean; nextRecordsUrl: string; records: unknown[] };
    expect(page1).toMatchObject({ totalSize: 450, done: false });
    expect(page1.records).toHaveLength(200);
    const seen = new Set((page1.records as Json[]).map((r) => r['Id']));
    let next: string | undefined = page1.nextRecordsUrl;
    while (next) {
      const more = (await call('GET', next)).body as { done: boolean; nextRecordsUrl?: string; records: Json[] };
      for (const r of more.records) seen.add(r['Id']);
      next = more.nextRecordsUrl;
    }
    expect(seen.size).toBe(450);
    const stale = await call('GET', page1.nextRecordsUrl);
    expect(stale.status).toBe(400);
    expect((stale.body as Json[])[0]).toMatchObject({ errorCode: 'INVALID_QUERY_LOCATOR' });
  });

  it('answers SOQL errors as Salesforce words them', async () => {
    const res = await soql('SELECT Id FRM Account');
    expect(res.status).toBe(400);
    expect((res.body as Json[])[0]).toMatchObject({ errorCode: 'MALFORMED_QUERY' });
  });
});

describe('getUpdated, getDeleted and merges', () => {
  it('lists changed and deleted ids in a window; a merge shows as deletions with MasterRecordId', async () => {
    const master = ((await call('POST', `${V}/sobjects/Account`, { Name: 'Acme' })).body as Json)['id'] as string;
    const loser = ((await call('POST', `${V}/sobjects/Account`, { Name: 'ACME Inc' })).body as Json)['id'] as string;
    clock.advance(5 * 60_000);
    const merged = await sb.app.inject({
      method: 'POST',
      url: '/_sandbox/merge',
      payload: { type: 'Account', masterId: master, mergeIds: [loser] },
    });
    expect(merged.json()).toMatchObject({ id: master, mergedRecordIds: [loser] });
    clock.advance(2 * 60_000);
    const start = encodeURIComponent(new Date(T0 - 60_000).toISOString());
    const end = encodeURIComponent(new Date(clock.now()).toISOString());
    const updated = (await call('GET', `${V}/sobjects/Account/updated/?start=${start}&end=${end}`)).body as Json;
    expect(updated['ids']).toEqual([master]);
    const deleted = (await call('GET', `${V}/sobjects/Account/deleted/?start=${start}&end=${end}`)).body as Json;
    expect(deleted['deletedRecords']).toEqual([
      { id: loser, deletedDate: new Date(T0 + 5 * 60_000).toISOString().replace('Z', '+0000') },
    ]);
    expect(deleted['latestDateCovered']).toBe('2026-03-02T12:07:00.000+0000');
    const all = (await soql(`SELECT Id, MasterRecordId, IsDeleted FROM Account WHERE Id = '${loser}'`, true))
      .body as Json;
    expect(all['records']).toMatchObject([{ Id: loser, MasterRecordId: master, IsDeleted: true }]);
    expect(((await soql(`SELECT Id FROM Account WHERE Id = '${loser}'`)).body as Json)['totalSize']).toBe(0);
    const old = encodeURIComponent(new Date(T0 - 31 * 86_400_000).toISOString());
    const refused = await call('GET', `${V}/sobjects/Account/deleted/?start=${old}&end=${end}`);
    expect((refused.body as Json[])[0]).toMatchObject({ errorCode: 'INVALID_REPLICATION_DATE' });
  });
});
