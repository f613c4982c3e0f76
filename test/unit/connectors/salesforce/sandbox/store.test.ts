/**
 * The Salesforce sandbox's store: ids, field checks, object rules, transactions, the
 * recycle bin and merges, worded as Salesforce words its errors.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../../src/connector/sandbox/clock.ts';
import { SalesforceApiError } from '../../../../../connectors/salesforce/sandbox/errors.ts';
import { idChecksum, normalizeId, to18 } from '../../../../../connectors/salesforce/sandbox/ids.ts';
import { mergeRecords } from '../../../../../connectors/salesforce/sandbox/merge.ts';
import type { SObjectChange } from '../../../../../connectors/salesforce/sandbox/records.ts';
import { field, standardSObjects } from '../../../../../connectors/salesforce/sandbox/schema.ts';
import {
  RECYCLE_BIN_MS,
  SalesforceStore,
  type WriteContext,
} from '../../../../../connectors/salesforce/sandbox/store.ts';
import { upsertByExternalId, MultipleMatchesError } from '../../../../../connectors/salesforce/sandbox/upsert.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const api: WriteContext = { origin: 'api', userId: '0055g0000000001AAA' };

function org(): { store: SalesforceStore; clock: ManualClock; changes: SObjectChange[]; book: string } {
  const clock = new ManualClock(T0);
  const store = new SalesforceStore(clock, standardSObjects(), T0 - 86_400_000);
  const changes: SObjectChange[] = [];
  store.onChange((c) => changes.push(c));
  const book = String(
    store.create(
      'Pricebook2',
      { Name: 'Standard Price Book', IsActive: true, IsStandard: true },
      { ...api, origin: 'seed' },
    )['Id'],
  );
  changes.length = 0;
  return { store, clock, changes, book };
}

function sfError(fn: () => unknown): SalesforceApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SalesforceApiError) return err;
    throw err;
  }
  throw new Error('expected a Salesforce error');
}

describe('record ids', () => {
  it('adds the published checksum to a 15-character id', () => {
    // Salesforce Help, "Find the 18-character ID": 001D000000IqhSL -> 001D000000IqhSLIAZ.
    expect(to18('001D000000IqhSL')).toBe('001D000000IqhSLIAZ');
    expect(idChecksum('000000000000000')).toBe('AAA');
  });

  it('reads an 18-character id without case, restoring it from the suffix', () => {
    expect(normalizeId('001d000000iqhsliaz')).toBe('001D000000IqhSLIAZ');
    expect(normalizeId('001D000000IqhSL')).toBe('001D000000IqhSLIAZ');
    expect(normalizeId('001D000000IqhS')).toBeUndefined();
    expect(normalizeId('001D000000IqhSL-AZ')).toBeUndefined();
  });

  it('gives new records 18-character ids with their object prefix and a valid checksum', () => {
    const { store } = org();
    const id = String(store.create('Account', { Name: 'Acme' }, api)['Id']);
    expect(id).toMatch(/^001[0-9A-Za-z]{15}$/);
    expect(normalizeId(id.slice(0, 15))).toBe(id);
  });
});

describe('field checks', () => {
  it('refuses a missing required field, an unknown field and a read-only one', () => {
    const { store } = org();
    expect(sfError(() => store.create('Contact', { FirstName: 'Ada' }, api)).items[0]).toEqual({
      errorCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [LastName]',
      fields: ['LastName'],
    });
    expect(sfError(() => store.create('Account', { Name: 'A', Nmae: 'x' }, api)).errorCode).toBe('INVALID_FIELD');
    expect(
      sfError(() => store.create('Account', { Name: 'A', CreatedDate: '2024-01-01T00:00:00Z' }, api)).errorCode,
    ).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
  });

  it('enforces restricted picklists, e-mail syntax, lengths and number types', () => {
    const { store } = org();
    const pick = sfError(() => store.create('Account', { Name: 'A', Industry: 'Software' }, api));
    expect(pick.items[0]).toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fields: ['Industry'] });
    expect(sfError(() => store.create('Contact', { LastName: 'L', Email: 'not-an-email' }, api)).errorCode).toBe(
      'INVALID_EMAIL_ADDRESS',
    );
    expect(sfError(() => store.create('Account', { Name: 'x'.repeat(256) }, api)).errorCode).toBe('STRING_TOO_LONG');
    expect(sfError(() => store.create('Account', { Name: 'A', NumberOfEmployees: 'many' }, api)).errorCode).toBe(
      'JSON_PARSER_ERROR',
    );
    expect(store.create('Account', { Name: 'A', NumberOfEmployees: '12', Industry: 'Retail' }, api)).toMatchObject({
      NumberOfEmployees: 12,
      Industry: 'Retail',
    });
  });

  it('checks lookups: wrong object, missing record, deleted record', () => {
    const { store } = org();
    const contact = String(store.create('Contact', { LastName: 'L' }, api)['Id']);
    expect(sfError(() => store.create('Contact', { LastName: 'M', AccountId: contact }, api)).errorCode).toBe(
      'MALFORMED_ID',
    );
    expect(sfError(() => store.create('Contact', { LastName: 'M', AccountId: '0015g0000009999' }, api)).errorCode).toBe(
      'INVALID_CROSS_REFERENCE_KEY',
    );
    const account = String(store.create('Account', { Name: 'Gone' }, api)['Id']);
    store.delete('Account', account, api);
    expect(sfError(() => store.create('Contact', { LastName: 'M', AccountId: account }, api)).errorCode).toBe(
      'ENTITY_IS_DELETED',
    );
  });

  it('stores date-times as UTC with +0000 and stamps audit fields from the sandbox clock', () => {
    const { store, clock } = org();
    clock.advance(1234);
    const row = store.create('Account', { Name: 'A' }, api);
    expect(row['SystemModstamp']).toBe('2026-01-05T09:00:01.234+0000');
    expect(row['CreatedById']).toBe(api.userId);
    expect(row['OwnerId']).toBe(api.userId);
  });
});

describe('object rules', () => {
  it('refuses a second contact with the same e-mail unless the caller allows the save', () => {
    const { store } = org();
    const first = store.create('Contact', { LastName: 'Lovelace', Email: 'ada@example.com' }, api);
    const dup = sfError(() => store.create('Contact', { LastName: 'L', Email: '  ADA@example.com ' }, api));
    expect(dup.errorCode).toBe('DUPLICATES_DETECTED');
    expect(dup.items[0]?.['duplicateResult']).toMatchObject({
      allowSave: true,
      matchResults: [{ matchRecords: [{ record: { Id: first['Id'] } }] }],
    });
    expect(
      store.create('Contact', { LastName: 'L', Email: 'ada@example.com' }, { ...api, allowDuplicates: true })['Id'],
    ).toBeTruthy();
  });

  it('needs a standard price before a custom one, and one entry per product and book', () => {
    const { store, book } = org();
    const product = String(store.create('Product2', { Name: 'Widget', ProductCode: 'W-1' }, api)['Id']);
    const custom = String(store.create('Pricebook2', { Name: 'Partners', IsActive: true }, api)['Id']);
    expect(
      sfError(() => store.create('PricebookEntry', { Pricebook2Id: custom, Product2Id: product, UnitPrice: 9 }, api))
        .errorCode,
    ).toBe('STANDARD_PRICE_NOT_DEFINED');
    store.create('PricebookEntry', { Pricebook2Id: book, Product2Id: product, UnitPrice: 10 }, api);
    expect(
      sfError(() => store.create('PricebookEntry', { Pricebook2Id: book, Product2Id: product, UnitPrice: 11 }, api))
        .errorCode,
    ).toBe('DUPLICATE_VALUE');
  });

  it('prices opportunity products from the standard book and rolls them up into the amount', () => {
    const { store, book } = org();
    const product = String(store.create('Product2', { Name: 'Widget', ProductCode: 'W-1' }, api)['Id']);
    const orphan = String(store.create('Product2', { Name: 'Unpriced' }, api)['Id']);
    store.create('PricebookEntry', { Pricebook2Id: book, Product2Id: product, UnitPrice: 10 }, api);
    const opp = String(
      store.create('Opportunity', { Name: 'Deal', StageName: 'Prospecting', CloseDate: '2026-02-01' }, api)['Id'],
    );
    expect(store.get('Opportunity', opp)).toMatchObject({
      Probability: 10,
      IsClosed: false,
      HasOpportunityLineItem: false,
    });
    expect(
      sfError(() =>
        store.create('OpportunityLineItem', { OpportunityId: opp, Product2Id: orphan, Quantity: 1, UnitPrice: 5 }, api),
      ).errorCode,
    ).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(
      sfError(() =>
        store.create(
          'OpportunityLineItem',
          { OpportunityId: opp, Product2Id: product, Quantity: 1, UnitPrice: 5, TotalPrice: 5 },
          api,
        ),
      ).errorCode,
    ).toBe('FIELD_INTEGRITY_EXCEPTION');
    const line = store.create(
      'OpportunityLineItem',
      { OpportunityId: opp, Product2Id: product, Quantity: 3, UnitPrice: 12.5 },
      api,
    );
    expect(line).toMatchObject({ ListPrice: 10, TotalPrice: 37.5, ProductCode: 'W-1', Name: 'Deal Widget' });
    expect(store.get('Opportunity', opp)).toMatchObject({ Amount: 37.5, HasOpportunityLineItem: true });
    store.update('Opportunity', opp, { StageName: 'Closed Won' }, api);
    expect(store.get('Opportunity', opp)).toMatchObject({ IsClosed: true, IsWon: true, Probability: 100 });
  });

  it('numbers orders', () => {
    const { store } = org();
    const account = String(store.create('Account', { Name: 'A' }, api)['Id']);
    const order = () =>
      store.create('Order', { AccountId: account, Status: 'Draft', EffectiveDate: '2026-01-05' }, api);
    expect(order()['OrderNumber']).toBe('00000100');
    expect(order()['OrderNumber']).toBe('00000101');
  });

  it('refuses a value another record holds in a unique field', () => {
    const { store } = org();
    store.addField(
      'Account',
      field('frontback_key__c', { type: 'string', length: 80, externalId: true, unique: true }),
    );
    store.create('Account', { Name: 'A', frontback_key__c: 'K-1' }, api);
    expect(sfError(() => store.create('Account', { Name: 'B', frontback_key__c: 'k-1' }, api)).errorCode).toBe(
      'DUPLICATE_VALUE',
    );
  });
});

describe('transactions, the recycle bin and merges', () => {
  it('rolls back every write of a failed transaction and announces nothing', () => {
    const { store, changes } = org();
    expect(() =>
      store.transaction(() => {
        store.create('Account', { Name: 'Kept?' }, api);
        store.create('Contact', { FirstName: 'no last name' }, api);
      }),
    ).toThrow(SalesforceApiError);
    expect([...store.rows('Account', true)]).toHaveLength(0);
    expect(changes).toHaveLength(0);
  });

  it('announces a committed transaction with one key and numbered changes', () => {
    const { store, changes } = org();
    store.transaction(() => {
      store.create('Account', { Name: 'One' }, api);
      store.create('Account', { Name: 'Two' }, api);
    });
    expect(changes.map((c) => [c.kind, c.sequenceNumber])).toEqual([
      ['created', 1],
      ['created', 2],
    ]);
    expect(changes[0]?.transactionKey).toBe(changes[1]?.transactionKey);
  });

  it('deletes an account with its contacts and opportunities into the bin, kept 15 days', () => {
    const { store, clock } = org();
    const account = String(store.create('Account', { Name: 'A' }, api)['Id']);
    const contact = String(store.create('Contact', { LastName: 'L', AccountId: account }, api)['Id']);
    store.delete('Account', account, api);
    expect(store.byId(contact, false)).toBeUndefined();
    expect(store.byId(contact, true)?.row['IsDeleted']).toBe(true);
    expect(sfError(() => store.get('Account', account)).errorCode).toBe('ENTITY_IS_DELETED');
    clock.advance(RECYCLE_BIN_MS + 1);
    expect([...store.rows('Account', true)]).toHaveLength(0);
    expect(store.purgedUpTo).toBe(T0);
  });

  it('merges: losers deleted with MasterRecordId, children re-parented, the master updated', () => {
    const { store, changes } = org();
    const master = String(store.create('Account', { Name: 'Acme' }, api)['Id']);
    const loser = String(store.create('Account', { Name: 'ACME Inc.' }, api)['Id']);
    const contact = String(store.create('Contact', { LastName: 'L', AccountId: loser }, api)['Id']);
    changes.length = 0;
    const result = mergeRecords(store, 'Account', master, [loser], { Phone: '+1 555 0100' }, api);
    expect(result).toEqual({ id: master, mergedRecordIds: [loser], updatedRelatedIds: [contact] });
    expect(store.byId(loser, true)?.row).toMatchObject({ IsDeleted: true, MasterRecordId: master });
    expect(store.get('Contact', contact)['AccountId']).toBe(master);
    expect(store.get('Account', master)['Phone']).toBe('+1 555 0100');
    expect(changes.find((c) => c.id === loser)).toMatchObject({ kind: 'deleted', masterRecordId: master });
    expect(changes.some((c) => c.id === master && c.kind === 'merged')).toBe(true);
    expect(sfError(() => mergeRecords(store, 'Opportunity', master, [loser], {}, api)).errorCode).toBe(
      'INVALID_TYPE_FOR_OPERATION',
    );
  });
});

describe('upsert by external id', () => {
  it('creates, then updates, and reports several matches', () => {
    const { store } = org();
    store.addField('Account', field('erp_id__c', { type: 'string', length: 40, externalId: true }));
    expect(upsertByExternalId(store, 'Account', 'erp_id__c', 'E-1', { Name: 'A' }, api).created).toBe(true);
    const again = upsertByExternalId(store, 'Account', 'ERP_ID__C', 'e-1', { Name: 'A2' }, api);
    expect(again.created).toBe(false);
    expect(again.row['Name']).toBe('A2');
    store.create('Account', { Name: 'Dup', erp_id__c: 'E-1' }, api);
    expect(() => upsertByExternalId(store, 'Account', 'erp_id__c', 'E-1', { Name: 'A3' }, api)).toThrow(
      MultipleMatchesError,
    );
    expect(sfError(() => upsertByExternalId(store, 'Account', 'Name', 'A', {}, api)).errorCode).toBe('NOT_FOUND');
  });
});
