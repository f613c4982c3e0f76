import { AuditError, ErrorCode, FrontbackError, StoreError } from '../../errors.ts';
import { AUDIT_IMMUTABLE_MESSAGE } from './migrations/0001-initial.ts';

// Driver codes after which the same statement may succeed: SQLite busy/locked,
// PostgreSQL serialization failure, deadlock, admin shutdown, connection loss.
const RETRYABLE_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  '40001',
  '40P01',
  '57P01',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
]);

/**
 * Turns a driver error into the project's hierarchy: the audit triggers' refusal
 * becomes AuditError `AUDIT_IMMUTABLE`; anything else a StoreError carrying the
 * driver's code. FrontbackErrors pass through unchanged.
 */
export function translateStoreError(err: unknown): FrontbackError {
  if (err instanceof FrontbackError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const driverCode = (err as { code?: unknown } | null)?.code;
  if (message.includes(AUDIT_IMMUTABLE_MESSAGE)) {
    return new AuditError(ErrorCode.AuditImmutable, 'the audit log is append-only: UPDATE, DELETE and TRUNCATE are refused', {
      cause: err,
    });
  }
  return new StoreError(`store operation failed: ${message}`, {
    cause: err,
    retryable: typeof driverCode === 'string' && RETRYABLE_CODES.has(driverCode),
    details: typeof driverCode === 'string' ? { driverCode } : {},
  });
}
