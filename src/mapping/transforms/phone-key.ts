/**
 * `phone`: a phone number as a match key: E.164 (`+33123456789`) through the same
 * reader as `e164`, and no key for a number that is not valid, instead of an error.
 */
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import { readPhone } from './phone.ts';
import { keyFn, keyText } from './support.ts';
import type { TransformDefinition } from './types.ts';

/** Options of {@link phoneKey} and arguments of `phone`. */
export interface PhoneKeyOptions {
  /**
   * ISO 3166-1 alpha-2 country of numbers written without `+`/`00` (`FR`: `01 23 45 67 89`
   * -> `+33123456789`). Default none: such numbers are no key.
   */
  country?: string;
  /**
   * An extension (`ext. 12`, `x12`) is kept as `;ext=12` (`keep`: two people behind one
   * switchboard stay apart) or dropped (`drop`). Default `keep`.
   */
  extension: 'keep' | 'drop';
}

/**
 * The match key of a phone number: E.164 (`+33 1 23 45 67 89`, `0033123456789` and
 * `01 23 45 67 89` with country FR -> `+33123456789`), with `;ext=12` for an
 * extension unless `extension: 'drop'`; undefined when it is not a valid number of its
 * country's plan (or has no `+`/`00` and no `country`). Pure and idempotent.
 */
export function phoneKey(value: unknown, options: Partial<PhoneKeyOptions> = {}): string | undefined {
  const text = keyText(value)?.trim();
  if (text === undefined || text === '') return undefined;
  const country = options.country?.toUpperCase();
  const known = country !== undefined && isSupportedCountry(country) ? (country as CountryCode) : undefined;
  const phone = readPhone(text, known);
  if ('why' in phone) return undefined;
  return phone.ext === undefined || options.extension === 'drop' ? phone.number : `${phone.number};ext=${phone.ext}`;
}

const phoneArgs = z
  .object({
    country: z
      .string()
      .transform((c) => c.toUpperCase())
      .refine((c) => isSupportedCountry(c), {
        message: 'not a country code libphonenumber knows (ISO 3166-1 alpha-2, e.g. FR, US)',
      })
      .optional(),
    extension: z.enum(['keep', 'drop']).default('keep'),
  })
  .strict()
  .prefault({});

/** `phone`: phone number -> E.164 match key; an invalid number -> null. */
export const phone: TransformDefinition<PhoneKeyOptions> = {
  name: 'phone',
  output: 'text',
  summary: 'phone number -> E.164 match key ("01 23 45 67 89", country FR -> "+33123456789"); invalid -> null',
  args: phoneArgs,
  compile: (args) => keyFn('phone', (text) => phoneKey(text, args)),
  normalize: (args) => keyFn('phone', (text) => phoneKey(text, args)),
};
