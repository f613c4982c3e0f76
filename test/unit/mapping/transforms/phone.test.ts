import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { argProblems, build, transformError } from './build.ts';

describe('e164', () => {
  it.each([
    [{ country: 'FR' }, '01 23 45 67 89', '+33123456789'],
    [{ country: 'fr' }, '06.12.34.56.78', '+33612345678'],
    [undefined, '+33 1 23 45 67 89', '+33123456789'],
    [undefined, '0033 1 23 45 67 89', '+33123456789'],
    [{ country: 'US' }, '(415) 555-2671', '+14155552671'],
    [{ country: 'DE' }, '030 901820', '+4930901820'],
    [{ country: 'GB' }, '+44 20 7946 0958', '+442079460958'],
    [{ country: 'US' }, '+1 212-555-0100 ext. 12', '+12125550100;ext=12'],
    [{ country: 'US', extension: 'drop' }, '+1 212-555-0100 ext. 12', '+12125550100'],
    [undefined, '', null],
    [undefined, null, null],
  ] as [unknown, MappingValue, MappingValue][])('%j: %j -> %j', (args, input, output) => {
    expect(build('e164', args).forward(input)).toBe(output);
  });

  it.each([
    [
      { country: 'FR' },
      'call me',
      'e164: "call me" is not a valid phone number: it is not a phone number (default country FR)',
    ],
    [
      undefined,
      '01 23 45 67 89',
      'e164: "01 23 45 67 89" is not a valid phone number: its country calling code is unknown; it has no +country prefix and no default country is set (no default country)',
    ],
    [
      { country: 'FR' },
      '12',
      'e164: "12" is not a valid phone number: no FR number has these digits (default country FR)',
    ],
    [
      undefined,
      '+33 1 23',
      'e164: "+33 1 23" is not a valid phone number: no FR number has these digits (no default country)',
    ],
    [
      undefined,
      '+999 123 456',
      'e164: "+999 123 456" is not a valid phone number: its country calling code is unknown (no default country)',
    ],
    [undefined, ['+33123456789'], 'e164: expects text, got list ["+33123456789"]'],
  ] as [unknown, MappingValue, string][])('%j refuses %j with a clear message', (args, input, message) => {
    expect(transformError(() => build('e164', args).forward(input)).message).toBe(message);
  });

  it('keeps or empties invalid numbers when asked instead of failing the record', () => {
    expect(build('e164', { country: 'FR', onInvalid: 'keep' }).forward('12')).toBe('12');
    expect(build('e164', { country: 'FR', onInvalid: 'null' }).forward('12')).toBe(null);
  });

  it('refuses an unknown default country when the mapping loads', () => {
    expect(argProblems('e164', { country: 'XX' })).toEqual([
      'country: not a country code libphonenumber knows (ISO 3166-1 alpha-2, e.g. FR, US)',
    ]);
  });

  it.each([
    [{ inverseFormat: 'e164' }, '+33123456789', '+33123456789'],
    [{ inverseFormat: 'international' }, '+33123456789', '+33 1 23 45 67 89'],
    [{ inverseFormat: 'national', country: 'FR' }, '+33123456789', '01 23 45 67 89'],
    [{ inverseFormat: 'national', country: 'FR' }, '+14155552671', '+1 415 555 2671'],
    [{ inverseFormat: 'national' }, '+33123456789', '+33 1 23 45 67 89'],
    [{ inverseFormat: 'international' }, '+12125550100;ext=12', '+1 212 555 0100 ext. 12'],
    [{ inverseFormat: 'international', extension: 'drop' }, '+12125550100;ext=12', '+1 212 555 0100'],
  ] as [unknown, MappingValue, MappingValue][])('inverse %j: %j -> %j', (args, input, output) => {
    expect(build('e164', args).inverse(input)).toBe(output);
  });

  it('spellings of one number compare equal; unparseable ones compare by digits', () => {
    const { normalize } = build('e164', { country: 'FR' });
    expect(new Set(['01 23 45 67 89', '+33 1 23 45 67 89', '+33123456789', '0033123456789'].map(normalize)).size).toBe(
      1,
    );
    expect(normalize('12-34')).toBe(normalize('12 34'));
  });

  const NUMBERS: [string, string][] = [
    ['FR', '01 23 45 67 89'],
    ['FR', '06 12 34 56 78'],
    ['US', '(415) 555-2671'],
    ['US', '212-555-0100'],
    ['GB', '020 7946 0958'],
    ['DE', '030 901820'],
    ['ES', '912 345 678'],
    ['IT', '06 1234 5678'],
    ['JP', '03-1234-5678'],
    ['US', '+1 212 555 0100 x7'],
  ];

  it('round-trips through every inverse format (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...NUMBERS),
        fc.constantFrom('e164', 'international', 'national'),
        ([country, typed], format) => {
          const { forward, inverse } = build('e164', { country, inverseFormat: format });
          const e = forward(typed);
          expect(e).toMatch(/^\+[1-9]\d{6,14}(;ext=\d+)?$/);
          expect(forward(inverse(e))).toBe(e);
        },
      ),
    );
  });
});
