/** translateStoreError: transient driver failures are retryable, permanent ones are not (src/store/sql/errors.ts). */
import { describe, expect, it } from 'vitest';
import { ErrorCode, StoreError } from '../../../src/errors.ts';
import { translateStoreError } from '../../../src/store/sql/errors.ts';

const driver = (code: string | undefined, message = 'driver failed'): Error =>
  Object.assign(new Error(message), code === undefined ? {} : { code });

describe('translateStoreError', () => {
  const cases: [string, unknown, boolean][] = [
    ['SQLite busy', driver('SQLITE_BUSY'), true],
    ['SQLite busy snapshot', driver('SQLITE_BUSY_SNAPSHOT'), true],
    ['SQLite locked', driver('SQLITE_LOCKED'), true],
    ['SQLite I/O error', driver('SQLITE_IOERR_WRITE'), true],
    ['SQLite constraint (a race another writer won)', driver('SQLITE_CONSTRAINT_UNIQUE'), true],
    ['PostgreSQL serialization failure', driver('40001'), true],
    ['PostgreSQL deadlock', driver('40P01'), true],
    ['PostgreSQL shutting down', driver('57P01'), true],
    ['PostgreSQL starting up', driver('57P03'), true],
    ['PostgreSQL too many connections', driver('53300'), true],
    ['PostgreSQL connection failure', driver('08006'), true],
    ['PostgreSQL unique violation (a race)', driver('23505'), true],
    ['connection refused', driver('ECONNREFUSED'), true],
    ['connection reset', driver('ECONNRESET'), true],
    [
      'pg without a code ("Connection terminated unexpectedly")',
      driver(undefined, 'Connection terminated unexpectedly'),
      true,
    ],
    ['a thrown string', 'boom', true],
    ['SQLite SQL error (no such table)', driver('SQLITE_ERROR'), false],
    ['SQLite read-only file', driver('SQLITE_READONLY'), false],
    ['SQLite corrupt file', driver('SQLITE_CORRUPT'), false],
    ['SQLite not a database', driver('SQLITE_NOTADB'), false],
    ['PostgreSQL undefined table', driver('42P01'), false],
    ['PostgreSQL syntax error', driver('42601'), false],
    ['PostgreSQL value too long', driver('22001'), false],
    ['PostgreSQL password refused', driver('28P01'), false],
    ['PostgreSQL no such database', driver('3D000'), false],
    ['PostgreSQL feature not supported', driver('0A000'), false],
  ];
  it.each(cases)('%s', (_what, err, retryable) => {
    const translated = translateStoreError(err);
    expect(translated).toBeInstanceOf(StoreError);
    expect(translated.code).toBe(ErrorCode.Store);
    expect(translated.retryable).toBe(retryable);
  });

  it('keeps the driver code and passes FrontbackErrors through', () => {
    expect(translateStoreError(driver('40001')).details).toEqual({ driverCode: '40001' });
    const own = new StoreError('store URL is empty');
    expect(translateStoreError(own)).toBe(own);
  });
});
