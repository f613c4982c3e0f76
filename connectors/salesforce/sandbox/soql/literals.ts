/**
 * SOQL literal values: quoted strings and their escapes, LIKE patterns, unquoted dates and
 * date-times, and relative date literals (SOQL and SOSL Reference, "Quoted String Escape
 * Sequences", "Comparison Operators" (LIKE) and "Date Formats and Date Literals in WHERE").
 *
 * Date literals are ranges of whole days in UTC (the sandbox's org and user time zone), a
 * week starts on Sunday (the en_US locale). LAST_N_DAYS:n covers today and the n days
 * before it, as real orgs answer (the Reference says "starts 00:00:00 of the current day
 * and continues for the past n days"; orgs include today); NEXT_N_DAYS:n starts tomorrow.
 */
import { locatedError } from './errors.ts';
import { parseSfDatetime } from '../records.ts';

const DAY = 86_400_000;

/** A half-open range of epoch ms `[start, end)`. */
export interface MsRange {
  start: number;
  end: number;
}

type RangeFn = (today: number, n: number) => MsRange;

function monthStart(today: number, monthsAhead: number): number {
  const d = new Date(today);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + monthsAhead, 1);
}

function quarterStart(today: number, quartersAhead: number): number {
  const d = new Date(today);
  return Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3 + quartersAhead * 3, 1);
}

function yearStart(today: number, yearsAhead: number): number {
  return Date.UTC(new Date(today).getUTCFullYear() + yearsAhead, 0, 1);
}

function weekStart(today: number): number {
  return today - new Date(today).getUTCDay() * DAY;
}

const days =
  (from: number, to: number): RangeFn =>
  (t) => ({ start: t + from * DAY, end: t + to * DAY });

const FIXED: Record<string, RangeFn> = {
  YESTERDAY: days(-1, 0),
  TODAY: days(0, 1),
  TOMORROW: days(1, 2),
  LAST_WEEK: (t) => ({ start: weekStart(t) - 7 * DAY, end: weekStart(t) }),
  THIS_WEEK: (t) => ({ start: weekStart(t), end: weekStart(t) + 7 * DAY }),
  NEXT_WEEK: (t) => ({ start: weekStart(t) + 7 * DAY, end: weekStart(t) + 14 * DAY }),
  LAST_MONTH: (t) => ({ start: monthStart(t, -1), end: monthStart(t, 0) }),
  THIS_MONTH: (t) => ({ start: monthStart(t, 0), end: monthStart(t, 1) }),
  NEXT_MONTH: (t) => ({ start: monthStart(t, 1), end: monthStart(t, 2) }),
  LAST_90_DAYS: days(-90, 1),
  NEXT_90_DAYS: days(1, 91),
  LAST_QUARTER: (t) => ({ start: quarterStart(t, -1), end: quarterStart(t, 0) }),
  THIS_QUARTER: (t) => ({ start: quarterStart(t, 0), end: quarterStart(t, 1) }),
  NEXT_QUARTER: (t) => ({ start: quarterStart(t, 1), end: quarterStart(t, 2) }),
  LAST_YEAR: (t) => ({ start: yearStart(t, -1), end: yearStart(t, 0) }),
  THIS_YEAR: (t) => ({ start: yearStart(t, 0), end: yearStart(t, 1) }),
  NEXT_YEAR: (t) => ({ start: yearStart(t, 1), end: yearStart(t, 2) }),
};

const WITH_N: Record<string, RangeFn> = {
  LAST_N_DAYS: (t, n) => ({ start: t - n * DAY, end: t + DAY }),
  NEXT_N_DAYS: (t, n) => ({ start: t + DAY, end: t + (n + 1) * DAY }),
  N_DAYS_AGO: (t, n) => ({ start: t - n * DAY, end: t - (n - 1) * DAY }),
  LAST_N_WEEKS: (t, n) => ({ start: weekStart(t) - 7 * n * DAY, end: weekStart(t) }),
  NEXT_N_WEEKS: (t, n) => ({ start: weekStart(t) + 7 * DAY, end: weekStart(t) + 7 * (n + 1) * DAY }),
  LAST_N_MONTHS: (t, n) => ({ start: monthStart(t, -n), end: monthStart(t, 0) }),
  NEXT_N_MONTHS: (t, n) => ({ start: monthStart(t, 1), end: monthStart(t, n + 1) }),
  LAST_N_YEARS: (t, n) => ({ start: yearStart(t, -n), end: yearStart(t, 0) }),
  NEXT_N_YEARS: (t, n) => ({ start: yearStart(t, 1), end: yearStart(t, n + 1) }),
};

/** The word (upper case) is a date literal the sandbox knows. */
export function isDateLiteral(word: string): boolean {
  return word in FIXED || word in WITH_N;
}

/** The date literal takes `:n` (LAST_N_DAYS:n ...). */
export function dateLiteralTakesN(word: string): boolean {
  return word in WITH_N;
}

/** The range a date literal stands for at `now` (epoch ms), in whole UTC days. */
export function dateLiteralRange(name: string, n: number | undefined, now: number): MsRange {
  const today = Math.floor(now / DAY) * DAY;
  const fn = FIXED[name] ?? WITH_N[name];
  if (!fn) throw new Error(`unknown date literal ${name}`);
  return fn(today, n ?? 0);
}

/** Epoch ms of a `YYYY-MM-DD` date at 00:00 UTC; NaN when it is no calendar date. */
export function dateMs(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return Number.NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ms : Number.NaN;
}

/** Epoch ms of a stored or literal date-time (`...+0000`, `Z`, `+hh:mm`). */
export function dateTimeMs(text: string): number {
  return parseSfDatetime(text);
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  N: '\n',
  r: '\r',
  R: '\r',
  t: '\t',
  T: '\t',
  b: '\b',
  B: '\b',
  f: '\f',
  F: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
};

function badEscape(query: string, pos: number, raw: string, c: string): Error {
  return locatedError(
    'MALFORMED_QUERY',
    query,
    pos,
    `Invalid string literal '${raw}'. Illegal character sequence '\\${c}' in string literal.`,
  );
}

/** The text of a quoted string literal (`raw` is between the quotes); `\%` and `\_` only in LIKE. */
export function decodeString(raw: string, query: string, pos: number): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = raw[++i] ?? '';
    const decoded = ESCAPES[e];
    if (decoded === undefined) throw badEscape(query, pos, raw, e);
    out += decoded;
  }
  return out;
}

/**
 * A LIKE pattern as a regular expression: `%` any run, `_` one character, `\%` and `\_`
 * themselves, other escapes as in {@link decodeString}; case-insensitive, whole value.
 */
export function likePattern(raw: string, query: string, pos: number): RegExp {
  let body = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '%') body += '.*';
    else if (c === '_') body += '.';
    else if (c === '\\') {
      const e = raw[++i] ?? '';
      const decoded = e === '%' || e === '_' ? e : ESCAPES[e];
      if (decoded === undefined) throw badEscape(query, pos, raw, e);
      body += escapeRegExp(decoded);
    } else body += escapeRegExp(c);
  }
  return new RegExp(`^${body}$`, 'isu');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
