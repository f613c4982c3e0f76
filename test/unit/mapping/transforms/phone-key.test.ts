import { describe, expect, it } from 'vitest';
import { phoneKey, type MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { argProblems, build } from './build.ts';

describe('phone', () => {
  it.each([
    [undefined, '+33 1 23 45 67 89', '+33123456789'],
    [undefined, '0033 1 23 45 67 89', '+33123456789'],
    [undefined, '01 23 45 67 89', null],
    [{ country: 'FR' }, '01 23 45 67 89', '+33123456789'],
    [{ country: 'fr' }, '01.23.45.67.89', '+33123456789'],
    [{ country: 'FR' }, '+1 (212) 555-0100', '+12125550100'],
    [{ country: 'US' }, '(212) 555-0100', '+12125550100'],
    [undefined, '+1 212 555 0100 ext. 12', '+12125550100;ext=12'],
    [{ extension: 'drop' }, '+1 212 555 0100 x12', '+12125550100'],
    [undefined, '+33123456789', '+33123456789'],
    [{ country: 'FR' }, '12', null],
    [{ country: 'FR' }, 'n/a', null],
    [{ country: 'FR' }, '+33 9', null],
    [undefined, '', null],
    [undefined, null, null],
  ] as [unknown, MappingValue, MappingValue][])('%j: %j -> %j (invalid: no key, no error)', (args, input, output) => {
    expect(build('phone', args).forward(input)).toBe(output);
  });

  it('refuses a country libphonenumber does not know, when the mapping loads', () => {
    expect(argProblems('phone', { country: 'XX' })).toEqual([
      'country: not a country code libphonenumber knows (ISO 3166-1 alpha-2, e.g. FR, US)',
    ]);
    expect(argProblems('phone', { onInvalid: 'keep' })).not.toEqual([]);
  });

  it('the plain function takes options and any value', () => {
    expect(phoneKey('01 23 45 67 89', { country: 'FR' })).toBe('+33123456789');
    expect(phoneKey('01 23 45 67 89')).toBeUndefined();
    expect(phoneKey('01 23 45 67 89', { country: 'XX' })).toBeUndefined();
    expect(phoneKey(true)).toBeUndefined();
  });
});
