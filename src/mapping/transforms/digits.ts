/**
 * `digits`: only the digits of a value, as a match key for tax ids, registration and
 * order numbers typed with or without spaces, dots, dashes or a country prefix:
 * `FR 12 345 678 901` and `12345678901` share the key `12345678901`.
 */
import { z } from 'zod';
import { keyFn, keyText } from './support.ts';
import type { TransformDefinition } from './types.ts';

/**
 * The digits of a value (0-9, after NFKC, so full-width digits count) in order,
 * leading zeros kept (`007` and `7` are different order numbers); undefined when it
 * has none. Pure and idempotent.
 */
export function digitsKey(value: unknown): string | undefined {
  const text = keyText(value);
  if (text === undefined) return undefined;
  const digits = text.normalize('NFKC').replace(/[^0-9]/g, '');
  return digits === '' ? undefined : digits;
}

const key = keyFn('digits', digitsKey);

/** `digits`: keep only the digits (`"FR 12-345"` -> `"12345"`); no digit -> null. */
export const digits: TransformDefinition<undefined> = {
  name: 'digits',
  output: 'text',
  summary: 'keep only the digits, as a key for tax ids and order numbers ("FR 12-345" -> "12345")',
  args: z.undefined(),
  compile: () => key,
  normalize: () => key,
};
