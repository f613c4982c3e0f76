/**
 * The Salesforce sandbox's SOQL engine: parses a query (hand-written lexer and recursive
 * descent parser), resolves it against the org's objects and runs it over a
 * {@link SoqlSource}. Pure: no HTTP, no store; the query routes page its result into
 * batches.
 */
import { type SoqlOptions, type SoqlResult, evaluate } from './evaluate.ts';
import { parseSoql } from './parser.ts';
import type { SoqlSource } from './source.ts';

export type { QueryRecord, RecordAttributes, SoqlOptions, SoqlResult } from './evaluate.ts';
export { MAX_OFFSET } from './evaluate.ts';
export { SoqlError, type SoqlPosition } from './errors.ts';
export type { SoqlSource } from './source.ts';
export type { SoqlQuery } from './ast.ts';
export { parseSoql } from './parser.ts';

/**
 * Runs a SOQL query as the REST Query (`includeDeleted` false) or QueryAll resource
 * would: every matching record after ORDER BY, OFFSET and LIMIT, rendered for JSON;
 * `SELECT COUNT()` gives `totalSize` and no records. Throws {@link SoqlError} with
 * Salesforce's errorCode and message.
 */
export function runSoql(query: string, source: SoqlSource, options: SoqlOptions): SoqlResult {
  return evaluate(query, parseSoql(query), source, options);
}
