/**
 * The transform registry: every transform a mapping file can name, by name. The
 * mapping compiler looks names up here (and suggests the nearest name for a typo),
 * validates a field's arguments with `args`, then calls `compile` (and `inverse`,
 * `normalize`) once per field. `inverse` may throw a TransformError at compile time
 * when particular arguments have no way back (an ambiguous value map, a template
 * with adjacent placeholders): the loader reports it on the field.
 */
import { boolean } from './boolean.ts';
import { companyName } from './company-name.ts';
import { countryCode, countryName } from './country.ts';
import { date, datetime } from './datetime.ts';
import { defaultValue } from './default.ts';
import { digits } from './digits.ts';
import { domain } from './domain.ts';
import { email } from './email.ts';
import { number, round } from './number.ts';
import { e164 } from './phone.ts';
import { phone } from './phone-key.ts';
import { replace } from './replace.ts';
import { concat, split } from './split.ts';
import { template } from './template.ts';
import { lower, title, trim, upper } from './text.ts';
import { valueMap } from './value-map.ts';
import type { TransformDefinition } from './types.ts';

export { TransformError } from './types.ts';
// Match keys as plain functions, for the engine's identity matching (docs/transforms.md "Matching keys").
export { companyNameKey, companyNameMatch, companyWords, type CompanyNameKey } from './company-name.ts';
export { digitsKey } from './digits.ts';
export { domainKey, type DomainOptions } from './domain.ts';
export { emailKey } from './email.ts';
export { LEGAL_FORMS, type LegalForm } from './legal-forms.ts';
export { phoneKey, type PhoneKeyOptions } from './phone-key.ts';
export type {
  MappingValue,
  TransformDefinition,
  TransformErrorContext,
  TransformErrorOptions,
  TransformFn,
  TransformOutput,
} from './types.ts';

// Each definition is typed by its own args; the registry holds them by name only,
// and the compiler hands each the output of its own `args` schema.
const ALL = [
  trim,
  lower,
  upper,
  title,
  template,
  concat,
  split,
  replace,
  defaultValue,
  number,
  round,
  boolean,
  date,
  datetime,
  e164,
  countryCode,
  countryName,
  email,
  valueMap,
  domain,
  companyName,
  phone,
  digits,
] as unknown as readonly TransformDefinition[];

/** Every transform by its name in mapping files. */
export const TRANSFORMS: ReadonlyMap<string, TransformDefinition> = new Map(ALL.map((t) => [t.name, t]));

/** The names of all transforms, sorted (for docs and `did you mean`). */
export function transformNames(): string[] {
  return [...TRANSFORMS.keys()].sort();
}
