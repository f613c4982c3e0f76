/**
 * Parsing and formatting of instants (epoch milliseconds) and calendar dates in the
 * formats the `datetime` and `date` transforms name. Plain `Date` arithmetic where no
 * time zone is involved (UTC, explicit offsets, Odoo, epochs), which is fast; luxon
 * (IANA zones, DST, format patterns) only when a wall-clock time in a zone is read or
 * written, which is about 20-50 thousand values per second.
 */
import { DateTime, IANAZone } from 'luxon';
import { fail, kindOf, show } from './support.ts';
import type { MappingValue } from './types.ts';

/** Named formats; any other text is a luxon format pattern such as `dd/MM/yyyy HH:mm`. */
export const NAMED_FORMATS = ['auto', 'iso', 'odoo', 'epoch-ms', 'epoch-s'] as const;

/** Reads a value into epoch milliseconds (null for empty). */
export type InstantParser = (value: MappingValue) => number | null;

const ODOO = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/;
const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DIGITS = /^-?\d+(?:\.\d+)?$/;
// Nine digits or more: "2024" is a year, not 2 seconds after 1970.
const EPOCH_TEXT = /^-?\d{9,}$/;

/** True when `zone` is an IANA time zone name this Node knows (e.g. `Europe/Paris`, `UTC`). */
export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** True when `pattern` is a usable luxon pattern (it formats a date and reads it back). */
export function isUsablePattern(pattern: string, dateOnly: boolean): boolean {
  const sample = DateTime.fromObject(
    { year: 2024, month: 11, day: 23, hour: dateOnly ? 0 : 13, minute: dateOnly ? 0 : 47 },
    { zone: 'UTC' },
  );
  const back = DateTime.fromFormat(sample.toFormat(pattern), pattern, { zone: 'UTC' });
  // A date-time pattern may be coarser than milliseconds (or even a date): equality
  // then compares at its precision; it must at least keep the day.
  return back.isValid && back.toISODate() === sample.toISODate();
}

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

// The ISO fast path and Odoo: V8 rolls 2024-02-30 over to 1 March, so check fields.
function validFields(m: RegExpExecArray): boolean {
  const [, y, mo, d, h, mi, s] = m;
  return validYmd(Number(y), Number(mo), Number(d)) && Number(h) < 24 && Number(mi) < 60 && Number(s ?? 0) < 60;
}

function textOf(name: string, value: MappingValue): string | null {
  if (typeof value !== 'string') throw fail(name, `expects a date-time, got ${kindOf(value)} ${show(value)}`);
  const text = value.trim();
  return text === '' ? null : text;
}

function epoch(name: string, value: MappingValue, scale: number): number | null {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && DIGITS.test(value.trim())
        ? Number(value.trim())
        : Number.NaN;
  if (typeof value === 'string' && value.trim() === '') return null;
  if (!Number.isFinite(n))
    throw fail(name, `${show(value)} is not an epoch time in ${scale === 1 ? 'milliseconds' : 'seconds'}`);
  return Math.round(n * scale);
}

function odoo(name: string, text: string): number {
  const m = ODOO.exec(text);
  if (!m || !validFields(m)) throw fail(name, `${show(text)} is not an Odoo date-time (YYYY-MM-DD HH:MM:SS, UTC)`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function iso(name: string, text: string, zone: string): number {
  const fast = ISO_WITH_OFFSET.exec(text);
  if (fast && validFields(fast)) return Date.parse(text);
  // No offset in the text: the wall-clock time is read in the field's zone.
  const dt = DateTime.fromISO(text, { zone, setZone: false });
  if (!dt.isValid)
    throw fail(
      name,
      `${show(text)} is not an ISO 8601 date-time (${dt.invalidExplanation ?? dt.invalidReason ?? 'unreadable'})`,
    );
  return dt.toMillis();
}

/** A parser for `format`; naive wall-clock input is read in `zone`. */
export function instantParser(name: string, format: string, zone: string): InstantParser {
  return (value) => {
    if (value === null) return null;
    switch (format) {
      case 'epoch-ms':
        return epoch(name, value, 1);
      case 'epoch-s':
        return epoch(name, value, 1000);
      case 'auto':
        if (typeof value === 'number' || (typeof value === 'string' && EPOCH_TEXT.test(value.trim())))
          return epoch(name, value, 1);
        break;
      default:
        break;
    }
    const text = textOf(name, value);
    if (text === null) return null;
    if (format === 'odoo') return odoo(name, text);
    if (format === 'iso') return iso(name, text, zone);
    if (format === 'auto') return ODOO.test(text) ? odoo(name, text) : iso(name, text, zone);
    const dt = DateTime.fromFormat(text, format, { zone });
    if (!dt.isValid) throw fail(name, `${show(text)} does not match the pattern ${show(format)}`);
    return dt.toMillis();
  };
}

/** A formatter for `format` (not `auto`); wall-clock output is written in `zone`. */
export function instantFormatter(format: string, zone: string): (ms: number) => MappingValue {
  const utc = zone === 'UTC';
  switch (format) {
    case 'epoch-ms':
      return (ms) => ms;
    case 'epoch-s':
      return (ms) => Math.floor(ms / 1000);
    case 'odoo':
      return (ms) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
    case 'iso':
      return utc ? (ms) => new Date(ms).toISOString() : (ms) => DateTime.fromMillis(ms, { zone }).toISO();
    default:
      return (ms) => DateTime.fromMillis(ms, { zone }).toFormat(format);
  }
}

/** Reads a value into a calendar date `YYYY-MM-DD` (null for empty). */
export type DateParser = (value: MappingValue) => string | null;

/** The calendar date of an instant in `zone`. */
export function dateInZone(ms: number, zone: string): string {
  if (zone === 'UTC') return new Date(ms).toISOString().slice(0, 10);
  return DateTime.fromMillis(ms, { zone }).toISODate() ?? new Date(ms).toISOString().slice(0, 10);
}

/** A parser of calendar dates for `format`; an instant (a date-time) is dated in `zone`. */
export function dateParser(name: string, format: string, zone: string): DateParser {
  const instant = instantParser(name, format === 'odoo' ? 'auto' : format, zone);
  return (value) => {
    if (value === null) return null;
    if (typeof value === 'string') {
      const text = value.trim();
      if (text === '') return null;
      const m = DATE_ONLY.exec(text);
      if (m && (format === 'auto' || format === 'iso' || format === 'odoo')) {
        if (!validYmd(Number(m[1]), Number(m[2]), Number(m[3])))
          throw fail(name, `${show(value)} is not a calendar date`);
        return text;
      }
      if (!NAMED_FORMATS.includes(format as (typeof NAMED_FORMATS)[number])) {
        const dt = DateTime.fromFormat(text, format, { zone: 'UTC' });
        if (!dt.isValid) throw fail(name, `${show(text)} does not match the pattern ${show(format)}`);
        return dt.toISODate();
      }
    }
    const ms = instant(value);
    return ms === null ? null : dateInZone(ms, zone);
  };
}

/** A formatter of calendar dates; `epoch-ms` writes midnight UTC (what HubSpot date properties hold). */
export function dateFormatter(format: string): (date: string) => MappingValue {
  switch (format) {
    case 'iso':
    case 'odoo':
      return (date) => date;
    case 'epoch-ms':
      return (date) => Date.parse(`${date}T00:00:00Z`);
    case 'epoch-s':
      return (date) => Date.parse(`${date}T00:00:00Z`) / 1000;
    default:
      return (date) => DateTime.fromISO(date, { zone: 'UTC' }).toFormat(format);
  }
}
