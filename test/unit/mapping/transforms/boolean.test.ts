import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { argProblems, build, transformError } from './build.ts';

describe('boolean', () => {
  it.each([
    ['true', true],
    ['false', false],
    ['TRUE', true],
    [' Yes ', true],
    ['no', false],
    ['y', true],
    ['N', false],
    ['1', true],
    ['0', false],
    ['on', true],
    ['off', false],
    ['checked', true],
    ['unchecked', false],
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    ['', null],
    [null, null],
  ] as [MappingValue, MappingValue][])('%j -> %j', (input, output) => {
    expect(build('boolean').forward(input)).toBe(output);
  });

  it.each([
    [
      'maybe',
      'boolean: "maybe" is not a yes/no value; known: true, yes, y, 1, on, checked, false, no, n, 0, off, unchecked',
    ],
    [2, 'boolean: the number 2 is neither 1 nor 0'],
    [['true'], 'boolean: expects yes/no text or a boolean, got list ["true"]'],
  ] as [MappingValue, string][])('refuses %j', (input, message) => {
    expect(transformError(() => build('boolean').forward(input)).message).toBe(message);
  });

  it('reads extra words (a French form) and writes custom text back', () => {
    const { forward, inverse } = build('boolean', {
      trueWords: ['Oui'],
      falseWords: ['Non'],
      trueText: 'Oui',
      falseText: 'Non',
    });
    expect([forward('oui'), forward('NON')]).toEqual([true, false]);
    expect([inverse(true), inverse(false), inverse(null)]).toEqual(['Oui', 'Non', null]);
  });

  it('refuses a word that would mean both true and false', () => {
    expect(argProblems('boolean', { trueWords: ['no'] })).toEqual([': words read as both true and false: no']);
  });

  it('writes HubSpot "true"/"false" back by default, or booleans when asked', () => {
    expect([build('boolean').inverse(true), build('boolean').inverse('no')]).toEqual(['true', 'false']);
    expect(build('boolean', { inverseAs: 'boolean' }).inverse('yes')).toBe(true);
  });

  it('"true", "yes", 1 and true compare equal', () => {
    const { normalize } = build('boolean');
    expect(new Set(['true', 'yes', 1, true, 'On'].map(normalize))).toEqual(new Set([true]));
  });

  it('round-trips both ways (property)', () => {
    const { forward, inverse } = build('boolean');
    fc.assert(
      fc.property(fc.boolean(), (b) => {
        expect(forward(inverse(b))).toBe(b);
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom('true', 'false'), (text) => {
        expect(inverse(forward(text))).toBe(text);
      }),
    );
  });
});
