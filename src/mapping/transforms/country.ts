/**
 * `country-code` (name or code -> ISO 3166-1 alpha-2/alpha-3) and `country-name`
 * (code -> name), each the other's inverse. Odoo's `country_id` is found by code
 * through a lookup; HubSpot's `country` is free text: "USA", "United States of
 * America", "Deutschland" and "DE" all become `DE`/`US`.
 */
import { z } from 'zod';
import { ALPHA2_TO_ALPHA3, COUNTRY_LANGUAGES, countryTable, type CountryTable } from './country-table.ts';
import { fail, show, textFn } from './support.ts';
import type { MappingValue, TransformDefinition, TransformFn } from './types.ts';

/** Arguments of `country-code` and `country-name`. */
export interface CountryArgs {
  /** Languages whose country names are read (ISO 639-1). Default en, de, fr, es, it, nl, pt. */
  languages: string[];
  /** Language of the names written. Default `en`. */
  lang: string;
  /** Code written: `alpha2` (`DE`) or `alpha3` (`DEU`). Default `alpha2`. */
  code: 'alpha2' | 'alpha3';
  /** Names to write (and read) instead of the list's, by alpha-2 code, e.g. `{ US: "United States" }` to match Odoo's names. */
  names: Record<string, string>;
  /** What an unknown country does: `error` (TransformError), `keep` (unchanged), `null`. Default `error`. */
  onUnknown: 'error' | 'keep' | 'null';
}

const language = z.string().refine((l) => COUNTRY_LANGUAGES.includes(l), {
  message: `not a language of the country list; known: ${COUNTRY_LANGUAGES.join(', ')}`,
});

const countryArgs = z
  .object({
    languages: z.array(language).default(['en', 'de', 'fr', 'es', 'it', 'nl', 'pt']),
    lang: language.default('en'),
    code: z.enum(['alpha2', 'alpha3']).default('alpha2'),
    names: z.record(z.string(), z.string().min(1)).default({}),
    onUnknown: z.enum(['error', 'keep', 'null']).default('error'),
  })
  .strict()
  .superRefine((a, ctx) => {
    for (const code of Object.keys(a.names)) {
      if (!ALPHA2_TO_ALPHA3.has(code))
        ctx.addIssue({
          code: 'custom',
          path: ['names', code],
          message: `"${code}" is not an ISO 3166-1 alpha-2 code (upper case, e.g. US)`,
        });
    }
  })
  .prefault({});

// Tables are immutable; one per distinct argument set of the mapping being compiled.
function table(args: CountryArgs): CountryTable {
  return countryTable(args.languages, args.lang, args.names);
}

function unknown(name: string, args: CountryArgs, value: MappingValue, what: string): MappingValue {
  if (args.onUnknown === 'keep') return value;
  if (args.onUnknown === 'null') return null;
  throw fail(name, `${show(value)} is not ${what}`);
}

function toCode(name: string, args: CountryArgs): TransformFn {
  const t = table(args);
  return textFn(name, (text) => {
    if (text.trim() === '') return null;
    const alpha2 = t.code(text);
    if (alpha2 === undefined)
      return unknown(name, args, text, `a country name or ISO 3166 code known in ${args.languages.join(', ')}`);
    return args.code === 'alpha2' ? alpha2 : (ALPHA2_TO_ALPHA3.get(alpha2) ?? alpha2);
  });
}

function toName(name: string, args: CountryArgs): TransformFn {
  const t = table(args);
  return textFn(name, (text) => {
    if (text.trim() === '') return null;
    const alpha2 = t.code(text);
    const written = alpha2 === undefined ? undefined : t.name(alpha2);
    if (written === undefined) return unknown(name, args, text, 'an ISO 3166 country code');
    return written;
  });
}

/** `country-code`: country name or code -> ISO 3166-1 code; inverse writes the name. */
export const countryCode: TransformDefinition<CountryArgs> = {
  name: 'country-code',
  summary: 'country name or code -> ISO 3166-1 alpha-2 ("Deutschland" -> "DE"); inverse writes the name',
  args: countryArgs,
  compile: (args) => toCode('country-code', args),
  inverse: (args) => toName('country-code', args),
  normalize: (args) => toCode('country-code', { ...args, code: 'alpha2', onUnknown: 'keep' }),
};

/** `country-name`: ISO 3166-1 code (or any known name) -> the country's name in `lang`; inverse writes the code. */
export const countryName: TransformDefinition<CountryArgs> = {
  name: 'country-name',
  summary: 'ISO 3166-1 code -> country name in `lang` ("DE" -> "Germany"); inverse writes the code',
  args: countryArgs,
  compile: (args) => toName('country-name', args),
  inverse: (args) => toCode('country-name', args),
  normalize: (args) => toCode('country-name', { ...args, code: 'alpha2', onUnknown: 'keep' }),
};
