import type { JsonValue } from './json.ts';

/**
 * A poll position: the (timestamp, id) pair of the last record handled, plus any
 * state a connector needs to resume (ARCHITECTURE invariant 2).
 */
export interface Cursor {
  /** Cursor key, e.g. `contacts-partners:crm`. */
  key: string;
  /** Modification time of the last handled record (ISO 8601), or null before the first page. */
  timestamp: string | null;
  /** Id of the last handled record at `timestamp`, to break ties inside one timestamp. */
  id: string | null;
  /** Free-form resume state (e.g. a vendor page token); null when none. */
  state: JsonValue;
  /** When the cursor was last written (ISO 8601, set by the store). */
  updatedAt: string;
}

/** What a caller writes; the store stamps `updatedAt`. */
export interface CursorInput {
  /** See {@link Cursor.timestamp}. */
  timestamp: string | null;
  /** See {@link Cursor.id}. */
  id: string | null;
  /** See {@link Cursor.state}; default null. */
  state?: JsonValue;
}

/** Cursors by key. Advance one only in the transaction that records the page's results. */
export interface CursorRepository {
  /** The cursor, or undefined when it was never set. */
  get(key: string): Promise<Cursor | undefined>;
  /** Creates or replaces the cursor. */
  set(key: string, value: CursorInput): Promise<Cursor>;
  /** Every cursor whose key starts with `prefix` (all when omitted), ordered by key. */
  list(prefix?: string): Promise<Cursor[]>;
  /** Removes the cursor; true when one existed. */
  delete(key: string): Promise<boolean>;
}
