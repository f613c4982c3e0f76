/**
 * The SOQL engine's answers over the fixture org: which records a query returns and in
 * which order (filters, every literal kind, nulls, ORDER BY, LIMIT/OFFSET, COUNT(),
 * query vs queryAll).
 */
import { describe, expect, it } from 'vitest';
import { runSoql } from '../../../../../connectors/salesforce/sandbox/soql/index.ts';
import { fixtureSource, labels, withIds } from './soql-fixture.ts';

const source = fixtureSource();
const query = (q: string, includeDeleted = false) =>
  runSoql(withIds(q), source, { includeDeleted, apiVersion: '60.0' });

describe('SOQL filters', () => {
  it.each([
    ['SELECT Id FROM Account', ['A1', 'A2', 'A3', 'A4', 'A5']],
    ["select id from account where name = 'globex'", ['A3']],
    ["SELECT Id FROM Account WHERE Name = 'ACME CORP'", ['A1']],
    ["SELECT Id FROM Account WHERE Name LIKE 'acme%'", ['A1', 'A2']],
    ["SELECT Id FROM Account WHERE Name LIKE 'Glob_x'", ['A3']],
    ["SELECT Id FROM Account WHERE Name LIKE '%50\\% off\\_%'", ['A5']],
    ["SELECT Id FROM Account WHERE Name LIKE '%5_\\%%'", ['A5']],
    ["SELECT Id FROM Account WHERE Name = 'O\\'Reilly 50% Off_Sale'", ['A5']],
    ["SELECT Id FROM Account WHERE NOT Name LIKE 'acme%'", ['A3', 'A4', 'A5']],
    ['SELECT Id FROM Account WHERE Industry = null', ['A2']],
    ['SELECT Id FROM Account WHERE Industry != NULL', ['A1', 'A3', 'A4', 'A5']],
    ["SELECT Id FROM Account WHERE Industry != 'Technology'", ['A2', 'A3', 'A5']],
    ["SELECT Id FROM Account WHERE Industry <> 'technology'", ['A2', 'A3', 'A5']],
    ["SELECT Id FROM Account WHERE Industry IN ('technology', 'Energy')", ['A1', 'A3', 'A4']],
    ["SELECT Id FROM Account WHERE Industry NOT IN ('Technology')", ['A2', 'A3', 'A5']],
    ["SELECT Id FROM Account WHERE Name < 'b'", ['A1', 'A2']],
    ['SELECT Id FROM Account WHERE AnnualRevenue > 300000', ['A1', 'A3']],
    ['SELECT Id FROM Account WHERE AnnualRevenue < 300000', ['A4', 'A5']],
    ['SELECT Id FROM Account WHERE AnnualRevenue >= 250000.5', ['A1', 'A3', 'A4']],
    ['SELECT Id FROM Account WHERE AnnualRevenue > -1 AND AnnualRevenue <= 0', ['A5']],
    ['SELECT Id FROM Account WHERE NumberOfEmployees = 50', ['A1']],
    [
      "SELECT Id FROM Account WHERE (Industry = 'Technology' AND AnnualRevenue > 300000) OR Name = 'Globex'",
      ['A1', 'A3'],
    ],
    [
      "SELECT Id FROM Account WHERE Industry = 'Technology' AND (AnnualRevenue < 300000 OR AnnualRevenue = null)",
      ['A4'],
    ],
    ["SELECT Id FROM Account WHERE NOT (Industry = 'Technology' OR Industry = null)", ['A3', 'A5']],
    ['SELECT Id FROM Account WHERE IsDeleted = false', ['A1', 'A2', 'A3', 'A4', 'A5']],
    ['SELECT Id FROM Account WHERE IsDeleted = TRUE', []],
    ["SELECT Id FROM Account WHERE Id = '{A2:15}'", ['A2']],
    ["SELECT Id FROM Account WHERE ParentId = '{A1}'", ['A5']],
  ])('%s', (q, expected) => {
    expect(labels(query(q))).toEqual(expected);
  });
});

describe('SOQL dates, date-times and date literals (now: 2024-06-15T12:00Z)', () => {
  it.each([
    ['SELECT Id FROM Account WHERE CreatedDate = TODAY', ['A1']],
    ['SELECT Id FROM Account WHERE CreatedDate = yesterday', ['A2']],
    ['SELECT Id FROM Account WHERE CreatedDate < TODAY', ['A2', 'A3', 'A4', 'A5']],
    ['SELECT Id FROM Account WHERE CreatedDate >= TODAY', ['A1']],
    ['SELECT Id FROM Account WHERE CreatedDate > YESTERDAY', ['A1']],
    ['SELECT Id FROM Account WHERE CreatedDate <= YESTERDAY', ['A2', 'A3', 'A4', 'A5']],
    ['SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:5', ['A1', 'A2', 'A5']],
    ['SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:4', ['A1', 'A2']],
    ['SELECT Id FROM Account WHERE CreatedDate = THIS_MONTH', ['A1', 'A2', 'A3', 'A5']],
    ['SELECT Id FROM Account WHERE CreatedDate = LAST_MONTH', ['A4']],
    ['SELECT Id FROM Account WHERE CreatedDate = N_DAYS_AGO:5', ['A5']],
    ['SELECT Id FROM Account WHERE CreatedDate = THIS_WEEK', ['A1', 'A2', 'A5']],
    ['SELECT Id FROM Account WHERE CreatedDate > 2024-06-14T23:59:59Z', ['A1']],
    ['SELECT Id FROM Account WHERE CreatedDate >= 2024-06-14T23:59:59.000+0000', ['A1', 'A2']],
    ['SELECT Id FROM Account WHERE CreatedDate < 2024-06-15T01:00:00+02:00', ['A3', 'A4', 'A5']],
    ['SELECT Id FROM Account WHERE CreatedDate = 2024-06-09T17:00:00-07:00', ['A5']],
    ['SELECT Id FROM Opportunity WHERE CloseDate = 2024-06-15', ['O2']],
    ['SELECT Id FROM Opportunity WHERE CloseDate > TODAY', ['O1', 'O3']],
    ['SELECT Id FROM Opportunity WHERE CloseDate = TOMORROW', []],
    // A date at a range's very edge: TODAY is 2024-06-15, YESTERDAY ends where it starts.
    ['SELECT Id FROM Opportunity WHERE CloseDate <= YESTERDAY', ['O4']],
    ['SELECT Id FROM Opportunity WHERE CloseDate > YESTERDAY', ['O1', 'O2', 'O3']],
    ['SELECT Id FROM Opportunity WHERE CloseDate < TODAY', ['O4']],
    ['SELECT Id FROM Opportunity WHERE CloseDate >= TOMORROW', ['O1', 'O3']],
    ['SELECT Id FROM Opportunity WHERE CloseDate = NEXT_N_DAYS:5', ['O1']],
    ['SELECT Id FROM Opportunity WHERE CloseDate = NEXT_N_DAYS:4', []],
    ['SELECT Id FROM Opportunity WHERE CloseDate = THIS_MONTH', ['O1', 'O2']],
    ['SELECT Id FROM Opportunity WHERE CloseDate <= LAST_MONTH', ['O4']],
    ['SELECT Id FROM Opportunity WHERE CloseDate = NEXT_MONTH', ['O3']],
    ['SELECT Id FROM Opportunity WHERE CloseDate IN (2024-05-31, TODAY)', ['O2', 'O4']],
  ])('%s', (q, expected) => {
    expect(labels(query(q))).toEqual(expected);
  });
});

describe('SOQL relationship filters', () => {
  it.each([
    ["SELECT Id FROM Contact WHERE AccountId = '{A1:15}'", ['C1']],
    ["SELECT Id FROM Contact WHERE AccountId IN ('{A1}', '{A3:15}')", ['C1', 'C2']],
    ['SELECT Id FROM Contact WHERE AccountId = null', ['C3']],
    ["SELECT Id FROM Contact WHERE Account.Name LIKE 'acme%'", ['C1', 'C4']],
    ["SELECT Id FROM Contact WHERE account.industry = 'Energy'", ['C2']],
    ['SELECT Id FROM Contact WHERE Account.Name = null', ['C3', 'C5']],
    ["SELECT Id FROM Opportunity WHERE Account.Owner.Name = 'integration user'", ['O1']],
    ["SELECT c.Id FROM Contact c WHERE c.Account.Name = 'Globex'", ['C2']],
  ])('%s', (q, expected) => {
    expect(labels(query(q))).toEqual(expected);
  });
});

describe('SOQL ORDER BY, LIMIT and OFFSET', () => {
  it.each([
    ['SELECT Id FROM Account ORDER BY Name', ['A1', 'A2', 'A3', 'A4', 'A5']],
    ['SELECT Id FROM Account ORDER BY Name DESC', ['A5', 'A4', 'A3', 'A2', 'A1']],
    ['SELECT Id FROM Account ORDER BY Industry', ['A2', 'A3', 'A5', 'A1', 'A4']],
    ['SELECT Id FROM Account ORDER BY Industry ASC NULLS LAST', ['A3', 'A5', 'A1', 'A4', 'A2']],
    ['SELECT Id FROM Account ORDER BY Industry DESC', ['A1', 'A4', 'A5', 'A3', 'A2']],
    ['SELECT Id FROM Account ORDER BY Industry DESC NULLS FIRST', ['A2', 'A1', 'A4', 'A5', 'A3']],
    ['SELECT Id FROM Account ORDER BY Industry, AnnualRevenue DESC', ['A2', 'A3', 'A5', 'A1', 'A4']],
    ['SELECT Id FROM Account ORDER BY CreatedDate DESC', ['A1', 'A2', 'A5', 'A3', 'A4']],
    ['SELECT Id FROM Account ORDER BY AnnualRevenue LIMIT 2', ['A2', 'A5']],
    ['SELECT Id FROM Account ORDER BY Name LIMIT 2 OFFSET 1', ['A2', 'A3']],
    ['SELECT Id FROM Account ORDER BY Name OFFSET 4', ['A5']],
    ['SELECT Id FROM Account ORDER BY Name OFFSET 2000', []],
    ['SELECT Id FROM Account LIMIT 0', []],
    ['SELECT Id FROM Opportunity ORDER BY Account.Name NULLS LAST', ['O1', 'O2', 'O4', 'O3']],
    ['SELECT Id FROM Opportunity ORDER BY CloseDate DESC', ['O3', 'O1', 'O2', 'O4']],
    ['SELECT Id FROM Opportunity ORDER BY Amount DESC, Name DESC', ['O1', 'O2', 'O4', 'O3']],
    ["SELECT a.Name FROM Account a WHERE a.Industry = 'Technology' ORDER BY a.Name DESC", ['A4', 'A1']],
  ])('%s', (q, expected) => {
    expect(labels(query(q))).toEqual(expected);
  });
});

describe('SOQL COUNT() and queryAll', () => {
  it.each([
    ['SELECT COUNT() FROM Account', false, 5],
    ["SELECT COUNT() FROM Account WHERE Name LIKE 'acme%'", false, 2],
    ["SELECT COUNT() FROM Account WHERE Name LIKE 'acme%'", true, 3],
    ['SELECT count() FROM Account', true, 7],
    ['SELECT COUNT() FROM Account WHERE IsDeleted = true', true, 2],
    ['SELECT COUNT() FROM Account LIMIT 3', false, 3],
  ])('%s (queryAll %s) counts %i', (q, all, n) => {
    expect(query(q, all)).toEqual({ totalSize: n, records: [] });
  });

  it.each([
    ['SELECT Id FROM Account', ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7']],
    ['SELECT Id FROM Account WHERE IsDeleted = true', ['A6', 'A7']],
    ['SELECT Id FROM Account WHERE MasterRecordId != null', ['A7']],
    ["SELECT Id FROM Account WHERE MasterRecordId = '{A1}'", ['A7']],
    ["SELECT Id FROM Contact WHERE Account.Name = 'Zombie Inc'", ['C5']],
  ])('queryAll %s', (q, expected) => {
    expect(labels(query(q, true))).toEqual(expected);
  });

  it('a plain query does not see deleted parents', () => {
    expect(labels(query("SELECT Id FROM Contact WHERE Account.Name = 'Zombie Inc'"))).toEqual([]);
  });
});
