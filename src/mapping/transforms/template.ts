/**
 * `template`: build text from the parts of a value, e.g. `"{firstname} {lastname}"`.
 * Placeholders name keys of an object value (several source fields), indexes of a
 * list (`{0}`), or the value itself (`{value}` or `{}`); `{{` and `}}` are literal
 * braces. The inverse reads the parts back out of text, when literal text separates
 * every placeholder from the next.
 */
import { z } from 'zod';
import { asText, fail, kindOf, show } from './support.ts';
import type { MappingValue, TransformDefinition, TransformFn } from './types.ts';

/** Arguments of `template`, written `template: "{a} {b}"` or `template: { format: "{a} {b}", trim: false }`. */
export interface TemplateArgs {
  /** The text with `{placeholder}`s. */
  format: string;
  /** Trim the result and collapse runs of spaces left by empty parts. Default true. */
  trim: boolean;
}

type Part = { literal: string } | { key: string };

/** Splits a format into literals and placeholders; throws a TransformError for unbalanced braces. */
export function parseTemplate(format: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i] as string;
    if ((c === '{' || c === '}') && format[i + 1] === c) {
      literal += c;
      i++;
    } else if (c === '{') {
      const end = format.indexOf('}', i);
      if (end < 0) throw fail('template', `unclosed "{" at character ${i + 1} of ${show(format)}`);
      const key = format.slice(i + 1, end).trim();
      if (key.includes('{'))
        throw fail('template', `"{" inside a placeholder at character ${i + 1} of ${show(format)}`);
      if (literal !== '') parts.push({ literal });
      literal = '';
      parts.push({ key: key === '' ? 'value' : key });
      i = end;
    } else if (c === '}') {
      throw fail('template', `unmatched "}" at character ${i + 1} of ${show(format)} (write "}}" for a literal brace)`);
    } else {
      literal += c;
    }
  }
  if (literal !== '') parts.push({ literal });
  return parts;
}

const templateArgs = z
  .union([
    z.string().transform((format): TemplateArgs => ({ format, trim: true })),
    z.object({ format: z.string(), trim: z.boolean().default(true) }).strict(),
  ])
  .superRefine((a, ctx) => {
    try {
      const parts = parseTemplate(a.format);
      if (!parts.some((p) => 'key' in p))
        ctx.addIssue({ code: 'custom', message: `${show(a.format)} has no {placeholder}` });
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

function pick(value: MappingValue, key: string): MappingValue | undefined {
  if (value === null) return null;
  if (typeof value !== 'object') return key === 'value' ? value : undefined;
  if (Array.isArray(value)) return /^\d+$/.test(key) ? (value as readonly MappingValue[])[Number(key)] : undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, MappingValue>)[key] : undefined;
}

function render(args: TemplateArgs): TransformFn {
  const parts = parseTemplate(args.format);
  return (value) => {
    let out = '';
    let filled = false;
    for (const part of parts) {
      if ('literal' in part) {
        out += part.literal;
        continue;
      }
      const v = pick(value, part.key);
      if (v === undefined)
        throw fail('template', `placeholder {${part.key}} has nothing to read in ${kindOf(value)} ${show(value)}`);
      if (v === null) continue;
      if (typeof v === 'object') throw fail('template', `placeholder {${part.key}} is a ${kindOf(v)}, not text`);
      const text = asText('template', v);
      filled ||= text !== '';
      out += text;
    }
    if (!filled) return null;
    return args.trim ? out.replace(/ {2,}/g, ' ').trim() : out;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function parser(args: TemplateArgs): TransformFn {
  const parts = parseTemplate(args.format);
  const keys: string[] = [];
  let source = '^';
  let previousWasKey = false;
  const lastKey = parts.findLastIndex((p) => 'key' in p);
  parts.forEach((part, index) => {
    if ('literal' in part) {
      source += escapeRegExp(args.trim ? part.literal.replace(/ {2,}/g, ' ') : part.literal);
      previousWasKey = false;
      return;
    }
    if (previousWasKey) {
      throw fail(
        'template',
        `${show(args.format)} has no inverse: {${keys.at(-1) ?? ''}} and {${part.key}} have no text between them; declare the field one-way`,
      );
    }
    if (keys.includes(part.key))
      throw fail(
        'template',
        `${show(args.format)} has no inverse: {${part.key}} appears twice; declare the field one-way`,
      );
    keys.push(part.key);
    // Each part takes as little as it can, except the last, which takes the rest:
    // "Jean Luc Picard" -> first "Jean", last "Luc Picard".
    source += index === lastKey ? '([\\s\\S]*)' : '([\\s\\S]*?)';
    previousWasKey = true;
  });
  const re = new RegExp(`${source}$`);
  const asList = keys.every((k) => /^\d+$/.test(k));
  const asScalar = keys.length === 1 && keys[0] === 'value';
  const build = (found: (string | null)[]): MappingValue => {
    if (asScalar) return found[0] ?? null;
    if (asList) {
      const list: MappingValue[] = [];
      keys.forEach((k, i) => (list[Number(k)] = found[i] ?? null));
      return Array.from(list, (v) => v ?? null);
    }
    return Object.fromEntries(keys.map((k, i) => [k, found[i] ?? null]));
  };
  return (value) => {
    if (value === null) return build(keys.map(() => null));
    const text = asText('template', value);
    const m = re.exec(text);
    if (m) return build(keys.map((_, i) => (m[i + 1] === '' ? null : (m[i + 1] ?? null))));
    // The forward direction drops the separators of empty parts ("{first} {last}" with
    // no last name is "Jean"): the text then belongs to the first part.
    if (args.trim) return build(keys.map((_, i) => (i === 0 ? text : null)));
    throw fail('template', `${show(text)} does not have the shape ${show(args.format)}`);
  };
}

/** `template`: parts of a value -> text by a format; inverse parses text back into parts. */
export const template: TransformDefinition<TemplateArgs> = {
  name: 'template',
  output: 'text',
  summary: 'build text from parts: "{firstname} {lastname}"; inverse splits it back',
  args: templateArgs,
  compile: render,
  inverse: parser,
  normalize: render,
};
