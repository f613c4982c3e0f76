/**
 * The words and operator spellings the SOQL parser treats specially: the grammar's
 * keywords, Salesforce's aggregate functions and the comparison operators (SOQL and SOSL
 * Reference, "SOQL SELECT Syntax", "Aggregate Functions", "Comparison Operators").
 */
import type { CompareOp } from './ast.ts';

/** Words that end a FROM clause (so they are not taken for an alias) or cannot name a field. */
export const RESERVED = new Set(
  'ALL AND ASC BY DESC EXCLUDES FIRST FOR FROM GROUP HAVING IN INCLUDES LAST LIKE LIMIT NOT NULL NULLS OFFSET OR ORDER SELECT TYPEOF USING WHERE WITH'.split(
    ' ',
  ),
);

/** Aggregate functions Salesforce knows besides COUNT (refused by the sandbox). */
export const AGGREGATES = new Set(['AVG', 'COUNT_DISTINCT', 'MAX', 'MIN', 'SUM']);
/** Comparison operators written as punctuation; `<>` is `!=`. */
export const COMPARE_PUNCT: Record<string, CompareOp> = {
  '=': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};
