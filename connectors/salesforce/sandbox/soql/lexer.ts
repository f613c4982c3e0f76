/**
 * The SOQL lexer: the query as a list of tokens, each with its offset in the query so
 * errors can point at it. Keywords are plain identifiers here (SOQL keywords are
 * case-insensitive and the parser decides what a word means); unquoted dates and
 * date-times are single tokens (SOQL and SOSL Reference, "Date Formats and Date Literals
 * in WHERE").
 */
import { locatedError } from './errors.ts';

/** What a token is. `punct` covers operators and punctuation, `eof` the end of the query. */
export type TokenKind = 'ident' | 'string' | 'number' | 'date' | 'datetime' | 'punct' | 'eof';

/** One token of the query. */
export interface Token {
  kind: TokenKind;
  /** The token as written (for `string`, the text between the quotes, escapes undecoded). */
  text: string;
  /** Offset of its first character in the query. */
  pos: number;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const DATETIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})/y;
const DATE = /\d{4}-\d{2}-\d{2}(?![\dT])/y;
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?![\w.])/y;
const TWO_CHAR = ['!=', '<>', '<=', '>='];
const ONE_CHAR = '(),.=<>:';

function matchAt(re: RegExp, query: string, pos: number): string | undefined {
  re.lastIndex = pos;
  return re.exec(query)?.[0];
}

/** The end offset (after the closing quote) of the string literal opening at `pos`; -1 when unterminated. */
function stringEnd(query: string, pos: number): number {
  for (let i = pos + 1; i < query.length; i++) {
    const c = query[i];
    if (c === '\\') i++;
    else if (c === "'") return i + 1;
  }
  return -1;
}

/** Splits a query into tokens, ending with one `eof` token. */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < query.length) {
    const c = query[pos] ?? '';
    if (/\s/.test(c)) {
      pos++;
      continue;
    }
    if (c === "'") {
      const end = stringEnd(query, pos);
      if (end < 0) {
        throw locatedError('MALFORMED_QUERY', query, pos, "unterminated string literal: missing closing quote (')");
      }
      tokens.push({ kind: 'string', text: query.slice(pos + 1, end - 1), pos });
      pos = end;
      continue;
    }
    const word = matchAt(IDENT, query, pos);
    if (word !== undefined) {
      tokens.push({ kind: 'ident', text: word, pos });
      pos += word.length;
      continue;
    }
    const dateTime = matchAt(DATETIME, query, pos);
    const date = dateTime ?? matchAt(DATE, query, pos);
    if (date !== undefined) {
      tokens.push({ kind: dateTime ? 'datetime' : 'date', text: date, pos });
      pos += date.length;
      continue;
    }
    const number = /^\d{4}-\d/.test(query.slice(pos, pos + 6)) ? undefined : matchAt(NUMBER, query, pos);
    if (number !== undefined) {
      tokens.push({ kind: 'number', text: number, pos });
      pos += number.length;
      continue;
    }
    const two = query.slice(pos, pos + 2);
    const punct = TWO_CHAR.includes(two) ? two : c;
    if (!TWO_CHAR.includes(two) && !ONE_CHAR.includes(c)) {
      // Anything else (`*`, `"`, `;`, a stray `-` ...) is not SOQL: let the parser refuse it where it stands.
      const bad = /\d/.test(c) ? (/[^\s(),]+/.exec(query.slice(pos))?.[0] ?? c) : c;
      tokens.push({ kind: 'punct', text: bad, pos });
      pos += bad.length;
      continue;
    }
    tokens.push({ kind: 'punct', text: punct, pos });
    pos += punct.length;
  }
  tokens.push({ kind: 'eof', text: '<EOF>', pos: query.length });
  return tokens;
}
