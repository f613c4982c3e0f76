import { describe, expect, it } from 'vitest';
import { didYouMean, suggest } from '../../../src/config/did-you-mean.ts';

describe('suggest', () => {
  const keys = ['host', 'port', 'publicBaseUrl', 'bodyLimitBytes', 'adminToken'];
  it.each([
    { input: 'hots', expected: 'host' },
    { input: 'prot', expected: 'port' },
    { input: 'publicbaseurl', expected: 'publicBaseUrl' },
    { input: 'adminTokn', expected: 'adminToken' },
    { input: 'bodyLimit', expected: 'bodyLimitBytes' },
    { input: 'timeout', expected: undefined },
    { input: 'x', expected: undefined },
  ])('$input -> $expected', ({ input, expected }) => {
    expect(suggest(input, keys)).toBe(expected);
  });

  it('renders the hint, or nothing', () => {
    expect(didYouMean('hubspt', ['hubspot', 'odoo'])).toBe(' (did you mean "hubspot"?)');
    expect(didYouMean('sap', ['hubspot', 'odoo'])).toBe('');
  });
});
