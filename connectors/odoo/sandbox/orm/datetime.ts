/**
 * Odoo's wire format for dates and datetimes: naive UTC strings, `YYYY-MM-DD` and
 * `YYYY-MM-DD HH:MM:SS` (odoo.fields DATE_FORMAT / DATETIME_FORMAT).
 */
import { valueError } from '../errors.ts';

/** Epoch milliseconds to `YYYY-MM-DD HH:MM:SS` (UTC, no zone, no fraction). */
export function formatDatetime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

const DATETIME_RE = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?$/;

/**
 * Normalises a datetime value as Odoo's `Datetime.to_datetime` accepts it: a date alone
 * means midnight; a `T` separator and fractions are tolerated. Anything else is a ValueError.
 */
export function normalizeDatetime(value: string): string {
  const m = DATETIME_RE.exec(value.trim());
  if (!m || Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`))) {
    throw valueError(`time data '${value}' does not match format '%Y-%m-%d %H:%M:%S'`);
  }
  return `${m[1]} ${m[2] ?? '00'}:${m[3] ?? '00'}:${m[4] ?? '00'}`;
}

/** Normalises a date value (a datetime string keeps only its date part). */
export function normalizeDate(value: string): string {
  const m = DATETIME_RE.exec(value.trim());
  if (!m || Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`))) {
    throw valueError(`time data '${value}' does not match format '%Y-%m-%d'`);
  }
  return m[1] ?? value;
}

/** `YYYY-MM-DD HH:MM:SS` (UTC) to epoch milliseconds. */
export function parseDatetime(value: string): number {
  return Date.parse(`${normalizeDatetime(value).replace(' ', 'T')}Z`);
}
