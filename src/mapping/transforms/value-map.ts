/**
 * `map`: value maps, both ways. `{ map: { A: B }, default, strict }` turns A into B
 * and, on the way back, B into A. Strict by default: a value the map does not name
 * is an error naming the value and the allowed ones, never a silent pass; set a
 * `default` to map every other value to one value, or `strict: false` to pass other
 * values through unchanged. Keys are text (YAML keys are), compared after trimming
 * and, with `ignoreCase`, case-insensitively; a list is mapped item by item
 * (multi-select fields). Null stays null (use `default` the transform to fill it).
 */
import { z } from 'zod';
import { fail, kindOf, mappingValueSchema, show } from './support.ts';
import type { MappingValue, TransformDefinition, TransformFn } from './types.ts';

/** Arguments of `map`, written `{ map: {...}, ... }` or, with no options, as the plain map. */
export interface ValueMapArgs {
  /** Source value (as text) -> target value. */
  map: Record<string, MappingValue>;
  /** Target for any value the map does not name (also makes the map non-strict). */
  default?: MappingValue;
  /** Unmapped values throw (true) or pass unchanged (false). Default true; ignored when `default` is set. */
  strict: boolean;
  /** Compare keys case-insensitively ("won" matches `WON:`). Default false. */
  ignoreCase: boolean;
  /** Entries for the way back (target -> source) that replace the ones built from `map`; settles ambiguous values. */
  inverse?: Record<string, MappingValue>;
  /** Source for any value the way back cannot map (unmapped or ambiguous). Default none (strict as above). */
  inverseDefault?: MappingValue;
}

const fullForm = z
  .object({
    map: z.record(z.string(), mappingValueSchema),
    default: mappingValueSchema.optional(),
    strict: z.boolean().default(true),
    ignoreCase: z.boolean().default(false),
    inverse: z.record(z.string(), mappingValueSchema).optional(),
    inverseDefault: mappingValueSchema.optional(),
  })
  .strict();

const valueMapArgs = z.union([
  fullForm,
  z.record(z.string(), mappingValueSchema).transform((map): ValueMapArgs => ({ map, strict: true, ignoreCase: false })),
]);

const MAX_LISTED = 20;

type Key = (value: MappingValue) => string;

function keyer(ignoreCase: boolean): Key {
  return (value) => {
    const text = typeof value === 'string' ? value.trim() : String(value);
    return ignoreCase ? text.toLowerCase() : text;
  };
}

function listed(keys: readonly string[]): string {
  const shown = keys
    .slice(0, MAX_LISTED)
    .map((k) => JSON.stringify(k))
    .join(', ');
  return keys.length > MAX_LISTED ? `${shown} and ${keys.length - MAX_LISTED} more` : shown;
}

interface Table {
  entries: Map<string, MappingValue>;
  /** Keys as written, for messages. */
  allowed: string[];
  fallback: { kind: 'default'; value: MappingValue } | { kind: 'strict' } | { kind: 'pass' };
}

function mapper(table: Table, key: Key, direction: string): TransformFn {
  const one = (value: MappingValue): MappingValue => {
    if (value === null) return null;
    if (typeof value === 'object') throw fail('map', `cannot map a ${kindOf(value)} ${show(value)}`);
    const found = table.entries.get(key(value));
    if (found !== undefined) return found;
    switch (table.fallback.kind) {
      case 'default':
        return table.fallback.value;
      case 'pass':
        return value;
      default:
        throw fail('map', `${show(value)} is not mapped${direction}; allowed: ${listed(table.allowed)}`, {
          value,
          allowed: table.allowed,
        });
    }
  };
  return (value) => (Array.isArray(value) ? (value as readonly MappingValue[]).map(one) : one(value));
}

function forwardTable(args: ValueMapArgs, key: Key): Table {
  const entries = new Map<string, MappingValue>();
  const written = new Map<string, string>();
  for (const [from, to] of Object.entries(args.map)) {
    const k = key(from);
    const twin = written.get(k);
    if (twin !== undefined)
      throw fail(
        'map',
        `keys ${show(twin)} and ${show(from)} are the same value${args.ignoreCase ? ' ignoring case' : ''}; keep one`,
      );
    written.set(k, from);
    entries.set(k, to);
  }
  const fallback: Table['fallback'] =
    args.default !== undefined
      ? { kind: 'default', value: args.default }
      : args.strict
        ? { kind: 'strict' }
        : { kind: 'pass' };
  return { entries, allowed: Object.keys(args.map), fallback };
}

/** The way back: built from `map`, then `inverse` entries on top; ambiguity needs `inverse` or `inverseDefault`. */
function inverseTable(args: ValueMapArgs, key: Key): Table {
  const sources = new Map<string, string[]>();
  const targets = new Map<string, MappingValue>();
  for (const [from, to] of Object.entries(args.map)) {
    if (to === null || typeof to === 'object') {
      throw fail(
        'map',
        `has no way back: ${show(from)} maps to ${kindOf(to)} ${show(to)}; add inverse entries or declare the field one-way`,
      );
    }
    const k = key(to);
    sources.set(k, [...(sources.get(k) ?? []), from]);
    targets.set(k, to);
  }
  const explicit = new Map(Object.entries(args.inverse ?? {}).map(([k, v]) => [key(k), v] as const));
  const entries = new Map<string, MappingValue>();
  for (const [k, from] of sources) {
    if (explicit.has(k)) continue;
    if (from.length === 1) entries.set(k, from[0] as string);
    else if (args.inverseDefault === undefined) {
      throw fail(
        'map',
        `the way back is ambiguous: ${show(targets.get(k) ?? k)} comes from ${listed(from)}; add \`inverse: { ` +
          `${JSON.stringify(String(targets.get(k)))}: <one of them> }\` or \`inverseDefault\`, or declare the field one-way`,
      );
    }
  }
  for (const [k, v] of explicit) entries.set(k, v);
  const fallback: Table['fallback'] =
    args.inverseDefault !== undefined
      ? { kind: 'default', value: args.inverseDefault }
      : args.strict
        ? { kind: 'strict' }
        : { kind: 'pass' };
  const allowed = [...new Set([...Object.values(args.map).map((v) => String(v)), ...Object.keys(args.inverse ?? {})])];
  return { entries, allowed, fallback };
}

/** `map`: a value map, both ways; see the module comment. */
export const valueMap: TransformDefinition<ValueMapArgs> = {
  name: 'map',
  summary: 'map values through a table, both ways (strict: unmapped values are errors)',
  args: valueMapArgs,
  compile(args) {
    const key = keyer(args.ignoreCase);
    return mapper(forwardTable(args, key), key, '');
  },
  inverse(args) {
    const key = keyer(args.ignoreCase);
    return mapper(inverseTable(args, key), key, ' on the way back');
  },
  normalize(args) {
    const key = keyer(args.ignoreCase);
    const table = forwardTable(args, key);
    // Unmapped values compare by their key form instead of failing: equality must
    // never throw, and two spellings of one unmapped value are still the same value.
    const loose = mapper({ ...table, fallback: { kind: 'pass' } }, key, '');
    return (value) => {
      const out = loose(value);
      return out === value && value !== null && typeof value !== 'object' ? key(value) : out;
    };
  },
};
