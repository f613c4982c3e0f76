import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  ErrorCode,
  FrontbackError,
  VersionConflictError,
  formatSourceIssue,
  hasErrorCode,
} from '../../src/errors.ts';
import { ConnectorError, RateLimitedError } from '../../src/connector/errors.ts';

describe('error hierarchy', () => {
  it('renders the one HTTP envelope', () => {
    const err = new FrontbackError('NOT_FOUND', 'no such link', { details: { id: '7' } });
    expect(err.toJSON()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such link', details: { id: '7' } } });
  });

  it('formats issues as file:line:col path: message', () => {
    expect(formatSourceIssue({ file: 'a.yaml', line: 3, column: 5, path: 'store.url', message: 'required' })).toBe(
      'a.yaml:3:5 store.url: required',
    );
    expect(formatSourceIssue({ file: 'a.yaml', path: '', message: 'file not found' })).toBe('a.yaml: file not found');
  });

  it('lists every config issue in the message', () => {
    const err = new ConfigError([
      { file: 'c.yaml', line: 1, column: 1, path: 'a', message: 'one' },
      { file: 'c.yaml', line: 2, column: 3, path: 'b', message: 'two' },
    ]);
    expect(err.message).toBe('invalid configuration: 2 problems\n  c.yaml:1:1 a: one\n  c.yaml:2:3 b: two');
    expect(err.code).toBe(ErrorCode.Config);
    expect(err.name).toBe('ConfigError');
  });

  it('carries retry behaviour in the type', () => {
    expect(new VersionConflictError('stale').retryable).toBe(true);
    const rl = new RateLimitedError('slow down', 1500);
    expect(rl.retryable).toBe(true);
    expect(rl.retryAfterMs).toBe(1500);
    const bad = new ConnectorError('Property values were not valid', {
      connection: 'hubspot',
      status: 400,
      vendorCode: 'VALIDATION_ERROR',
      retryable: false,
    });
    expect(bad.retryable).toBe(false);
    expect(bad.details).toMatchObject({ status: 400, vendorCode: 'VALIDATION_ERROR', connection: 'hubspot' });
  });

  it('branches on code across process boundaries', () => {
    const plain = JSON.parse(JSON.stringify({ code: ErrorCode.VersionConflict, message: 'x' })) as unknown;
    expect(hasErrorCode(plain, ErrorCode.VersionConflict)).toBe(true);
    expect(hasErrorCode(new Error('x'), ErrorCode.VersionConflict)).toBe(false);
    expect(hasErrorCode(null, ErrorCode.VersionConflict)).toBe(false);
  });
});
