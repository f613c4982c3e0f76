import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangePage } from '../../../../src/connector/index.ts';
import { API, contact, harness, mockContactProperties } from './harness.ts';

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'every mocked request was made').toEqual([]);
});

const bearer = { reqheaders: { authorization: 'Bearer pat-test-token', 'content-type': 'application/json' } };

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('describe', () => {
  it('maps property types, marks email and hasUniqueValue properties as external ids, hs_object_id read-only', async () => {
    const { connector } = harness({ options: { customObjects: [] } });
    mockContactProperties();
    for (const o of ['companies', 'deals', 'products', 'line_items'])
      nock(API).get(`/crm/v3/properties/${o}`).reply(200, { results: [] });
    const [contacts, companies] = await connector.describe();
    const field = (name: string) => contacts?.fields.find((f) => f.name === name);
    expect(field('email')).toMatchObject({ type: 'string', externalId: true });
    expect(field('erp_id')).toMatchObject({ externalId: true });
    expect(field('hs_object_id')).toMatchObject({ readOnly: true });
    expect(field('hs_object_id')?.externalId).toBeUndefined();
    expect(field('erp_credit_limit')?.type).toBe('number');
    expect(field('vip')?.type).toBe('boolean');
    expect(field('lifecyclestage')).toMatchObject({
      type: 'enum',
      options: [
        { value: 'lead', label: 'Lead' },
        { value: 'customer', label: 'Customer' },
      ],
    });
    expect(contacts).toMatchObject({ idField: 'hs_object_id', modifiedField: 'lastmodifieddate', archivable: true });
    expect(companies).toMatchObject({ modifiedField: 'hs_lastmodifieddate' });
    expect(companies?.fields.map((f) => f.name)).toEqual(['hs_object_id', 'hs_lastmodifieddate']);
  });
});

describe('listChanges', () => {
  it('searches with the exact documented body and decodes values', async () => {
    const { connector } = harness();
    mockContactProperties();
    nock(API, bearer)
      .post('/crm/v3/objects/contacts/search', {
        filterGroups: [
          {
            filters: [
              {
                propertyName: 'lastmodifieddate',
                operator: 'GTE',
                value: String(Date.parse('2024-05-01T09:55:00.000Z')),
              },
            ],
          },
        ],
        sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
        properties: ['email', 'erp_credit_limit', 'vip', 'lastmodifieddate', 'hs_object_id'],
        limit: 100,
      })
      .reply(200, {
        total: 1,
        results: [contact('51', { email: 'a@x.test', erp_credit_limit: '1500.5', vip: 'true' })],
      });
    const pages = await all(
      connector.listChanges(
        'contacts',
        { timestamp: '2024-05-01T10:00:00.000Z', id: '' },
        { overlapMs: 300_000, pageSize: 100, fields: ['email', 'erp_credit_limit', 'vip'] },
      ),
    );
    expect(pages).toEqual<ChangePage[]>([
      {
        records: [
          {
            id: '51',
            object: 'contacts',
            modifiedAt: '2024-05-01T10:00:00.000Z',
            fields: {
              hs_object_id: '51',
              lastmodifieddate: '2024-05-01T10:00:00.000Z',
              email: 'a@x.test',
              erp_credit_limit: 1500.5,
              vip: true,
            },
          },
        ],
        cursor: { timestamp: '2024-05-01T10:00:00.000Z', id: '51' },
        // The search's own total, for progress (no call more).
        total: 1,
      },
    ]);
  });

  it('refuses an unknown object clearly', async () => {
    const { connector } = harness();
    await expect(all(connector.listChanges('tickets', null))).rejects.toThrow(/unknown HubSpot object "tickets"/);
  });
});

describe('listDeleted', () => {
  it('pages the recycle bin and reports records archived after the cursor, in archive order', async () => {
    const { connector } = harness();
    mockContactProperties();
    const archived = (id: string, at: string) => ({ ...contact(id), archived: true, archivedAt: at });
    nock(API, { reqheaders: { authorization: 'Bearer pat-test-token' } })
      .get('/crm/v3/objects/contacts')
      .query({ limit: '100', properties: 'email', archived: 'true' })
      .reply(200, {
        results: [archived('3', '2024-05-01T11:00:00.000Z'), archived('4', '2024-04-01T00:00:00.000Z')],
        paging: { next: { after: '5' } },
      })
      .get('/crm/v3/objects/contacts')
      .query({ limit: '100', after: '5', properties: 'email', archived: 'true' })
      .reply(200, { results: [archived('5', '2024-05-01T10:30:00.000Z')] });
    const listDeleted = connector.listDeleted?.bind(connector);
    if (listDeleted === undefined) throw new Error('the HubSpot connector must list deletions');
    const pages = await all(
      listDeleted('contacts', { timestamp: '2024-05-01T00:00:00.000Z', id: '' }, { fields: ['email'] }),
    );
    expect(pages.flatMap((p) => p.records.map((r) => [r.id, r.modifiedAt, r.archived]))).toEqual([
      ['5', '2024-05-01T10:30:00.000Z', true],
      ['3', '2024-05-01T11:00:00.000Z', true],
    ]);
  });
});

describe('read and find', () => {
  it('reads by id with batch/read and leaves out the ids a 207 says are missing', async () => {
    const { connector } = harness();
    mockContactProperties();
    nock(API, bearer)
      .post('/crm/v3/objects/contacts/batch/read', { inputs: [{ id: '1' }, { id: '2' }], properties: ['email'] })
      .reply(207, {
        status: 'COMPLETE',
        results: [contact('1', { email: 'a@x.test' })],
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message: 'Could not get some CONTACT objects',
            context: { ids: ['2'] },
          },
        ],
        startedAt: '2024-05-01T12:00:00Z',
        completedAt: '2024-05-01T12:00:00Z',
      });
    const records = await connector.read('contacts', ['1', '2'], ['email']);
    expect(records.map((r) => r.id)).toEqual(['1']);
  });

  it('finds by a unique property with batch/read idProperty (never the lagging search index)', async () => {
    const { connector } = harness();
    mockContactProperties();
    nock(API, bearer)
      .post('/crm/v3/objects/contacts/batch/read', {
        inputs: [{ id: 'a@x.test' }],
        properties: ['email'],
        idProperty: 'email',
      })
      .reply(200, { status: 'COMPLETE', results: [contact('1', { email: 'a@x.test' })] });
    expect(
      (await connector.find('contacts', { field: 'email', values: ['a@x.test'], fields: ['email'] })).map((r) => r.id),
    ).toEqual(['1']);
  });

  it('finds by another property with search IN, following paging', async () => {
    const { connector } = harness();
    mockContactProperties();
    const body = (after?: string) => ({
      filterGroups: [{ filters: [{ propertyName: 'firstname', operator: 'IN', values: ['Ann', 'Bo'] }] }],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      properties: ['firstname'],
      limit: 200,
      ...(after === undefined ? {} : { after }),
    });
    nock(API, bearer)
      .post('/crm/v3/objects/contacts/search', body())
      .reply(200, { total: 2, results: [contact('1', { firstname: 'Ann' })], paging: { next: { after: '1' } } })
      .post('/crm/v3/objects/contacts/search', body('1'))
      .reply(200, { total: 2, results: [contact('2', { firstname: 'Bo' })] });
    expect(
      (await connector.find('contacts', { field: 'firstname', values: ['Ann', 'Bo'], fields: ['firstname'] })).map(
        (r) => r.id,
      ),
    ).toEqual(['1', '2']);
  });
});

describe('write', () => {
  it('upserts creates that carry an idempotency key, by that unique property, and reports created/updated', async () => {
    const { connector } = harness();
    mockContactProperties();
    nock(API, bearer)
      .post('/crm/v3/objects/contacts/batch/upsert', {
        inputs: [
          {
            id: 'a@x.test',
            idProperty: 'email',
            properties: { firstname: 'Ann', erp_credit_limit: '100', email: 'a@x.test' },
          },
          { id: 'B@x.test', idProperty: 'email', properties: { firstname: '', email: 'B@x.test' } },
        ],
      })
      .reply(200, {
        status: 'COMPLETE',
        results: [
          { ...contact('9', { email: 'b@x.test', firstname: null }), new: false },
          { ...contact('8', { email: 'a@x.test', firstname: 'Ann', erp_credit_limit: '100' }), new: true },
        ],
      });
    const results = await connector.write('contacts', [
      {
        op: 'create',
        ref: 'r1',
        idempotencyKey: { field: 'email', value: 'a@x.test' },
        fields: { firstname: 'Ann', erp_credit_limit: 100 },
      },
      { op: 'upsert', ref: 'r2', idempotencyKey: { field: 'email', value: 'B@x.test' }, fields: { firstname: null } },
    ]);
    expect(results).toEqual([
      {
        ref: 'r1',
        ok: true,
        id: '8',
        outcome: 'created',
        fields: expect.objectContaining({ erp_credit_limit: 100, firstname: 'Ann' }),
      },
      { ref: 'r2', ok: true, id: '9', outcome: 'updated', fields: expect.objectContaining({ firstname: null }) },
    ]);
  });

  it('sends updates and archives in HubSpot batch shapes', async () => {
    const { connector } = harness();
    mockContactProperties();
    nock(API, bearer)
      .post('/crm/v3/objects/contacts/batch/update', { inputs: [{ id: '5', properties: { vip: 'false' } }] })
      .reply(200, { status: 'COMPLETE', results: [contact('5', { vip: 'false' })] })
      .post('/crm/v3/objects/contacts/batch/archive', { inputs: [{ id: '6' }, { id: '7' }] })
      .reply(204);
    const results = await connector.write('contacts', [
      { op: 'update', ref: 'u', id: '5', fields: { vip: false } },
      { op: 'archive', ref: 'a', id: '6' },
      { op: 'delete', ref: 'd', id: '7' },
    ]);
    expect(results).toEqual([
      { ref: 'u', ok: true, id: '5', outcome: 'updated', fields: expect.objectContaining({ vip: false }) },
      { ref: 'a', ok: true, id: '6', outcome: 'archived' },
      { ref: 'd', ok: true, id: '7', outcome: 'archived' },
    ]);
  });

  it('refuses ops that lack what they need without calling HubSpot', async () => {
    const { connector } = harness();
    mockContactProperties();
    const results = await connector.write('contacts', [
      { op: 'upsert', ref: 'x' },
      { op: 'update', ref: 'y' },
    ]);
    expect(results.map((r) => !r.ok && r.error.message)).toEqual([
      expect.stringMatching(/idempotencyKey/),
      expect.stringMatching(/record id/),
    ]);
  });
});

describe('associations v4', () => {
  it('creates default and labelled links and reads them in batch', async () => {
    const { connector } = harness();
    nock(API, { reqheaders: { authorization: 'Bearer pat-test-token' } })
      .put('/crm/v4/objects/contacts/1/associations/default/companies/2')
      .reply(200, { status: 'COMPLETE', results: [] })
      .post('/crm/v4/associations/contacts/companies/batch/create', {
        inputs: [
          {
            from: { id: '1' },
            to: { id: '3' },
            types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }],
          },
        ],
      })
      .reply(201, { status: 'COMPLETE', results: [] })
      .post('/crm/v4/associations/contacts/companies/batch/read', { inputs: [{ id: '1' }, { id: '4' }] })
      .reply(207, {
        status: 'COMPLETE',
        results: [
          {
            from: { id: '1' },
            to: [{ toObjectId: 3, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' }] }],
          },
        ],
        errors: [
          { status: 'error', category: 'OBJECT_NOT_FOUND', message: 'No COMPANY is associated with CONTACT 4.' },
        ],
      });
    await connector.associations.associateDefault('contacts', '1', 'companies', '2');
    await connector.associations.associate('contacts', 'companies', [
      { fromId: '1', toId: '3', types: [{ category: 'HUBSPOT_DEFINED', typeId: 1 }] },
    ]);
    const links = await connector.associations.read('contacts', 'companies', ['1', '4']);
    expect(links.get('1')).toEqual([
      { toId: '3', types: [{ category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' }] },
    ]);
    expect(links.get('4')).toEqual([]);
  });
});
