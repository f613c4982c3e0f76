/**
 * `default`: fill an empty value. Lossy (an empty value and the default itself both
 * become the default), so no inverse; equality treats an empty value and the
 * default as the same, so "CRM empty, ERP has the default" is not a change.
 */
import { z } from 'zod';
import { isBlank, mappingValueSchema } from './support.ts';
import type { MappingValue, TransformDefinition, TransformFn } from './types.ts';

/** Arguments of `default`, written `default: "n/a"` or `default: { value: "n/a", blank: false }`. */
export interface DefaultArgs {
  /** The value that replaces an empty one. */
  value: MappingValue;
  /** Whether whitespace-only text counts as empty (null always does). Default true. */
  blank: boolean;
}

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const defaultArgs = z.union([
  scalar.transform((value): DefaultArgs => ({ value, blank: true })),
  z.object({ value: mappingValueSchema, blank: z.boolean().default(true) }).strict(),
]);

function filler(args: DefaultArgs): TransformFn {
  const { value: fill, blank } = args;
  return (value) => ((blank ? isBlank(value) : value === null) ? fill : value);
}

/** `default`: null (and blank text, unless `blank: false`) -> `value`; anything else unchanged. */
export const defaultValue: TransformDefinition<DefaultArgs> = {
  name: 'default',
  summary: 'replace an empty value (null or blank text) with a fixed value',
  args: defaultArgs,
  compile: filler,
  normalize: filler,
};
