/**
 * A small in-memory org for the SOQL engine's tests: the standard objects of
 * `standardSObjects()` and handmade messy rows (mixed-case names, nulls, a deleted and a
 * merged-away Account, contacts with and without accounts, date-times across days). The
 * clock stands at Saturday 2024-06-15 12:00 UTC.
 */
import { IdFactory } from '../../../../../connectors/salesforce/sandbox/ids.ts';
import type { SObjectRow } from '../../../../../connectors/salesforce/sandbox/records.ts';
import { standardSObjects } from '../../../../../connectors/salesforce/sandbox/schema.ts';
import type { SoqlResult, SoqlSource } from '../../../../../connectors/salesforce/sandbox/soql/index.ts';

/** The fixture's clock. */
export const NOW = Date.parse('2024-06-15T12:00:00Z');

const ids = new IdFactory('5g');
const U1 = ids.next('005');
const A1 = ids.next('001');
const A2 = ids.next('001');
const A3 = ids.next('001');
const A4 = ids.next('001');
const A5 = ids.next('001');
const A6 = ids.next('001');
const A7 = ids.next('001');
const C1 = ids.next('003');
const C2 = ids.next('003');
const C3 = ids.next('003');
const C4 = ids.next('003');
const C5 = ids.next('003');
const O1 = ids.next('006');
const O2 = ids.next('006');
const O3 = ids.next('006');
const O4 = ids.next('006');

/** Record ids by label (`A1` ... `O4`, `U1`). */
export const ID: Record<string, string> = {
  U1,
  A1,
  A2,
  A3,
  A4,
  A5,
  A6,
  A7,
  C1,
  C2,
  C3,
  C4,
  C5,
  O1,
  O2,
  O3,
  O4,
};

const at = (iso: string): string => iso.replace('Z', '+0000');

function row(id: string, fields: SObjectRow): SObjectRow {
  return { Id: id, IsDeleted: false, ...fields };
}

/** Rows by type, in store (creation) order. */
export const ROWS: Record<string, SObjectRow[]> = {
  User: [row(U1, { Name: 'Integration User', Username: 'int@example.com', LastName: 'User', IsActive: true })],
  Account: [
    row(A1, {
      Name: 'Acme Corp',
      Industry: 'Technology',
      AnnualRevenue: 1_000_000,
      NumberOfEmployees: 50,
      BillingCity: 'Paris',
      OwnerId: U1,
      CreatedDate: at('2024-06-15T08:00:00.000Z'),
    }),
    row(A2, { Name: 'acme labs', Industry: null, AnnualRevenue: null, CreatedDate: at('2024-06-14T23:59:59.000Z') }),
    row(A3, {
      Name: 'Globex',
      Industry: 'Energy',
      AnnualRevenue: 5_000_000,
      Description: 'A long text area',
      CreatedDate: at('2024-06-01T00:00:00.000Z'),
    }),
    row(A4, {
      Name: 'initech',
      Industry: 'Technology',
      AnnualRevenue: 250_000.5,
      CreatedDate: at('2024-05-20T10:00:00.000Z'),
    }),
    row(A5, {
      Name: "O'Reilly 50% Off_Sale",
      Industry: 'Media',
      AnnualRevenue: 0,
      ParentId: A1,
      CreatedDate: at('2024-06-10T00:00:00.000Z'),
    }),
    row(A6, { Name: 'Zombie Inc', IsDeleted: true, CreatedDate: at('2024-06-02T00:00:00.000Z') }),
    row(A7, {
      Name: 'Acme Corporation',
      IsDeleted: true,
      MasterRecordId: A1,
      CreatedDate: at('2024-06-03T00:00:00.000Z'),
    }),
  ],
  Contact: [
    row(C1, { LastName: 'Smith', FirstName: 'Ann', AccountId: A1, Email: 'ann@acme.com' }),
    row(C2, { LastName: 'jones', FirstName: null, AccountId: A3 }),
    row(C3, { LastName: 'Brown', AccountId: null }),
    row(C4, { LastName: 'Zed', AccountId: A2 }),
    row(C5, { LastName: 'Ghost', AccountId: A6 }),
  ],
  Opportunity: [
    row(O1, { Name: 'Big deal', AccountId: A1, CloseDate: '2024-06-20', Amount: 50_000, StageName: 'Prospecting' }),
    row(O2, { Name: 'Small deal', AccountId: A3, CloseDate: '2024-06-15', Amount: 1000, StageName: 'Closed Won' }),
    row(O3, { Name: 'No account', AccountId: null, CloseDate: '2024-07-01', Amount: null, StageName: 'Qualification' }),
    row(O4, { Name: 'Old deal', AccountId: A4, CloseDate: '2024-05-31', Amount: 1000, StageName: 'Closed Lost' }),
  ],
};

/** A {@link SoqlSource} over {@link ROWS}. */
export function fixtureSource(): SoqlSource {
  const types = standardSObjects();
  return {
    type: (name) => types.find((t) => t.name.toLowerCase() === name.toLowerCase()),
    rows: (typeName, includeDeleted) => (ROWS[typeName] ?? []).filter((r) => includeDeleted || r.IsDeleted !== true),
    byId: (id, includeDeleted) => {
      for (const [type, rows] of Object.entries(ROWS)) {
        const found = rows.find((r) => r.Id === id && (includeDeleted || r.IsDeleted !== true));
        if (found) return { type, row: found };
      }
      return undefined;
    },
    now: () => NOW,
  };
}

const LABEL_BY_ID = new Map(Object.entries(ID).map(([label, id]) => [id, label]));

/** The labels (`A1` ...) of a result's records, in order. */
export function labels(result: SoqlResult): string[] {
  return result.records.map((r) => LABEL_BY_ID.get(r.attributes.url.split('/').at(-1)!) ?? '?');
}

/** Replaces `{A1}`-style placeholders in a query with 18-char ids and `{A1:15}` with 15-char ones. */
export function withIds(query: string): string {
  return query.replace(/\{(\w+)(:15)?\}/g, (_, label: string, short?: string) => {
    const id = ID[label]!;
    return short ? id.slice(0, 15) : id;
  });
}
