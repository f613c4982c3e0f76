import { describe, expect, it } from 'vitest';
import { digitsKey, type MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { build } from './build.ts';

describe('digits', () => {
  it.each([
    ['FR 12 345 678 901', '12345678901'],
    ['12345678901', '12345678901'],
    ['DE-123.456.789', '123456789'],
    ['SO-007', '007'],
    ['０１２３', '0123'],
    [42, '42'],
    ['n/a', null],
    ['-', null],
    ['', null],
    [null, null],
  ] as [MappingValue, MappingValue][])('%j -> %j', (input, output) => {
    expect(build('digits').forward(input)).toBe(output);
  });

  it('takes no arguments; the plain function takes any value', () => {
    expect(digitsKey('SO-007')).toBe('007');
    expect(digitsKey('no digit')).toBeUndefined();
    expect(digitsKey(false)).toBeUndefined();
  });
});
