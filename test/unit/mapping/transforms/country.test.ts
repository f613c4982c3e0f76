import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALPHA2_TO_ALPHA3 } from '../../../../src/mapping/transforms/country-table.ts';
import type { MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { argProblems, build, transformError } from './build.ts';

describe('country-code', () => {
  it.each([
    [undefined, 'USA', 'US'],
    [undefined, 'United States of America', 'US'],
    [undefined, 'united states', 'US'],
    [undefined, 'U.S.A.', 'US'],
    [undefined, 'Deutschland', 'DE'],
    [undefined, 'Allemagne', 'DE'],
    [undefined, 'germany', 'DE'],
    [undefined, 'de', 'DE'],
    [undefined, 'DEU', 'DE'],
    [undefined, '276', 'DE'],
    [undefined, 'The Netherlands', 'NL'],
    [undefined, 'Côte d’Ivoire', 'CI'],
    [undefined, 'Ivory Coast', 'CI'],
    [undefined, 'UK', 'GB'],
    [undefined, 'Great Britain', 'GB'],
    [undefined, 'Turkey', 'TR'],
    [undefined, 'España', 'ES'],
    [{ code: 'alpha3' }, 'France', 'FRA'],
    [{ languages: ['en', 'ja'] }, 'ドイツ', 'DE'],
    [{ names: { US: 'United States (USA)' } }, 'United States (USA)', 'US'],
    [undefined, '', null],
    [undefined, null, null],
  ] as [unknown, MappingValue, MappingValue][])('%j: %j -> %j', (args, input, output) => {
    expect(build('country-code', args).forward(input)).toBe(output);
  });

  it('names an unknown country and the languages it looked in', () => {
    expect(transformError(() => build('country-code').forward('Atlantis')).message).toBe(
      'country-code: "Atlantis" is not a country name or ISO 3166 code known in en, de, fr, es, it, nl, pt',
    );
    expect(build('country-code', { onUnknown: 'keep' }).forward('Atlantis')).toBe('Atlantis');
    expect(build('country-code', { onUnknown: 'null' }).forward('Atlantis')).toBe(null);
  });

  it.each([
    [{ lang: 'xx' }, 'lang: not a language of the country list'],
    [{ names: { XX: 'Nowhere' } }, 'names.XX: "XX" is not an ISO 3166-1 alpha-2 code (upper case, e.g. US)'],
  ])('refuses %j when the mapping loads', (args, prefix) => {
    const problems = argProblems('country-code', args);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.startsWith(prefix)).toBe(true);
  });

  it('writes names back, in English or another language, or as overridden', () => {
    expect(build('country-code').inverse('DE')).toBe('Germany');
    expect(build('country-code', { lang: 'de' }).inverse('DE')).toBe('Deutschland');
    expect(build('country-code', { names: { US: 'United States' } }).inverse('US')).toBe('United States');
    expect(transformError(() => build('country-code').inverse('QQ')).message).toBe(
      'country-code: "QQ" is not an ISO 3166 country code',
    );
  });

  it('"USA", "United States of America" and "US" compare equal', () => {
    const { normalize } = build('country-code');
    expect(new Set(['USA', 'United States of America', 'US', ' us '].map(normalize))).toEqual(new Set(['US']));
  });

  const codes = [...ALPHA2_TO_ALPHA3.keys()];

  it.each(['en', 'de', 'fr', 'es'])('every code round-trips through its %s name (property)', (lang) => {
    const { forward, inverse } = build('country-code', { lang, languages: [lang] });
    fc.assert(
      fc.property(fc.constantFrom(...codes), (code) => {
        expect(forward(inverse(code))).toBe(code);
      }),
      { numRuns: 300 },
    );
  });

  it('every alpha-3 code round-trips (property)', () => {
    const { forward, inverse } = build('country-code', { code: 'alpha3' });
    fc.assert(
      fc.property(fc.constantFrom(...codes), (code) => {
        const a3 = ALPHA2_TO_ALPHA3.get(code) as string;
        expect(forward(inverse(a3))).toBe(a3);
      }),
      { numRuns: 300 },
    );
  });
});

describe('country-name', () => {
  it.each([
    [undefined, 'DE', 'Germany'],
    [undefined, 'fr', 'France'],
    [undefined, 'Deutschland', 'Germany'],
    [{ lang: 'fr' }, 'DE', 'Allemagne'],
    [undefined, null, null],
  ] as [unknown, MappingValue, MappingValue][])('%j: %j -> %j', (args, input, output) => {
    expect(build('country-name', args).forward(input)).toBe(output);
  });

  it('writes the code back', () => {
    expect(build('country-name').inverse('Germany')).toBe('DE');
    expect(build('country-name', { code: 'alpha3' }).inverse('Germany')).toBe('DEU');
  });
});
