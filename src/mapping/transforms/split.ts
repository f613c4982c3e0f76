/**
 * `split` (text -> list) and `concat` (list or object -> text), each the other's
 * inverse. HubSpot multi-select properties are one text with `;` between options,
 * Odoo many2many tags are lists: `split: { separator: ";" }` maps one to the other.
 */
import { z } from 'zod';
import { asText, fail, isBlank, kindOf, show } from './support.ts';
import type { MappingValue, TransformDefinition, TransformFn } from './types.ts';

/** Arguments of `split`. */
export interface SplitArgs {
  /** Text between items. Default ",". */
  separator: string;
  /** Trim each item. Default true. */
  trim: boolean;
  /** Drop empty items ("a,,b" -> ["a", "b"]). Default true. */
  removeEmpty: boolean;
  /** Separator the inverse (`concat`) writes. Default `separator`. */
  joinWith?: string;
}

const splitArgs = z
  .object({
    separator: z.string().min(1).default(','),
    trim: z.boolean().default(true),
    removeEmpty: z.boolean().default(true),
    joinWith: z.string().optional(),
  })
  .strict()
  .prefault({});

/** Arguments of `concat`. */
export interface ConcatArgs {
  /** Text between items. Default " ". */
  separator: string;
  /** Leave out null and blank items (no doubled separators). Default true. */
  skipEmpty: boolean;
}

const concatArgs = z
  .object({ separator: z.string().default(' '), skipEmpty: z.boolean().default(true) })
  .strict()
  .prefault({});

function splitter(args: SplitArgs): TransformFn {
  return (value) => {
    if (value === null) return null;
    // Already a list (the other side stores lists): split each item, flatten.
    const texts = Array.isArray(value)
      ? (value as readonly MappingValue[]).filter((v) => v !== null).map((v) => asText('split', v))
      : [asText('split', value)];
    const out: string[] = [];
    for (const text of texts) {
      for (const raw of text.split(args.separator)) {
        const item = args.trim ? raw.trim() : raw;
        if (!args.removeEmpty || item !== '') out.push(item);
      }
    }
    return out;
  };
}

function joiner(args: ConcatArgs): TransformFn {
  return (value) => {
    if (value === null) return null;
    if (typeof value !== 'object') return asText('concat', value);
    const items = Array.isArray(value) ? (value as readonly MappingValue[]) : Object.values(value);
    const parts: string[] = [];
    for (const item of items) {
      if (args.skipEmpty && isBlank(item)) continue;
      if (item !== null && typeof item === 'object')
        throw fail('concat', `cannot join a nested ${kindOf(item)} ${show(item)}`);
      parts.push(item === null ? '' : asText('concat', item));
    }
    return parts.length === 0 ? null : parts.join(args.separator);
  };
}

/** `split`: text -> list of texts; null -> null. */
export const split: TransformDefinition<SplitArgs> = {
  name: 'split',
  output: 'list',
  summary: 'text -> list at a separator ("a;b" -> ["a", "b"]); inverse joins',
  args: splitArgs,
  compile: splitter,
  inverse: (args) => joiner({ separator: args.joinWith ?? args.separator, skipEmpty: args.removeEmpty }),
  normalize: splitter,
};

/** `concat`: list (or an object's values, in order) -> text with a separator; all empty -> null. */
export const concat: TransformDefinition<ConcatArgs> = {
  name: 'concat',
  output: 'text',
  summary: 'join a list or several fields with a separator, skipping empty ones',
  args: concatArgs,
  compile: joiner,
  inverse(args) {
    if (args.separator === '') {
      throw fail(
        'concat',
        'has no inverse with an empty separator (the parts cannot be told apart); declare the field one-way',
      );
    }
    return splitter({ separator: args.separator, trim: false, removeEmpty: args.skipEmpty });
  },
  normalize: joiner,
};
