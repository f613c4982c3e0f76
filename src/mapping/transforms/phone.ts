/**
 * `e164`: a phone number as people type it -> E.164 (`+33123456789`), with
 * libphonenumber-js and its full ("max") metadata, so validation checks the
 * number's digits against the country's plan, not only its length. A number
 * without a country prefix needs `country`. The inverse re-validates and writes
 * E.164 (default) or a readable international/national form.
 */
import {
  isSupportedCountry,
  parsePhoneNumberWithError,
  ParseError,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import { z } from 'zod';
import { asText, fail, show } from './support.ts';
import type { MappingValue, TransformDefinition, TransformFn } from './types.ts';

/** Arguments of `e164`. */
export interface PhoneArgs {
  /** ISO 3166-1 alpha-2 country for numbers written without `+`/`00` prefix, e.g. `FR`. Default none. */
  country?: string;
  /** What an invalid number does: `error` (TransformError), `keep` (passes unchanged), `null`. Default `error`. */
  onInvalid: 'error' | 'keep' | 'null';
  /** An extension ("ext. 12") is kept as `;ext=12` (RFC 3966) or dropped (pure E.164). Default `keep`. */
  extension: 'keep' | 'drop';
  /**
   * What the inverse writes: `e164`, `international` ("+33 1 23 45 67 89") or `national` ("01 23 45 67
   * 89"; numbers of other countries than `country` stay international). Default `e164`.
   */
  inverseFormat: 'e164' | 'international' | 'national';
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
    onInvalid: z.enum(['error', 'keep', 'null']).default('error'),
    extension: z.enum(['keep', 'drop']).default('keep'),
    inverseFormat: z.enum(['e164', 'international', 'national']).default('e164'),
  })
  .strict()
  .prefault({});

const REASONS: Record<string, string> = {
  NOT_A_NUMBER: 'it is not a phone number',
  INVALID_COUNTRY: 'its country calling code is unknown',
  TOO_SHORT: 'it is too short',
  TOO_LONG: 'it is too long',
  INVALID_LENGTH: 'its length is not valid',
};

/**
 * Reads a phone number as people type it, with libphonenumber-js's full metadata:
 * the number when it is valid for its country's numbering plan, else why not (`it is
 * too short`, `no FR number has these digits`...). Without `country` a number must
 * start with `+` or `00`. Shared by `e164` and `phone`.
 */
export function readPhone(text: string, country: CountryCode | undefined): PhoneNumber | { why: string } {
  let phone: PhoneNumber;
  try {
    // "00" is the international prefix nearly everywhere outside North America; with
    // no default country to say otherwise, read "0033..." as "+33...".
    const international = country === undefined && text.startsWith('00') ? `+${text.slice(2)}` : text;
    phone = parsePhoneNumberWithError(international, country);
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    const reason = REASONS[err.message] ?? err.message;
    const noPrefix = country === undefined && !/^\s*(\+|00)/.test(text);
    return { why: noPrefix ? `${reason}; it has no +country prefix and no default country is set` : reason };
  }
  if (!phone.isValid()) return { why: `no ${phone.country ?? `+${phone.countryCallingCode}`} number has these digits` };
  return phone;
}

function formatter(args: PhoneArgs, format: PhoneArgs['inverseFormat']): TransformFn {
  const defaultCountry = args.country as CountryCode | undefined;
  const where = defaultCountry === undefined ? 'no default country' : `default country ${defaultCountry}`;
  const invalid = (value: MappingValue, why: string): MappingValue => {
    if (args.onInvalid === 'keep') return value;
    if (args.onInvalid === 'null') return null;
    throw fail('e164', `${show(value)} is not a valid phone number: ${why} (${where})`);
  };
  const write = (phone: PhoneNumber): string => {
    if (format === 'e164')
      return phone.ext === undefined || args.extension === 'drop' ? phone.number : `${phone.number};ext=${phone.ext}`;
    // A national form drops the country: only the default country's numbers may use
    // it, or a US number written back to a French CRM would read as French.
    const national = format === 'national' && defaultCountry !== undefined && phone.country === defaultCountry;
    // libphonenumber-js writes " ext. 12" itself in the readable formats.
    const text = national ? phone.formatNational() : phone.formatInternational();
    return phone.ext !== undefined && args.extension === 'drop' ? text.replace(/ ext\. \d+$/, '') : text;
  };
  return (value) => {
    if (value === null) return null;
    const text = asText('e164', value).trim();
    if (text === '') return null;
    const phone = readPhone(text, defaultCountry);
    return 'why' in phone ? invalid(value, phone.why) : write(phone);
  };
}

/** `e164`: phone number text -> E.164; "" and null -> null. */
export const e164: TransformDefinition<PhoneArgs> = {
  name: 'e164',
  output: 'text',
  summary: 'phone number -> E.164 ("01 23 45 67 89", country FR -> "+33123456789")',
  args: phoneArgs,
  compile: (args) => formatter(args, 'e164'),
  inverse: (args) => formatter(args, args.inverseFormat),
  normalize(args) {
    const strict = formatter({ ...args, onInvalid: 'error', extension: 'keep' }, 'e164');
    return (value) => {
      try {
        return strict(value);
      } catch {
        // Unparseable numbers still compare by their digits, not their spacing.
        return typeof value === 'string' ? value.replace(/[^\d+]/g, '') : value;
      }
    };
  },
};
