/**
 * The speed-ups of country-code must not change an answer: the ASCII shortcut of
 * nameKey gives what the unicode path gives, and the per-table answer cache stays
 * right when it fills up and is emptied.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COUNTRY_CACHE_SIZE, countryTable, nameKey } from '../../../../src/mapping/transforms/country-table.ts';
import type { MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { build } from './build.ts';

/** nameKey as it was before the ASCII shortcut: the unicode path for every input. */
function unicodeKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^the /, '');
}

describe('nameKey', () => {
  it.each([
    ['United States', 'united states'],
    ['  The Netherlands ', 'netherlands'],
    ['Congo (Kinshasa)', 'congo kinshasa'],
    ['Côte d’Ivoire', 'cote d ivoire'],
    ['DEUTSCHLAND', 'deutschland'],
    ['St. Kitts & Nevis', 'st kitts nevis'],
  ])('%s -> %s', (input, key) => {
    expect(nameKey(input)).toBe(key);
  });

  it('gives the unicode path answer for every printable ASCII text (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
        (text) => {
          expect(nameKey(text)).toBe(unicodeKey(text));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('gives the unicode path answer for any text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (text) => {
        expect(nameKey(text)).toBe(unicodeKey(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe('country table answer cache', () => {
  it('answers the same before and after the cache is filled and emptied', () => {
    const table = countryTable(['en', 'de'], 'en');
    const known: [string, string | undefined][] = [
      ['Deutschland', 'DE'],
      ['france', 'FR'],
      ['USA', 'US'],
      ['Atlantis', undefined],
    ];
    for (const [text, code] of known) expect(table.code(text)).toBe(code);
    for (let i = 0; i < COUNTRY_CACHE_SIZE * 2 + 5; i++) expect(table.code(`Nowhere ${i}`)).toBeUndefined();
    for (const [text, code] of known) expect(table.code(text)).toBe(code);
  });

  it('answers long texts without keeping them', () => {
    const table = countryTable(['en'], 'en');
    expect(table.code(`${'x'.repeat(200)}`)).toBeUndefined();
    expect(table.code(`   ${' '.repeat(100)}Germany`)).toBe('DE');
  });

  it('a cached unknown country is still an error each time (country-code)', () => {
    const code = build('country-code').forward;
    expect(code('Germany' as MappingValue)).toBe('DE');
    expect(() => code('Atlantis')).toThrow(/Atlantis/);
    expect(() => code('Atlantis')).toThrow(/Atlantis/);
  });
});
