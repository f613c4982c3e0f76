/**
 * `replace`: replace every occurrence of a text or a regular expression. Lossy in
 * general (no inverse): declare the field one-way or write a second `replace` for
 * the way back.
 */
import { z } from 'zod';
import { textFn } from './support.ts';
import type { TransformDefinition } from './types.ts';

/** Arguments of `replace`. */
export interface ReplaceArgs {
  /** What to find: literal text, or a JavaScript regular expression when `regex` is true. */
  pattern: string;
  /** Replacement text. With `regex`, `$1`... refer to groups. Default "" (delete). */
  with: string;
  /** Treat `pattern` as a regular expression (Unicode mode). Default false. */
  regex: boolean;
  /** Match regardless of case. Default false. */
  ignoreCase: boolean;
}

const replaceArgs = z
  .object({
    pattern: z.string().min(1),
    with: z.string().default(''),
    regex: z.boolean().default(false),
    ignoreCase: z.boolean().default(false),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (!a.regex) return;
    try {
      new RegExp(a.pattern, 'gu');
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['pattern'],
        message: `not a valid regular expression: ${(err as Error).message}`,
      });
    }
  });

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `replace`: every match of `pattern` -> `with`. */
export const replace: TransformDefinition<ReplaceArgs> = {
  name: 'replace',
  output: 'text',
  summary: 'replace every occurrence of a text or regular expression',
  args: replaceArgs,
  compile(args) {
    const source = args.regex ? args.pattern : escapeRegExp(args.pattern);
    const re = new RegExp(source, args.ignoreCase ? 'giu' : 'gu');
    // A literal replacement must not interpret `$&` and friends: use a function.
    const replacement = args.with;
    return textFn('replace', (text) =>
      args.regex ? text.replace(re, replacement) : text.replace(re, () => replacement),
    );
  },
  normalize(args) {
    return replace.compile(args);
  },
};
