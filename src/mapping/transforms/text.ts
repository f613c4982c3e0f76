/**
 * Text case and whitespace: `trim`, `lower`, `upper`, `title`. All four are lossy
 * (" ab " and "ab" both trim to "ab"), so none has an inverse: a field that flows
 * both ways through one of them must be declared one-way, or paired with another
 * rule for the way back. Each normalises with itself, so values that differ only by
 * what the transform removes compare equal.
 */
import { z } from 'zod';
import { textFn } from './support.ts';
import type { TransformDefinition, TransformFn } from './types.ts';

const noArgs = z.undefined();

function simple(name: string, summary: string, fn: (text: string) => string): TransformDefinition<undefined> {
  const compiled: TransformFn = textFn(name, fn);
  return {
    name,
    summary,
    output: 'text',
    args: noArgs,
    compile: () => compiled,
    normalize: () => compiled,
  };
}

// Small words stay lower case inside a title, as in "Bank of America"; the first
// word is always capitalised.
const SMALL_WORDS = new Set([
  'a',
  'an',
  'and',
  'as',
  'at',
  'but',
  'by',
  'de',
  'del',
  'der',
  'di',
  'du',
  'for',
  'in',
  'la',
  'le',
  'of',
  'on',
  'or',
  'the',
  'to',
  'van',
  'von',
  'y',
]);

/**
 * Title case: each word's first letter upper case, the rest lower case; words are
 * separated by spaces, hyphens and apostrophes ("jean-luc o'neil" -> "Jean-Luc
 * O'Neil"); small words other than the first stay lower case.
 */
export function titleCase(text: string): string {
  let first = true;
  return text.toLowerCase().replace(/[\p{L}\p{N}]+/gu, (word, offset: number, whole: string) => {
    const before = offset === 0 ? '' : whole[offset - 1];
    const isFirst = first;
    first = false;
    if (!isFirst && before === ' ' && SMALL_WORDS.has(word)) return word;
    return word.charAt(0).toUpperCase() + word.slice(1);
  });
}

/** `trim`: removes leading and trailing whitespace (Unicode, including NBSP). */
export const trim = simple('trim', 'remove leading and trailing whitespace', (s) => s.trim());

/** `lower`: lower case (locale-independent). */
export const lower = simple('lower', 'lower case', (s) => s.toLowerCase());

/** `upper`: upper case (locale-independent). */
export const upper = simple('upper', 'upper case', (s) => s.toUpperCase());

/** `title`: title case, see {@link titleCase}. */
export const title = simple('title', 'title case ("jean-luc o\'neil" -> "Jean-Luc O\'Neil")', titleCase);
