/**
 * How the SOQL engine renders records for the Query resource's JSON: attributes first,
 * fields in SELECT order and canonical casing, relationship paths as nested records (one
 * per relationship, null when the lookup is empty), two levels deep.
 */
import { describe, expect, it } from 'vitest';
import { parseSoql, runSoql } from '../../../../../connectors/salesforce/sandbox/soql/index.ts';
import { ID, fixtureSource, withIds } from './soql-fixture.ts';

const source = fixtureSource();
const query = (q: string, includeDeleted = false) =>
  runSoql(withIds(q), source, { includeDeleted, apiVersion: '60.0' });
const url = (type: string, label: string, version = '60.0') =>
  `/services/data/v${version}/sobjects/${type}/${ID[label]}`;

describe('SOQL record rendering', () => {
  it('renders attributes, then the selected fields in SELECT order with canonical names', () => {
    const result = query("select NAME, id, industry, annualrevenue FROM account WHERE Id = '{A2}'");
    expect(result.totalSize).toBe(1);
    const record = result.records[0]!;
    expect(Object.keys(record)).toEqual(['attributes', 'Name', 'Id', 'Industry', 'AnnualRevenue']);
    expect(record).toEqual({
      attributes: { type: 'Account', url: url('Account', 'A2') },
      Name: 'acme labs',
      Id: ID.A2,
      Industry: null,
      AnnualRevenue: null,
    });
  });

  it('uses the request API version in urls', () => {
    const result = runSoql('SELECT Id FROM User', source, { includeDeleted: false, apiVersion: '62.0' });
    expect(result.records[0]!.attributes.url).toBe(url('User', 'U1', '62.0'));
  });

  it('nests relationship fields, sharing one object per relationship, null when the lookup is empty', () => {
    const result = query('SELECT Id, Account.Name, LastName, account.industry FROM Contact ORDER BY LastName');
    expect(result.records.map((r) => r.LastName)).toEqual(['Brown', 'Ghost', 'jones', 'Smith', 'Zed']);
    const [brown, ghost, , smith] = result.records;
    expect(Object.keys(smith!)).toEqual(['attributes', 'Id', 'Account', 'LastName']);
    expect(smith).toEqual({
      attributes: { type: 'Contact', url: url('Contact', 'C1') },
      Id: ID.C1,
      Account: {
        attributes: { type: 'Account', url: url('Account', 'A1') },
        Name: 'Acme Corp',
        Industry: 'Technology',
      },
      LastName: 'Smith',
    });
    expect(brown!.Account).toBeNull();
    expect(ghost!.Account).toBeNull();
  });

  it('queryAll renders a deleted parent', () => {
    const result = query("SELECT Account.Name FROM Contact WHERE LastName = 'Ghost'", true);
    expect(result.records[0]).toEqual({
      attributes: { type: 'Contact', url: url('Contact', 'C5') },
      Account: { attributes: { type: 'Account', url: url('Account', 'A6') }, Name: 'Zombie Inc' },
    });
  });

  it('follows two levels (Opportunity.Account.Owner.Name)', () => {
    const result = query('SELECT Name, Account.Owner.Name, Account.Name FROM Opportunity ORDER BY Name');
    expect(result.records[0]).toEqual({
      attributes: { type: 'Opportunity', url: url('Opportunity', 'O1') },
      Name: 'Big deal',
      Account: {
        attributes: { type: 'Account', url: url('Account', 'A1') },
        Owner: { attributes: { type: 'User', url: url('User', 'U1') }, Name: 'Integration User' },
        Name: 'Acme Corp',
      },
    });
    // Globex has no owner: the inner lookup is null, the outer record is still there.
    expect(result.records[3]).toMatchObject({ Name: 'Small deal', Account: { Owner: null, Name: 'Globex' } });
    expect(result.records[1]).toMatchObject({ Name: 'No account', Account: null });
  });

  it('keeps values as stored: dates, date-times, numbers, booleans', () => {
    const result = query("SELECT CloseDate, Amount, IsDeleted, CreatedDate FROM Opportunity WHERE Name = 'Old deal'");
    expect(result.records[0]).toMatchObject({
      CloseDate: '2024-05-31',
      Amount: 1000,
      IsDeleted: false,
      CreatedDate: null,
    });
  });
});

describe('parseSoql', () => {
  it('keeps positions and the query casing in the tree', () => {
    const q = "SELECT a.Name FROM Account a WHERE a.Name != 'x' ORDER BY Name DESC NULLS FIRST LIMIT 5 OFFSET 1";
    const ast = parseSoql(q);
    expect(ast.from).toEqual({ name: 'Account', pos: 19, alias: 'a' });
    expect(ast.select).toEqual([{ kind: 'field', path: { parts: ['a', 'Name'], pos: 7, partPos: [7, 9] } }]);
    expect(ast.where).toMatchObject({ kind: 'compare', op: '!=', value: { kind: 'string', raw: 'x' } });
    expect(ast.orderBy).toMatchObject([{ descending: true, nullsFirst: true }]);
    expect(ast.limit).toEqual({ value: 5, pos: q.indexOf('5') });
    expect(ast.offset?.value).toBe(1);
  });
});
