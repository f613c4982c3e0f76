/**
 * `boolean`: the many spellings of yes and no -> true/false. HubSpot booleancheckbox
 * properties arrive as "true"/"false" text, Odoo booleans as true/false, spreadsheets
 * and forms as yes/no, 1/0, on/off. The inverse writes HubSpot's "true"/"false"
 * (or real booleans with `inverseAs: boolean`).
 */
import { z } from 'zod';
import { fail, kindOf, show } from './support.ts';
import type { MappingValue, TransformDefinition, TransformFn } from './types.ts';

/** Arguments of `boolean`. */
export interface BooleanArgs {
  /** Extra words read as true (case-insensitive), added to true/yes/y/1/on/checked. */
  trueWords: string[];
  /** Extra words read as false (case-insensitive), added to false/no/n/0/off/unchecked. */
  falseWords: string[];
  /** What the inverse writes: `text` ("true"/"false", HubSpot) or `boolean`. Default `text`. */
  inverseAs: 'text' | 'boolean';
  /** Text the inverse writes for true. Default "true". */
  trueText: string;
  /** Text the inverse writes for false. Default "false". */
  falseText: string;
}

const TRUE_WORDS = ['true', 'yes', 'y', '1', 'on', 'checked'];
const FALSE_WORDS = ['false', 'no', 'n', '0', 'off', 'unchecked'];

const booleanArgs = z
  .object({
    trueWords: z.array(z.string().min(1)).default([]),
    falseWords: z.array(z.string().min(1)).default([]),
    inverseAs: z.enum(['text', 'boolean']).default('text'),
    trueText: z.string().default('true'),
    falseText: z.string().default('false'),
  })
  .strict()
  .superRefine((a, ctx) => {
    const yes = new Set([...TRUE_WORDS, ...a.trueWords.map((w) => w.trim().toLowerCase())]);
    const both = [...FALSE_WORDS, ...a.falseWords.map((w) => w.trim().toLowerCase())].filter((w) => yes.has(w));
    if (both.length > 0)
      ctx.addIssue({ code: 'custom', message: `words read as both true and false: ${both.join(', ')}` });
  })
  .prefault({});

function parser(args: BooleanArgs): TransformFn {
  const words = new Map<string, boolean>();
  for (const w of [...TRUE_WORDS, ...args.trueWords]) words.set(w.trim().toLowerCase(), true);
  for (const w of [...FALSE_WORDS, ...args.falseWords]) words.set(w.trim().toLowerCase(), false);
  const known = [...words.keys()].join(', ');
  return (value: MappingValue): MappingValue => {
    if (value === null || typeof value === 'boolean') return value;
    if (typeof value === 'number') {
      if (value === 1 || value === 0) return value === 1;
      throw fail('boolean', `the number ${value} is neither 1 nor 0`);
    }
    if (typeof value !== 'string')
      throw fail('boolean', `expects yes/no text or a boolean, got ${kindOf(value)} ${show(value)}`);
    const key = value.trim().toLowerCase();
    if (key === '') return null;
    const found = words.get(key);
    if (found === undefined) throw fail('boolean', `${show(value)} is not a yes/no value; known: ${known}`);
    return found;
  };
}

/** `boolean`: yes/no text, 1/0 or a boolean -> boolean; "" and null -> null. */
export const boolean: TransformDefinition<BooleanArgs> = {
  name: 'boolean',
  output: 'boolean',
  summary: 'true/false, yes/no, 1/0, on/off -> boolean; inverse writes "true"/"false"',
  args: booleanArgs,
  compile: (args) => parser(args),
  inverse(args) {
    const parse = parser(args);
    if (args.inverseAs === 'boolean') return parse;
    return (value) => {
      const b = parse(value);
      return b === null ? null : b === true ? args.trueText : args.falseText;
    };
  },
  normalize: (args) => parser(args),
};
