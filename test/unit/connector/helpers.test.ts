import { describe, expect, it } from 'vitest';
import { describeVendorError, parseRetryAfter } from '../../../src/connector/http-errors.ts';
import { headerValue, secretsEqual } from '../../../src/connector/webhooks.ts';

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  it.each([
    ['10', 10_000],
    ['0.5', 500],
    ['Wed, 01 May 2024 12:00:30 GMT', 30_000],
    ['Wed, 01 May 2024 11:00:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('%s -> %s', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});

describe('describeVendorError', () => {
  it.each([
    [
      'HubSpot',
      { status: 'error', message: 'Property values were not valid', correlationId: 'c1', category: 'VALIDATION_ERROR' },
      { message: 'Property values were not valid', vendorCode: 'VALIDATION_ERROR', correlationId: 'c1' },
    ],
    [
      'Business Central',
      { error: { code: 'Request_EntityChanged', message: 'Another user has already changed the record.' } },
      { message: 'Another user has already changed the record.', vendorCode: 'Request_EntityChanged' },
    ],
    [
      'Salesforce',
      [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }],
      { message: 'Session expired or invalid', vendorCode: 'INVALID_SESSION_ID' },
    ],
    [
      'OAuth',
      { error: 'invalid_grant', error_description: 'authentication failure' },
      { message: 'authentication failure', vendorCode: 'invalid_grant' },
    ],
    [
      'NetSuite',
      {
        type: 'x',
        title: 'Bad Request',
        status: 400,
        'o:errorDetails': [{ detail: 'Invalid field value', 'o:errorCode': 'INVALID_VALUE' }],
      },
      { message: 'Invalid field value', vendorCode: 'INVALID_VALUE' },
    ],
    ['nothing', 'plain text', {}],
  ])('%s', (_vendor, body, expected) => {
    expect(describeVendorError(body)).toEqual(expected);
  });
});

describe('webhook helpers', () => {
  it('compares secrets of any length without throwing', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual('', 'abc')).toBe(false);
    expect(secretsEqual(undefined, 'abc')).toBe(false);
  });

  it('reads headers case-insensitively, first value of a list', () => {
    expect(headerValue({ 'x-hubspot-signature': ['a', 'b'] }, 'X-HubSpot-Signature')).toBe('a');
    expect(headerValue({}, 'x')).toBeUndefined();
  });
});
