/**
 * The SOQL engine refusing queries as Salesforce does: errorCode, the message's wording,
 * and for errors that echo the query, the caret and `ERROR at Row:r:Column:c`. Constructs
 * the sandbox does not implement are refused with MALFORMED_QUERY saying so.
 */
import { describe, expect, it } from 'vitest';
import { SalesforceApiError } from '../../../../../connectors/salesforce/sandbox/errors.ts';
import { SoqlError, runSoql } from '../../../../../connectors/salesforce/sandbox/soql/index.ts';
import { ID, fixtureSource, withIds } from './soql-fixture.ts';

const source = fixtureSource();

function failure(q: string): SoqlError {
  try {
    runSoql(withIds(q), source, { includeDeleted: false, apiVersion: '60.0' });
  } catch (err) {
    if (err instanceof SoqlError) return err;
    throw err;
  }
  throw new Error(`query succeeded: ${q}`);
}

describe('SOQL errors worded as Salesforce', () => {
  it('echoes the query, a caret and the position for an unexpected token', () => {
    const err = failure('SELECT Id FRM Account');
    expect(err.errorCode).toBe('MALFORMED_QUERY');
    expect(err.message).toBe("\nSELECT Id FRM Account\n          ^\nERROR at Row:1:Column:11\nunexpected token: 'FRM'");
    expect(err.position).toEqual({ row: 1, column: 11 });
    expect(err).toBeInstanceOf(SalesforceApiError);
    expect(err.status).toBe(400);
    expect(err.items).toEqual([{ errorCode: 'MALFORMED_QUERY', message: err.message }]);
  });

  it('names an unknown field and the entity', () => {
    const err = failure('SELECT Id, Foo FROM Account');
    expect(err.errorCode).toBe('INVALID_FIELD');
    expect(err.message).toBe(
      "\nSELECT Id, Foo FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'Account'. " +
        "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. " +
        'Please reference your WSDL or the describe call for the appropriate names.',
    );
  });

  it('points at the right row and column of a multi-line query', () => {
    const err = failure("SELECT Id\nFROM Account\nWHERE Nme = 'x'");
    expect(err.message).toBe(
      "\nWHERE Nme = 'x'\n      ^\nERROR at Row:3:Column:7\nNo such column 'Nme' on entity 'Account'. " +
        "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. " +
        'Please reference your WSDL or the describe call for the appropriate names.',
    );
  });

  it.each([
    // [query, errorCode, message text after the position line, row:column or undefined for un-echoed messages]
    [
      'SELECT Id FROM Foo',
      'INVALID_TYPE',
      "sObject type 'Foo' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
      '1:16',
    ],
    [
      "SELECT Id FROM Account WHERE Name = 'a' AND Industry = 'b' OR Phone = null",
      'MALFORMED_QUERY',
      "unexpected token: 'OR'",
      '1:60',
    ],
    [
      "SELECT Id FROM Account WHERE Name = 'a' OR Name = 'b' AND Phone = null",
      'MALFORMED_QUERY',
      "unexpected token: 'AND'",
      '1:55',
    ],
    [
      "SELECT Id FROM Account WHERE CreatedDate > '2024-01-01T00:00:00Z'",
      'INVALID_FIELD',
      "value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes",
      '1:30',
    ],
    [
      'SELECT Id FROM Account WHERE CreatedDate > 2024-01-01',
      'INVALID_FIELD',
      "value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes",
      '1:30',
    ],
    [
      'SELECT Id FROM Opportunity WHERE CloseDate = 2024-01-01T00:00:00Z',
      'INVALID_FIELD',
      "value of filter criterion for field 'CloseDate' must be of type date and should not be enclosed in quotes",
      '1:34',
    ],
    [
      'SELECT Id FROM Account WHERE Name = Acme',
      'INVALID_FIELD',
      "value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes",
      '1:30',
    ],
    [
      'SELECT Id FROM Account WHERE Name IN (5)',
      'INVALID_FIELD',
      "value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes",
      '1:30',
    ],
    [
      "SELECT Id FROM Account WHERE AnnualRevenue = '5'",
      'INVALID_FIELD',
      "value of filter criterion for field 'AnnualRevenue' must be of type double and should not be enclosed in quotes",
      '1:30',
    ],
    [
      "SELECT Id FROM Account WHERE NumberOfEmployees > '5'",
      'INVALID_FIELD',
      "value of filter criterion for field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes",
      '1:30',
    ],
    [
      "SELECT Id FROM Account WHERE IsDeleted = 'true'",
      'INVALID_FIELD',
      "value of filter criterion for field 'IsDeleted' must be of type boolean and should not be enclosed in quotes",
      '1:30',
    ],
    [
      'SELECT Id FROM Account WHERE IsDeleted > true',
      'INVALID_QUERY_FILTER_OPERATOR',
      'invalid operator on boolean field',
      '1:40',
    ],
    [
      "SELECT Id FROM Account WHERE AnnualRevenue LIKE '5%'",
      'INVALID_QUERY_FILTER_OPERATOR',
      'invalid operator on currency field',
      '1:44',
    ],
    [
      "SELECT Id FROM Account WHERE Id LIKE '001%'",
      'INVALID_QUERY_FILTER_OPERATOR',
      'invalid operator on id field',
      '1:33',
    ],
    ["SELECT Id FROM Account WHERE Id = 'abc'", 'INVALID_QUERY_FILTER_OPERATOR', 'invalid ID field: abc', '1:35'],
    [
      "SELECT Id FROM Contact WHERE AccountId IN ('{A1}', '001000000000000AAZ')",
      'INVALID_QUERY_FILTER_OPERATOR',
      'invalid ID field: 001000000000000AAZ',
      '1:66',
    ],
    [
      "SELECT Id FROM Account WHERE Description = 'x'",
      'INVALID_FIELD',
      "field 'Description' can not be filtered in a query call",
      '1:30',
    ],
    [
      'SELECT Id FROM Account ORDER BY Description',
      'INVALID_FIELD',
      "field 'Description' can not be sorted in a query call",
      '1:33',
    ],
    [
      'SELECT Acount.Name FROM Contact',
      'INVALID_FIELD',
      "Didn't understand relationship 'Acount' in field path.",
      '1:8',
    ],
    ['SELECT Account.Foo FROM Contact', 'INVALID_FIELD', "No such column 'Foo' on entity 'Account'.", '1:8'],
    [
      'SELECT Id FROM Account ORDER BY Revenue',
      'INVALID_FIELD',
      "No such column 'Revenue' on entity 'Account'.",
      '1:33',
    ],
    ['SELECT Id FROM Account WHERE', 'MALFORMED_QUERY', "unexpected token: '<EOF>'", '1:29'],
    ['SELECT Id FROM Account LIMIT 5 ORDER BY Name', 'MALFORMED_QUERY', "unexpected token: 'ORDER'", '1:32'],
    ['SELECT Id FROM Account OFFSET 5 LIMIT 1', 'MALFORMED_QUERY', "unexpected token: 'LIMIT'", '1:33'],
    ['SELECT * FROM Account', 'MALFORMED_QUERY', "unexpected token: '*'", '1:8'],
    ['SELECT Id FROM Account WHERE Name = "x"', 'MALFORMED_QUERY', `unexpected token: '"'`, '1:37'],
    [
      'SELECT Id FROM Account WHERE Id = {A2:15}',
      'MALFORMED_QUERY',
      `unexpected token: '${ID.A2!.slice(0, 15)}'`,
      '1:35',
    ],
    ['SELECT Id FROM Account LIMIT 1.5', 'MALFORMED_QUERY', "unexpected token: '1.5'", '1:30'],
    ["SELECT Id FROM Account WHERE Name = 'open", 'MALFORMED_QUERY', 'unterminated string literal', '1:37'],
    [
      "SELECT Id FROM Account WHERE Name = 'a\\qb'",
      'MALFORMED_QUERY',
      "Invalid string literal 'a\\qb'. Illegal character sequence '\\q' in string literal.",
      '1:37',
    ],
    [
      "SELECT Id FROM Account WHERE Name = 'a\\%'",
      'MALFORMED_QUERY',
      "Invalid string literal 'a\\%'. Illegal character sequence '\\%' in string literal.",
      '1:37',
    ],
    [
      'SELECT Id FROM Account WHERE Name = :name',
      'MALFORMED_QUERY',
      'Bind variables only allowed in Apex code',
      '1:37',
    ],
    ['SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS', 'MALFORMED_QUERY', "unexpected token: '<EOF>'", '1:55'],
    ['SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS:x', 'MALFORMED_QUERY', "unexpected token: 'x'", '1:56'],
    ['SELECT Id FROM Account WHERE CreatedDate = SOMEDAY', 'MALFORMED_QUERY', "unexpected token: 'SOMEDAY'", '1:44'],
    [
      'SELECT Id FROM Opportunity WHERE CloseDate = 2024-02-30',
      'MALFORMED_QUERY',
      "unexpected token: '2024-02-30'",
      '1:46',
    ],
    [
      'SELECT Id FROM Account WHERE CreatedDate > 2024-01-01T00:00:00',
      'MALFORMED_QUERY',
      "unexpected token: '2024-01-01T00:00:00'",
      '1:44',
    ],
    [
      'SELECT Id, Name, COUNT() FROM Account',
      'MALFORMED_QUERY',
      'COUNT() must be the only element in the SELECT list.',
      '1:18',
    ],
    ['SELECT Id, Id FROM Account', 'INVALID_FIELD', 'duplicate field selected: Id', undefined],
    [
      'SELECT Account.Name, account.name FROM Contact',
      'INVALID_FIELD',
      'duplicate field selected: Account.Name',
      undefined,
    ],
    [
      'SELECT Id FROM Account ORDER BY Name OFFSET 2001',
      'NUMBER_OUTSIDE_VALID_RANGE',
      'Maximum SOQL offset allowed is 2000',
      undefined,
    ],
  ])('%s -> %s', (q, code, text, at) => {
    const err = failure(q);
    expect(err.errorCode).toBe(code);
    if (at === undefined) {
      expect(err.message).toBe(text);
      expect(err.position).toBeUndefined();
      return;
    }
    const [row, column] = at.split(':').map(Number);
    expect(err.message).toContain(`\nERROR at Row:${row}:Column:${column}\n${text}`);
    expect(err.position).toEqual({ row, column });
    const caretLine = err.message.split('\n')[2]!;
    expect(caretLine).toBe(`${' '.repeat(column! - 1)}^`);
  });
});

describe('constructs the sandbox refuses', () => {
  it.each([
    ['SELECT Id, (SELECT Id FROM Contacts) FROM Account', 'subqueries', '1:12'],
    ['SELECT TYPEOF Owner WHEN User THEN Name END FROM Account', 'TYPEOF', '1:8'],
    ['SELECT COUNT(Id) FROM Account', 'aggregate functions other than COUNT()', '1:8'],
    ['SELECT MAX(AnnualRevenue) FROM Account', 'aggregate functions other than COUNT()', '1:8'],
    ['SELECT FIELDS(ALL) FROM Account LIMIT 200', 'FIELDS()', '1:8'],
    ['SELECT toLabel(Industry) FROM Account', 'functions such as toLabel()', '1:8'],
    ['SELECT Industry FROM Account GROUP BY Industry', 'GROUP BY', '1:30'],
    ['SELECT Id FROM Account WITH SECURITY_ENFORCED', 'WITH clauses', '1:24'],
    ['SELECT Id FROM Account FOR UPDATE', 'FOR VIEW, FOR REFERENCE or FOR UPDATE', '1:24'],
    ['SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact)', 'semi-join', '1:37'],
    [
      'SELECT Id FROM Account WHERE CALENDAR_YEAR(CreatedDate) = 2024',
      'functions such as CALENDAR_YEAR() in WHERE',
      '1:30',
    ],
    ["SELECT Id FROM Account WHERE Industry INCLUDES ('Energy')", 'INCLUDES and EXCLUDES', '1:39'],
    ['SELECT Id FROM Account WHERE CreatedDate = THIS_FISCAL_YEAR', 'fiscal date literals', '1:44'],
    ['FIND {acme} IN ALL FIELDS RETURNING Account', 'SOSL (FIND)', '1:1'],
  ])('%s', (q, what, at) => {
    const err = failure(q);
    const [row, column] = at.split(':').map(Number);
    expect(err.errorCode).toBe('MALFORMED_QUERY');
    expect(err.message).toContain(
      `\nERROR at Row:${row}:Column:${column}\nThe Salesforce sandbox does not support ${what}`,
    );
  });
});
