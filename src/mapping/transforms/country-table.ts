/**
 * Country names and ISO 3166-1 codes from `i18n-iso-countries` (the maintained list
 * with names in 80 languages and common aliases such as "USA", "UK", "Deutschland",
 * "Ivory Coast"). Tables are built once per set of languages and are immutable.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface LocaleFile {
  locale: string;
  countries: Record<string, string | string[]>;
}

type CodeRow = [alpha2: string, alpha3: string, numeric: string, ...rest: string[]];

const CODES = require('i18n-iso-countries/codes.json') as CodeRow[];
/** Languages the list has names in (ISO 639-1 codes such as `en`, `de`). */
export const COUNTRY_LANGUAGES: readonly string[] = (require('i18n-iso-countries/supportedLocales.json') as string[])
  .slice()
  .sort();

const ALPHA3 = new Map(CODES.map(([a2, a3]) => [a3, a2]));
const NUMERIC = new Map(CODES.map(([a2, , num]) => [num, a2]));
/** alpha-2 -> alpha-3, for every assigned code. */
export const ALPHA2_TO_ALPHA3: ReadonlyMap<string, string> = new Map(CODES.map(([a2, a3]) => [a2, a3]));

const locales = new Map<string, LocaleFile>();

function localeFile(lang: string): LocaleFile {
  let file = locales.get(lang);
  if (file === undefined) {
    file = require(`i18n-iso-countries/langs/${lang}.json`) as LocaleFile;
    locales.set(lang, file);
  }
  return file;
}

// Printable ASCII: NFD changes nothing and there are no combining marks, so the
// unicode-aware regular expressions (the slow part) can be skipped.
const ASCII = /^[\x20-\x7e]*$/;

/** Comparable form of a name: no accents, case, punctuation or leading "the". */
export function nameKey(name: string): string {
  if (ASCII.test(name)) {
    return name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()
      .replace(/^the /, '');
  }
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^the /, '');
}

/** How many distinct inputs a table remembers the answer for (a mapping sees few distinct country texts). */
export const COUNTRY_CACHE_SIZE = 1024;
// Longer texts are not country names; caching them would only hold memory.
const CACHED_LENGTH = 80;

/** Names and codes of every country, readable in a chosen set of languages. */
export interface CountryTable {
  /** alpha-2 code for a code (alpha-2, alpha-3, numeric) or a name in one of the languages; undefined when unknown. */
  code(text: string): string | undefined;
  /** The first (official) name of an alpha-2 code in `lang`; undefined for an unknown code. */
  name(alpha2: string): string | undefined;
}

/**
 * Builds a table reading names in `languages` (earlier languages win when a name
 * means different countries in two languages) and writing names in `nameLanguage`;
 * `overrides` (alpha-2 -> name) replace written names and are read too.
 */
export function countryTable(
  languages: readonly string[],
  nameLanguage: string,
  overrides: Readonly<Record<string, string>> = {},
): CountryTable {
  const byName = new Map<string, string>();
  for (const [code, name] of Object.entries(overrides)) byName.set(nameKey(name), code);
  for (const lang of [nameLanguage, ...languages]) {
    for (const [code, names] of Object.entries(localeFile(lang).countries)) {
      for (const name of typeof names === 'string' ? [names] : names) {
        const key = nameKey(name);
        if (!byName.has(key)) byName.set(key, code);
      }
    }
  }
  const written = localeFile(nameLanguage).countries;
  // Answers by input text; emptied when full, so memory stays bounded whatever the input.
  const cache = new Map<string, string | undefined>();
  const lookup = (text: string): string | undefined => {
    const t = text.trim();
    const upper = t.toUpperCase();
    if (/^[A-Z]{2}$/.test(upper) && ALPHA2_TO_ALPHA3.has(upper)) return upper;
    if (/^[A-Z]{3}$/.test(upper) && ALPHA3.has(upper)) return ALPHA3.get(upper);
    if (/^\d{3}$/.test(t)) return NUMERIC.get(t);
    return byName.get(nameKey(t));
  };
  return {
    code(text) {
      if (text.length > CACHED_LENGTH) return lookup(text);
      const hit = cache.get(text);
      if (hit !== undefined || cache.has(text)) return hit;
      const answer = lookup(text);
      if (cache.size >= COUNTRY_CACHE_SIZE) cache.clear();
      cache.set(text, answer);
      return answer;
    },
    name(alpha2) {
      const override = overrides[alpha2];
      if (override !== undefined) return override;
      const names = written[alpha2];
      return typeof names === 'string' ? names : names?.[0];
    },
  };
}
