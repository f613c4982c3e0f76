import { AuditError, ErrorCode, FrontbackError, StoreError } from '../../errors.ts';
import { AUDIT_IMMUTABLE_MESSAGE } from './migrations/0001-initial.ts';
import { AUDIT_ENTRY_EXISTS_MESSAGE, AUDIT_SEQ_BEHIND_MESSAGE } from './migrations/0008-audit-append-only.ts';

/**
 * Whether the same statement will fail the same way, by the driver's code. Only these are
 * permanent; every other failure, and one without a code (pg's "Connection terminated
 * unexpectedly", a pool timeout), is retryable: a database briefly down, restarting
 * (`57P01`, `57P03`), out of connections (`53300`), busy or locked (`SQLITE_BUSY`), a
 * serialization failure or deadlock (`40001`, `40P01`) or a network error
 * (`ECONNREFUSED`, `ECONNRESET`, ...) passes. Integrity violations (class `23`,
 * `SQLITE_CONSTRAINT`) stay retryable too: the store's own races are VersionConflictErrors
 * or `ON CONFLICT` clauses, so one that escapes is most likely a race another writer won,
 * which a retry re-reads.
 *
 * - PostgreSQL SQLSTATE classes: `22` data exception (a value the column refuses), `42`
 *   syntax or access rule (a missing table: migrations not run), `0A` feature not
 *   supported, `28` credentials refused, `3D` no such database, `3F` no such schema.
 * - SQLite: an SQL error (`SQLITE_ERROR`: no such table or column), a type mismatch, a
 *   read-only, corrupt or foreign file, refused authorisation, a value too big, misuse.
 */
const PERMANENT_SQLSTATE_CLASSES: ReadonlySet<string> = new Set(['22', '42', '0A', '28', '3D', '3F']);
const PERMANENT_SQLITE = /^SQLITE_(ERROR|MISMATCH|READONLY|CORRUPT|NOTADB|AUTH|TOOBIG|RANGE|MISUSE)(_|$)/;

/** True when a driver error with this code will not go away by trying again (see above). */
export function isPermanentDriverCode(code: string): boolean {
  if (/^[0-9A-Z]{5}$/.test(code)) return PERMANENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
  return PERMANENT_SQLITE.test(code);
}

/** Driver codes of a full disk: SQLite's SQLITE_FULL, PostgreSQL's `53100` disk_full. */
const DISK_FULL_CODES: ReadonlySet<string> = new Set(['SQLITE_FULL', '53100']);

/**
 * Turns a driver error into the project's hierarchy: a full disk says so (`disk full`,
 * with the driver's code); the audit triggers' refusal (UPDATE,
 * DELETE, TRUNCATE, or an insert that is not after the last entry) becomes AuditError
 * `AUDIT_IMMUTABLE`; anything else a StoreError carrying the
 * driver's code, retryable unless the code says the failure is permanent
 * ({@link isPermanentDriverCode}). FrontbackErrors pass through unchanged.
 */
export function translateStoreError(err: unknown): FrontbackError {
  if (err instanceof FrontbackError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const driverCode = (err as { code?: unknown } | null)?.code;
  if (message.includes(AUDIT_IMMUTABLE_MESSAGE)) {
    const specific = [AUDIT_ENTRY_EXISTS_MESSAGE, AUDIT_SEQ_BEHIND_MESSAGE].find((m) => message.includes(m));
    return new AuditError(
      ErrorCode.AuditImmutable,
      specific === undefined
        ? 'the audit log is append-only: UPDATE, DELETE and TRUNCATE are refused'
        : `the ${specific} (inserts must come after the last entry)`,
      { cause: err },
    );
  }
  if (typeof driverCode === 'string' && DISK_FULL_CODES.has(driverCode)) {
    // Retryable: space freed (or the volume grown) makes the same write succeed.
    return new StoreError(
      `store operation failed: disk full (${driverCode}: ${message}); free space where the store lives`,
      {
        cause: err,
        retryable: true,
        details: { driverCode },
      },
    );
  }
  return new StoreError(`store operation failed: ${message}`, {
    cause: err,
    retryable: !(typeof driverCode === 'string' && isPermanentDriverCode(driverCode)),
    details: typeof driverCode === 'string' ? { driverCode } : {},
  });
}
