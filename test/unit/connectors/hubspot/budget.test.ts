/**
 * HubSpot's X-HubSpot-RateLimit-* headers read into a budget reading: every header that is
 * a whole number is taken, anything else (absent, empty, negative, decimal, words) left out.
 */
import { describe, expect, it } from 'vitest';
import { readHubSpotBudget } from '../../../../connectors/hubspot/budget.ts';

const response = (headers: Record<string, string>) => ({ status: 200, headers, text: '', body: undefined });

const ALL = {
  'x-hubspot-ratelimit-max': '190',
  'x-hubspot-ratelimit-remaining': '187',
  'x-hubspot-ratelimit-interval-milliseconds': '10000',
  'x-hubspot-ratelimit-daily': '1000000',
  'x-hubspot-ratelimit-daily-remaining': '999123',
};

describe('readHubSpotBudget', () => {
  it('reads the interval and the daily budget', () => {
    expect(readHubSpotBudget(response(ALL))).toEqual({
      interval: { max: 190, remaining: 187, intervalMs: 10_000 },
      daily: { max: 1_000_000, remaining: 999_123 },
    });
  });

  it.each([
    ['no headers at all', {}, undefined],
    ['other headers only', { 'retry-after': '3', 'content-type': 'application/json' }, undefined],
    ['only the daily pair', { 'x-hubspot-ratelimit-daily-remaining': '5' }, { daily: { remaining: 5 } }],
    [
      'a non-numeric max',
      { ...ALL, 'x-hubspot-ratelimit-max': 'lots' },
      { interval: { remaining: 187, intervalMs: 10_000 }, daily: { max: 1_000_000, remaining: 999_123 } },
    ],
    [
      'negative, decimal and empty values',
      {
        'x-hubspot-ratelimit-max': '-1',
        'x-hubspot-ratelimit-remaining': '2.5',
        'x-hubspot-ratelimit-interval-milliseconds': '',
        'x-hubspot-ratelimit-daily': '1e6',
      },
      undefined,
    ],
    ['spaces around a number', { 'x-hubspot-ratelimit-remaining': ' 12 ' }, { interval: { remaining: 12 } }],
    ['a number too long to be one', { 'x-hubspot-ratelimit-max': '9'.repeat(40) }, undefined],
  ])('%s', (_name, headers, expected) => {
    expect(readHubSpotBudget(response(headers as Record<string, string>))).toEqual(expected);
  });
});
