/**
 * The retry rule (src/errors.ts): isRetryable and retryDelayOf read data (`retryable`,
 * `code`, `retryAfterMs`), so an instance, a subclass and a plain object from another
 * process are judged alike; unknown errors are retryable.
 */
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  ConflictError,
  ErrorCode,
  FrontbackError,
  MAX_RETRY_AFTER_MS,
  MappingError,
  RETRYABLE_BY_DEFAULT,
  StoreError,
  VersionConflictError,
  errorCodeOf,
  isErrorCode,
  isRetryable,
  retryDelayOf,
} from '../../src/errors.ts';
import { ConnectorError, RateLimitedError } from '../../src/connector/errors.ts';
import { TransformError } from '../../src/mapping/transforms/types.ts';
import { UnrecoverableJobError } from '../../src/queue/job-queue.ts';

const issue = { file: 'm.yaml', line: 1, column: 1, path: 'a', message: 'bad' };
const network = new ConnectorError('socket hang up', { connection: 'odoo', retryable: true, vendorCode: 'ECONNRESET' });
const refused = new ConnectorError('Contacts require a name', {
  connection: 'odoo',
  vendorCode: 'odoo.exceptions.ValidationError',
  retryable: false,
});

describe('isRetryable', () => {
  const cases: [string, unknown, boolean][] = [
    // FrontbackErrors: their `retryable`.
    ['VALIDATION_FAILED', new FrontbackError(ErrorCode.Validation, 'bad jobId'), false],
    ['a config error', new ConfigError([issue]), false],
    ['a mapping error', new MappingError([issue]), false],
    ['a transform error', new TransformError('not a phone number'), false],
    ['a record the vendor refused', refused, false],
    ['an unrecoverable job error', new UnrecoverableJobError('poison'), false],
    ['a conflict for a person', new ConflictError('both sides changed'), false],
    ['a network ConnectorError', network, true],
    ['a rate limit', new RateLimitedError('slow down', 1_000), true],
    ['a version conflict', new VersionConflictError('stale'), true],
    ['a StoreError marked transient', new StoreError('connection lost', { retryable: true }), true],
    ['a StoreError thrown as such (bad URL)', new StoreError('store URL is empty'), false],
    [
      'an explicit retryable: true on a code that defaults to false',
      new FrontbackError(ErrorCode.Validation, 'x', { retryable: true }),
      true,
    ],
    // Unknown errors: the queue's normal backoff.
    ['a plain Error', new Error('boom'), true],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'id')"), true],
    ['a Node error with its own code', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), true],
    ['a thrown string', 'boom', true],
    ['undefined', undefined, true],
    ['null', null, true],
    // Plain objects, as from another process.
    [
      'a plain object with retryable: false',
      { code: ErrorCode.Connector, retryable: false, message: 'refused' },
      false,
    ],
    ['a plain object with retryable: true', { code: ErrorCode.Validation, retryable: true, message: 'x' }, true],
    [
      'a plain object with a code and no retryable (default of the code)',
      { code: ErrorCode.Validation, message: 'x' },
      false,
    ],
    ['a plain object with a retryable code and no retryable', { code: ErrorCode.VersionConflict, message: 'x' }, true],
    [
      'JSON of an unrecoverable job error',
      JSON.parse(JSON.stringify({ code: ErrorCode.JobUnrecoverable, message: 'poison' })),
      false,
    ],
    ['a plain object with an unknown code', { code: 'SOMETHING_ELSE', message: 'x' }, true],
    [
      'a plain object whose retryable is not a boolean',
      { code: ErrorCode.Validation, retryable: 'no', message: 'x' },
      false,
    ],
  ];
  it.each(cases)('%s', (_what, err, expected) => {
    expect(isRetryable(err)).toBe(expected);
  });
});

describe('retryDelayOf', () => {
  const cases: [string, unknown, number | undefined][] = [
    ['a rate limit', new RateLimitedError('slow down', 1_500), 1_500],
    [
      'a FrontbackError with details.retryAfterMs',
      new FrontbackError(ErrorCode.Connector, '503', { retryable: true, details: { retryAfterMs: 2_000 } }),
      2_000,
    ],
    ['a plain object with retryAfterMs', { code: ErrorCode.RateLimited, retryable: true, retryAfterMs: 300 }, 300],
    ['a plain object with details.retryAfterMs', { code: ErrorCode.RateLimited, details: { retryAfterMs: 400 } }, 400],
    ['top level wins over details', { retryAfterMs: 10, details: { retryAfterMs: 20 } }, 10],
    ['fractions are rounded', new RateLimitedError('slow down', 99.6), 100],
    ['zero is a wait of zero', new RateLimitedError('slow down', 0), 0],
    ['capped at a day', new RateLimitedError('slow down', 7 * MAX_RETRY_AFTER_MS), MAX_RETRY_AFTER_MS],
    [
      'not when not retryable',
      new FrontbackError(ErrorCode.Validation, 'x', { details: { retryAfterMs: 500 } }),
      undefined,
    ],
    ['not without one', new VersionConflictError('stale'), undefined],
    ['not for a negative value', { retryAfterMs: -5 }, undefined],
    [
      'not for NaN or Infinity',
      { retryAfterMs: Number.POSITIVE_INFINITY, details: { retryAfterMs: Number.NaN } },
      undefined,
    ],
    ['not for a string', { retryAfterMs: '500' }, undefined],
    ['not for a plain Error', new Error('x'), undefined],
    ['not for undefined', undefined, undefined],
  ];
  it.each(cases)('%s', (_what, err, expected) => {
    expect(retryDelayOf(err)).toBe(expected);
  });
});

describe('error codes', () => {
  it('every code has a retry default, and a FrontbackError of that code takes it', () => {
    for (const code of Object.values(ErrorCode)) {
      expect(typeof RETRYABLE_BY_DEFAULT[code]).toBe('boolean');
      expect(new FrontbackError(code, 'x').retryable).toBe(RETRYABLE_BY_DEFAULT[code]);
    }
    expect(new FrontbackError('NOT_OURS', 'x').retryable).toBe(false);
  });

  it('tells frontback codes from others', () => {
    expect(isErrorCode(ErrorCode.JobUnrecoverable)).toBe(true);
    expect(isErrorCode('ECONNRESET')).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
    expect(errorCodeOf({ code: ErrorCode.RateLimited })).toBe(ErrorCode.RateLimited);
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'EPIPE' }))).toBeUndefined();
    expect(errorCodeOf('RATE_LIMITED')).toBeUndefined();
  });

  it('codes are unique', () => {
    const values = Object.values(ErrorCode);
    expect(new Set(values).size).toBe(values.length);
  });
});
