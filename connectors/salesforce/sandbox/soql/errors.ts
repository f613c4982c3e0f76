/**
 * SOQL errors as Salesforce words them. A query Salesforce cannot parse or compile answers
 * 400 with one error whose message echoes the query line, a caret under the offending
 * token and its position (`\nSELECT Id FRM Account\n          ^\nERROR at Row:1:Column:11\n
 * unexpected token: 'FRM'`); codes are MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE,
 * INVALID_QUERY_FILTER_OPERATOR and NUMBER_OUTSIDE_VALID_RANGE (SOQL and SOSL Reference;
 * REST API Developer Guide, "Status Codes and Error Responses").
 */
import { SalesforceApiError } from '../errors.ts';

/** Where in the query an error points: 1-based row and column, as in the message. */
export interface SoqlPosition {
  row: number;
  column: number;
}

/** A query Salesforce would refuse; a {@link SalesforceApiError} with HTTP status 400. */
export class SoqlError extends SalesforceApiError {
  override name = 'SoqlError';

  constructor(
    errorCode: string,
    message: string,
    /** The offending token's position, for errors whose message echoes the query. */
    readonly position?: SoqlPosition,
  ) {
    super(400, errorCode, message);
  }
}

/** Row and column (1-based) of a character offset in the query. */
export function positionOf(query: string, offset: number): SoqlPosition {
  const before = query.slice(0, offset);
  const lines = before.split('\n');
  return { row: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/**
 * An error whose message echoes the query line holding `offset`, a caret under it and
 * `ERROR at Row:r:Column:c`, then `text`.
 */
export function locatedError(errorCode: string, query: string, offset: number, text: string): SoqlError {
  const position = positionOf(query, offset);
  const line = query.split('\n')[position.row - 1] ?? '';
  const caret = `${' '.repeat(position.column - 1)}^`;
  const message = `\n${line}\n${caret}\nERROR at Row:${position.row}:Column:${position.column}\n${text}`;
  return new SoqlError(errorCode, message, position);
}

/** MALFORMED_QUERY pointing at a construct the sandbox knowingly does not implement. */
export function unsupported(query: string, offset: number, what: string): SoqlError {
  return locatedError(
    'MALFORMED_QUERY',
    query,
    offset,
    `The Salesforce sandbox does not support ${what} in SOQL queries.`,
  );
}
