/**
 * The Salesforce sandbox through jsforce 3.10.16, the client Salesforce developers use,
 * on a real port: query with autoFetch over several batches, create/update/upsert/delete
 * one at a time and in sObject Collections, describe, getUpdated/getDeleted, and the SOAP
 * merge() call, with the losers seen as deletions carrying MasterRecordId, and an answer
 * lost after its commit at 50 ms a call. Sign-in (token, client credentials, refresh, JWT)
 * is in auth-jsforce.test.ts.
 */
import jsforce, { type Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/connector/sandbox/clock.ts';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../../connectors/salesforce/sandbox/server.ts';

const T0 = Date.UTC(2026, 2, 2, 12, 0, 0);
const TOKEN = 'jsforce-test-token';

let sb: SalesforceSandbox;
let clock: ManualClock;
let conn: Connection;

type Row = Record<string, unknown>;

beforeAll(async () => {
  clock = new ManualClock(T0);
  // 450 people: 150 accounts and 450 contacts, enough for three batches of 200.
  sb = await createSalesforceSandbox({ clock, records: 450, accessTokens: [TOKEN] });
  const instanceUrl = await sb.listen(0);
  conn = new jsforce.Connection({ instanceUrl, accessToken: TOKEN, version: '60.0' });
});

afterAll(async () => {
  await sb.close();
});

describe('jsforce against the Salesforce sandbox', () => {
  it('queries with autoFetch across batches (nextRecordsUrl), each record once', async () => {
    const seen: string[] = [];
    const pagesBefore = sb.kit.counters().requests['GET /services/data/:v/query/:locator'] ?? 0;
    const result = await conn
      .query('SELECT Id, Name, Account.Name FROM Contact ORDER BY Name', {
        autoFetch: true,
        maxFetch: 10_000,
        headers: { 'Sforce-Query-Options': 'batchSize=200' },
      })
      .on('record', (r: Row) => seen.push(String(r['Id'])))
      .run();
    expect(result.totalSize).toBe(sb.seeded.contacts);
    expect(result.totalSize).toBeGreaterThan(400);
    // 409 records in batches of 200: the first answer and two nextRecordsUrl follow-ups.
    expect((sb.kit.counters().requests['GET /services/data/:v/query/:locator'] ?? 0) - pagesBefore).toBe(2);
    expect(seen).toHaveLength(result.totalSize);
    expect(new Set(seen).size).toBe(seen.length);
    const withAccount = result.records.filter((r) => (r as Row)['Account'] !== null);
    expect(withAccount.length).toBeGreaterThan(0);
    expect((withAccount[0] as { Account: Row }).Account['Name']).toEqual(expect.any(String));
  });

  it('creates, reads, updates and deletes one record', async () => {
    const created = await conn.sobject('Account').create({ Name: 'Jsforce Single GmbH', Website: 'jsforce.example' });
    expect(created).toMatchObject({ success: true, id: expect.stringMatching(/^001[0-9A-Za-z]{15}$/) });
    const id = created.id!;
    expect(await conn.sobject('Account').retrieve(id)).toMatchObject({ Id: id, Name: 'Jsforce Single GmbH' });
    const updated = await conn.sobject('Account').update({ Id: id, Phone: '+49 30 1234' });
    expect(updated).toMatchObject({ success: true, id });
    expect(await conn.sobject('Account').retrieve(id)).toMatchObject({ Phone: '+49 30 1234' });
    // Several ids: jsforce posts them to sObject Collections with the fields in the body.
    const other = (await conn.query<{ Id: string }>('SELECT Id FROM Account ORDER BY Name LIMIT 1')).records[0]!.Id;
    const both = await conn.sobject('Account').retrieve([id, other], { fields: ['Name', 'Phone'] });
    expect(both.map((r) => r && [r.Id, r['Name']])).toEqual([
      [id, 'Jsforce Single GmbH'],
      [other, expect.any(String)],
    ]);
    expect(await conn.sobject('Account').destroy(id)).toMatchObject({ success: true, id });
    await expect(conn.sobject('Account').retrieve(id)).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
    expect((await conn.sobject('Account').retrieve([id, other], { fields: ['Name'] }))[0]).toBeNull();
  });

  it('writes many records through sObject Collections, failures reported per record', async () => {
    const results = await conn
      .sobject('Contact')
      .create(
        [
          { LastName: 'Collection One', Email: 'one.collection@jsforce.example' },
          { FirstName: 'No last name' },
          { LastName: 'Collection Three', Email: 'three.collection@jsforce.example' },
        ],
        { allOrNone: false },
      );
    expect(results.map((r) => r.success)).toEqual([true, false, true]);
    const failed = results[1] as { errors: { errorCode?: string; statusCode?: string }[] };
    expect(JSON.stringify(failed.errors)).toContain('REQUIRED_FIELD_MISSING');
    const ids = results.filter((r) => r.success).map((r) => r.id!);
    const updated = await conn.sobject('Contact').update(ids.map((Id) => ({ Id, Title: 'Buyer' })));
    expect(updated.every((r) => r.success)).toBe(true);
    const removed = await conn.sobject('Contact').destroy(ids);
    expect(removed.map((r) => r.success)).toEqual([true, true]);
  });

  it('upserts by an External ID field created through the Tooling API, one and many', async () => {
    const field = await conn.tooling.sobject('CustomField').create({
      FullName: 'Account.frontback_key__c',
      Metadata: { label: 'frontback key', type: 'Text', length: 80, externalId: true, unique: true },
    });
    expect(field).toMatchObject({ success: true });
    const first = await conn
      .sobject('Account')
      .upsert({ Name: 'Upsert AG', frontback_key__c: 'K-1' }, 'frontback_key__c');
    expect(first).toMatchObject({ success: true, created: true });
    const again = await conn
      .sobject('Account')
      .upsert({ Name: 'Upsert AG (renamed)', frontback_key__c: 'K-1' }, 'frontback_key__c');
    expect(again).toMatchObject({ success: true, created: false, id: first.id });
    const many = await conn.sobject('Account').upsert(
      [
        { Name: 'Upsert AG', frontback_key__c: 'K-1' },
        { Name: 'Second Upsert SA', frontback_key__c: 'K-2' },
      ],
      'frontback_key__c',
    );
    expect(many.map((r) => [r.success, r.created])).toEqual([
      [true, false],
      [true, true],
    ]);
    const described = await conn.sobject('Account').describe();
    expect(described.fields.find((f) => f.name === 'frontback_key__c')).toMatchObject({
      externalId: true,
      unique: true,
      type: 'string',
    });
  });

  it('at 50 ms a call, an answer lost after its commit: jsforce sees the error, and the upsert sent again updates the record it made', async () => {
    await conn.tooling.sobject('CustomField').create({
      FullName: 'Contact.erp_key__c',
      Metadata: { label: 'ERP key', type: 'Text', length: 40, externalId: true, unique: true },
    });
    Object.assign(sb.kit.faults, { latencyMs: 50, dropAfterCommit: 1 });
    try {
      const contact = { LastName: 'Lost Answer', Email: 'lost.answer@example.com', erp_key__c: 'RES-7' };
      await expect(conn.sobject('Contact').upsert(contact, 'erp_key__c')).rejects.toThrow();
      const again = await conn.sobject('Contact').upsert(contact, 'erp_key__c');
      expect(again).toMatchObject({ success: true, created: false });
      const rows = await conn.query("SELECT Id FROM Contact WHERE erp_key__c = 'RES-7'");
      expect(rows.totalSize).toBe(1);
    } finally {
      Object.assign(sb.kit.faults, { latencyMs: 0, dropAfterCommit: 0 });
    }
  });

  it('describes the org and an object as jsforce reads them', async () => {
    const global = await conn.describeGlobal();
    expect(global.sobjects.map((s) => s.name)).toEqual(
      expect.arrayContaining(['Account', 'Contact', 'Opportunity', 'OpportunityLineItem', 'PricebookEntry', 'Order']),
    );
    const contact = await conn.sobject('Contact').describe();
    expect(contact.fields.find((f) => f.name === 'AccountId')).toMatchObject({
      type: 'reference',
      referenceTo: ['Account'],
      nillable: true,
    });
    const stage = (await conn.sobject('Opportunity').describe()).fields.find((f) => f.name === 'StageName');
    expect(stage?.picklistValues?.map((p) => p.value)).toContain('Closed Won');
  });

  it('merges through the SOAP API; getUpdated/getDeleted and queryAll show the losers with MasterRecordId', async () => {
    const start = new Date(clock.now());
    const [master, loser] = (await conn.sobject('Account').create([{ Name: 'Merge Co' }, { Name: 'MERGE CO.' }])).map(
      (r) => r.id!,
    );
    clock.advance(60_000);
    const merged = await conn.soap.merge({
      masterRecord: { type: 'Account', Id: master! },
      recordToMergeIds: [loser!],
    });
    expect(merged).toMatchObject({ success: true, id: master, mergedRecordIds: [loser] });
    clock.advance(2 * 60_000);
    const end = new Date(clock.now());
    const updated = await conn.sobject('Account').updated(start, end);
    expect(updated.ids).toEqual(expect.arrayContaining([master]));
    const deleted = await conn.sobject('Account').deleted(start, end);
    expect(deleted.deletedRecords.map((d) => d.id)).toContain(loser);
    const all = await conn.query(`SELECT Id, IsDeleted, MasterRecordId FROM Account WHERE Id = '${loser}'`, {
      scanAll: true,
    });
    expect(all.records).toMatchObject([{ Id: loser, IsDeleted: true, MasterRecordId: master }]);
  });
});
