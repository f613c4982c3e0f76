import { describe, expect, it } from 'vitest';
import type { MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { build, transformError } from './build.ts';

const CASES: [name: string, input: MappingValue, output: MappingValue][] = [
  ['trim', '  Acme Corp \t', 'Acme Corp'],
  ['trim', '\u00a0Acme\u00a0', 'Acme'],
  ['trim', '', ''],
  ['trim', null, null],
  ['trim', 42, '42'],
  ['trim', [' a ', null, 'b '], ['a', null, 'b']],
  ['lower', 'JOHN@ACME.COM', 'john@acme.com'],
  ['lower', 'ÉCOLE', 'école'],
  ['lower', true, 'true'],
  ['upper', 'fr', 'FR'],
  ['upper', 'straße', 'STRASSE'],
  ['upper', null, null],
  ['title', 'jean-luc picard', 'Jean-Luc Picard'],
  ['title', "JOHN O'NEIL", "John O'Neil"],
  ['title', 'bank of america', 'Bank of America'],
  ['title', 'the lord of the rings', 'The Lord of the Rings'],
  ['title', 'ÉLODIE DE LA TOUR', 'Élodie de la Tour'],
  ['title', 'acme  corp', 'Acme  Corp'],
];

describe('text transforms', () => {
  it.each(CASES)('%s(%j) -> %j', (name, input, output) => {
    expect(build(name).forward(input)).toEqual(output);
  });

  it.each(CASES)('%s normalises %j like its forward function', (name, input, output) => {
    expect(build(name).normalize(input)).toEqual(output);
  });

  it.each(['trim', 'lower', 'upper', 'title'])('%s is idempotent on realistic names', (name) => {
    const { forward } = build(name);
    for (const s of [' Dupont & Fils ', 'MCDONALD', 'élodie', 'van der berg'])
      expect(forward(forward(s))).toEqual(forward(s));
  });

  it.each([
    ['trim', { a: 1 }, 'trim: expects text, got object {"a":1}'],
    ['upper', [[1]], 'upper: expects text, got list [1]'],
  ] as const)('%s refuses %j with a message saying what it expects', (name, input, message) => {
    expect(transformError(() => build(name).forward(input)).message).toBe(message);
  });
});
