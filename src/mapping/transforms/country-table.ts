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
export const COUNTRY_LANGUAGES: readonly string[] = (require('i18n-iso-countries/supportedLocales.json') as string[]).slice().sort();

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

/** Comparable form of a name: no accents, case, punctuation or leading "the". */
export function nameKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/^the /, '');
}

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
export function countryTable(languages: readonly string[], nameLanguage: string, overrides: Readonly<Record<string, string>> = {}): CountryTable {
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
  return {
    code(text) {
      const t = text.trim();
      const upper = t.toUpperCase();
      if (/^[A-Z]{2}$/.test(upper) && ALPHA2_TO_ALPHA3.has(upper)) return upper;
      if (/^[A-Z]{3}$/.test(upper) && ALPHA3.has(upper)) return ALPHA3.get(upper);
      if (/^\d{3}$/.test(t)) return NUMERIC.get(t);
      return byName.get(nameKey(t));
    },
    name(alpha2) {
      const override = overrides[alpha2];
      if (override !== undefined) return override;
      const names = written[alpha2];
      return typeof names === 'string' ? names : names?.[0];
    },
  };
}
