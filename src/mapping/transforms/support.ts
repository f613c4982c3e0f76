/**
 * Small helpers every transform shares: how a value is shown in an error message,
 * how a transform raises a {@link TransformError}, and the common input rules.
 */
import { z } from 'zod';
import { TransformError, type MappingValue, type TransformFn } from './types.ts';

const MAX_SHOWN = 60;

/** A value as an error message shows it: JSON, cut to 60 characters, e.g. `"abc"`, `10`, `null`. */
export function show(value: MappingValue): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 3)}...` : text;
}

/** The kind of a value as a message names it: `text`, `number`, `boolean`, `null`, `list`, `object`. */
export function kindOf(value: MappingValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'text';
  return typeof value;
}

/** Builds the error a transform throws: `<name>: <message>`. */
export function fail(transform: string, message: string, details: Record<string, unknown> = {}): TransformError {
  return new TransformError(`${transform}: ${message}`, { transform, details });
}

/**
 * The text of a scalar: strings as they are, finite numbers and booleans through
 * `String()` (connectors may hand a number where a mapping expects text). Lists and
 * objects are not text and throw.
 */
export function asText(transform: string, value: MappingValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw fail(transform, `expects text, got ${kindOf(value)} ${show(value)}`);
}

/**
 * Wraps a string -> value function into a {@link TransformFn}: null passes through
 * (an empty field stays empty), a list is transformed item by item (so `split` then
 * `trim` works), anything else goes through {@link asText}.
 */
export function textFn(transform: string, fn: (text: string) => MappingValue): TransformFn {
  const one = (value: MappingValue): MappingValue => (value === null ? null : fn(asText(transform, value)));
  // Text, by far the most common input, goes straight to `fn`: one call instead of three.
  return (value) =>
    typeof value === 'string'
      ? fn(value)
      : Array.isArray(value)
        ? (value as readonly MappingValue[]).map(one)
        : one(value);
}

/**
 * Wraps a match-key function into a {@link TransformFn} like {@link textFn} does:
 * null stays null, lists item by item, numbers and booleans as text; `undefined` from
 * `key` (not a key) becomes null.
 */
export function keyFn(transform: string, key: (text: string) => string | undefined): TransformFn {
  return textFn(transform, (text) => key(text) ?? null);
}

/** The text of a value handed to an exported key function: strings, finite numbers; anything else is no key. */
export function keyText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** True for null and for text that is empty or only whitespace. */
export function isBlank(value: MappingValue): boolean {
  return value === null || (typeof value === 'string' && value.trim() === '');
}

/** zod schema of any {@link MappingValue} (for arguments that carry values: defaults, value maps). */
export const mappingValueSchema: z.ZodType<MappingValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(mappingValueSchema),
    z.record(z.string(), mappingValueSchema),
  ]),
);
