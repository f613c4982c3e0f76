/**
 * Poll cursors: a position in a source's modification order, as a (timestamp, id) pair.
 *
 * A timestamp alone is not a position: bulk imports give thousands of records one
 * modification time (HubSpot search stops at 10,000 results, so the connector must page
 * inside one timestamp by id). The id breaks ties, so "after this cursor" is exact.
 */
import { z } from 'zod';

/** A position in a source's (modifiedAt, id) order. Records strictly after it are "new". */
export interface Cursor {
  /** Modification time, ISO-8601 UTC with milliseconds (`2024-01-31T12:00:00.000Z`). */
  timestamp: string;
  /**
   * Record id that breaks ties within one timestamp. `''` sorts before every id, so
   * `{ timestamp: T, id: '' }` means "everything modified at T or later".
   */
  id: string;
}

/** Validates a cursor read back from the store or a job payload. */
export const cursorSchema = z.object({
  timestamp: z.iso.datetime({ precision: 3 }),
  id: z.string(),
});

const DIGITS = /^\d+$/;
const ODOO_DATETIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?$/;

/**
 * Normalises a vendor time to ISO-8601 UTC with milliseconds. Accepts a Date, epoch
 * milliseconds (HubSpot `occurredAt`), ISO strings with any offset, and Odoo's
 * `YYYY-MM-DD HH:MM:SS` (which Odoo always stores in UTC).
 * @throws RangeError when the value is not a valid time.
 */
export function toTimestamp(value: string | number | Date): string {
  let date: Date;
  if (value instanceof Date) date = value;
  else if (typeof value === 'number') date = new Date(value);
  else {
    const odoo = ODOO_DATETIME.exec(value);
    date = odoo ? new Date(`${odoo[1]}T${odoo[2]}${odoo[3] ?? ''}Z`) : new Date(value);
  }
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a valid timestamp: ${String(value)}`);
  return date.toISOString();
}

/**
 * Orders two record ids the way vendors sort them: numeric ids (HubSpot `hs_object_id`,
 * Odoo `id`) by value, anything else by UTF-16 code units (never locale-dependent).
 */
export function compareIds(a: string, b: string): number {
  if (DIGITS.test(a) && DIGITS.test(b)) {
    const x = a.replace(/^0+(?=\d)/, '');
    const y = b.replace(/^0+(?=\d)/, '');
    if (x.length !== y.length) return x.length < y.length ? -1 : 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total order on cursors: by time, then by id. Negative when `a` comes first. */
export function compareCursors(a: Cursor, b: Cursor): number {
  const ta = Date.parse(a.timestamp);
  const tb = Date.parse(b.timestamp);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return compareIds(a.id, b.id);
}

/** True when a record at (`timestamp`, `id`) lies strictly after `since` (a null cursor: everything does). */
export function isAfterCursor(position: Cursor, since: Cursor | null): boolean {
  return since === null || compareCursors(position, since) > 0;
}

/** The later of two cursors (null counts as "the beginning"). */
export function maxCursor(a: Cursor | null, b: Cursor | null): Cursor | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareCursors(a, b) >= 0 ? a : b;
}

/**
 * Where a poll should start re-reading: `overlapMs` before the committed cursor, with an
 * empty id so every record of that moment is included. The overlap is measured in
 * minutes, not seconds: Odoo's write_date is the transaction's start time (a long
 * transaction commits rows dated before a cursor already taken) and HubSpot's search
 * index lags writes. Re-reading is cheap because unchanged records match their snapshot.
 */
export function rereadStart(committed: Cursor | null, overlapMs: number): Cursor | null {
  if (committed === null) return null;
  if (!Number.isFinite(overlapMs) || overlapMs < 0) throw new RangeError(`overlapMs must be >= 0, got ${overlapMs}`);
  if (overlapMs === 0) return committed;
  return { timestamp: new Date(Date.parse(committed.timestamp) - overlapMs).toISOString(), id: '' };
}
