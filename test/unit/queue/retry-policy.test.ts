/**
 * The queue's decision after a failed run (src/queue/retry-policy.ts), which both adapters
 * and the runner's log line follow.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, FrontbackError } from '../../../src/errors.ts';
import { ConnectorError, RateLimitedError } from '../../../src/connector/errors.ts';
import { UnrecoverableJobError } from '../../../src/queue/job-queue.ts';
import {
  decideRetry,
  describeRetry,
  messageOf,
  RATE_LIMIT_FREE_WAITS,
  type RetryDecision,
  type RunFacts,
} from '../../../src/queue/retry-policy.ts';

const first: RunFacts = { attempt: 1, attempts: 5, rateLimitWaits: 0 };
const last: RunFacts = { attempt: 5, attempts: 5, rateLimitWaits: 0 };
const waitedEnough: RunFacts = { attempt: 1, attempts: 5, rateLimitWaits: RATE_LIMIT_FREE_WAITS };
const refused = new ConnectorError('Contacts require a name', { connection: 'odoo', retryable: false });

describe('decideRetry', () => {
  const cases: [string, unknown, RunFacts, RetryDecision][] = [
    [
      'a non-retryable FrontbackError fails at once',
      new FrontbackError(ErrorCode.Validation, 'x'),
      first,
      { retry: false, why: 'not-retryable' },
    ],
    ['a refused record fails at once', refused, first, { retry: false, why: 'not-retryable' }],
    [
      'UnrecoverableJobError fails at once',
      new UnrecoverableJobError('poison'),
      first,
      { retry: false, why: 'not-retryable' },
    ],
    [
      'BullMQ UnrecoverableError (by name) fails at once',
      Object.assign(new Error('x'), { name: 'UnrecoverableError' }),
      first,
      { retry: false, why: 'not-retryable' },
    ],
    [
      'a plain object with retryable: false fails at once',
      { code: ErrorCode.Validation, retryable: false, message: 'x' },
      first,
      { retry: false, why: 'not-retryable' },
    ],
    [
      'a plain Error is retried with backoff',
      new Error('x'),
      first,
      { retry: true, counted: true, delayMs: undefined },
    ],
    ['a plain Error on the last attempt ends', new Error('x'), last, { retry: false, why: 'attempts-used' }],
    [
      'a rate limit waits retryAfterMs, not counted',
      new RateLimitedError('slow', 700),
      first,
      { retry: true, counted: false, delayMs: 700 },
    ],
    [
      'a rate limit on the last attempt still waits, not counted',
      new RateLimitedError('slow', 700),
      last,
      { retry: true, counted: false, delayMs: 700 },
    ],
    [
      'a plain rate-limit object waits, not counted',
      { code: ErrorCode.RateLimited, retryable: true, retryAfterMs: 300, message: 'x' },
      first,
      { retry: true, counted: false, delayMs: 300 },
    ],
    [
      'past the free waits a rate limit counts',
      new RateLimitedError('slow', 700),
      waitedEnough,
      { retry: true, counted: true, delayMs: 700 },
    ],
    [
      'past the free waits, on the last attempt, it ends',
      new RateLimitedError('slow', 700),
      { ...last, rateLimitWaits: RATE_LIMIT_FREE_WAITS },
      { retry: false, why: 'attempts-used' },
    ],
    [
      'another error with retryAfterMs waits that long and counts',
      new FrontbackError(ErrorCode.Connector, '503', { retryable: true, details: { retryAfterMs: 900 } }),
      first,
      { retry: true, counted: true, delayMs: 900 },
    ],
    [
      'a rate-limit code without retryAfterMs is an ordinary retry',
      { code: ErrorCode.RateLimited, message: 'x' },
      first,
      { retry: true, counted: true, delayMs: undefined },
    ],
    [
      'not retryable wins over retryAfterMs',
      { code: ErrorCode.RateLimited, retryable: false, retryAfterMs: 300 },
      first,
      { retry: false, why: 'not-retryable' },
    ],
  ];
  it.each(cases)('%s', (_what, err, run, expected) => {
    expect(decideRetry(err, run)).toEqual(expected);
  });
});

describe('describeRetry', () => {
  it('says whether and why', () => {
    expect(describeRetry(new FrontbackError(ErrorCode.Validation, 'x'), first)).toBe(
      'not retried: VALIDATION_FAILED is not retryable (it would fail the same way again)',
    );
    expect(describeRetry({ name: 'UnrecoverableError', message: 'x' }, first)).toBe(
      'not retried: UnrecoverableError is not retryable (it would fail the same way again)',
    );
    expect(describeRetry(new Error('x'), last)).toBe('not retried: its 5 attempts are used up');
    expect(describeRetry(new Error('x'), first)).toBe('retried with backoff (attempt 2 of 5)');
    expect(describeRetry(new RateLimitedError('slow', 700), last)).toBe(
      'retried in 700 ms, as the target asked (a rate-limited run does not count as an attempt)',
    );
    expect(
      describeRetry(
        new FrontbackError(ErrorCode.Connector, '503', { retryable: true, details: { retryAfterMs: 900 } }),
        first,
      ),
    ).toBe('retried in 900 ms, as the error asked (attempt 2 of 5)');
  });

  it('finds a message in anything thrown', () => {
    expect(messageOf(new Error('a'))).toBe('a');
    expect(messageOf({ message: 'b', code: ErrorCode.Validation })).toBe('b');
    expect(messageOf('c')).toBe('c');
    expect(messageOf(42)).toBe('42');
  });
});
