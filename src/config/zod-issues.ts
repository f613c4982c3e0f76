/**
 * Turns zod issues into plain-English {@link SourceIssue}s that say what was
 * expected, at the position of the offending key or value. zod's own wording
 * ("Invalid input: expected number, received string") is replaced; messages a
 * schema sets itself (custom checks) are kept.
 */
import type { z } from 'zod';
import type { SourceIssue } from '../errors.ts';
import { didYouMean } from './did-you-mean.ts';
import { formatPath, type YamlPath } from './yaml-source.ts';

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping (key: value pairs)',
  record: 'a mapping (key: value pairs)',
  array: 'a list',
};

/** Describes a value for "got ...", without echoing secrets or long text. */
export function describeInput(input: unknown, secret: boolean): string {
  if (input === null) return 'nothing (null)';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (secret) return typeof input === 'string' ? 'a string' : `a ${typeof input}`;
  if (typeof input === 'string') return JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input);
  return String(input);
}

function isIntSchema(inst: unknown): boolean {
  const format = (inst as { _zod?: { def?: { format?: unknown } } } | undefined)?._zod?.def?.format;
  return typeof format === 'string' && /int/.test(format);
}

function oneOf(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? v : String(v))).join(', ');
}

/**
 * A union none of whose options takes the value's type (`maxCreates: true`): "expected a
 * number or a string; got true". Undefined when an option failed for another reason.
 */
function wrongTypeInEveryOption(iss: { errors?: unknown; input?: unknown }, secret: boolean): string | undefined {
  type Issue = { code: string; path: readonly unknown[]; expected?: string };
  const errors = iss.errors as readonly (readonly Issue[])[] | undefined;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const expected: string[] = [];
  for (const branch of errors) {
    const [only, ...rest] = branch;
    if (only === undefined || rest.length > 0 || only.code !== 'invalid_type') return undefined;
    if (only.path.length > 0 || only.expected === undefined) return undefined;
    const word = EXPECTED[only.expected] ?? only.expected;
    if (!expected.includes(word)) expected.push(word);
  }
  return `expected ${expected.join(' or ')}; got ${describeInput(iss.input, secret)}`;
}

/** Per-parse state: the error map and what it learnt about unknown keys. */
export interface IssueTranslator {
  /** Pass as `{ error }` to `safeParse`. */
  readonly error: z.core.$ZodErrorMap;
  /** Builds the final issues; `at` places a path (value or key) in the source. */
  toSourceIssues(
    issues: readonly z.core.$ZodIssue[],
    at: (path: YamlPath, message: string, where: 'value' | 'key') => SourceIssue,
  ): SourceIssue[];
}

/**
 * Creates a translator for one parse. `isSecret(path)` says whether a value must
 * not be echoed in messages.
 */
export function createIssueTranslator(isSecret: (path: YamlPath) => boolean): IssueTranslator {
  const knownKeys = new Map<string, readonly string[]>();
  const error: z.core.$ZodErrorMap = (iss) => {
    const path = (iss.path ?? []) as YamlPath;
    switch (iss.code) {
      case 'invalid_type': {
        if (iss.input === undefined) return 'required';
        const expected = iss.expected === 'number' && isIntSchema(iss.inst) ? 'int' : iss.expected;
        return `expected ${EXPECTED[expected] ?? expected}; got ${describeInput(iss.input, isSecret(path))}`;
      }
      case 'invalid_value': {
        const got = iss.input;
        const hint = typeof got === 'string' ? didYouMean(got, iss.values.map(String)) : '';
        const want = iss.values.length === 1 ? JSON.stringify(iss.values[0]) : `one of ${oneOf(iss.values)}`;
        return `expected ${want}; got ${describeInput(got, false)}${hint}`;
      }
      case 'invalid_union': {
        const rawOptions: unknown = 'options' in iss ? iss.options : undefined;
        if (iss.discriminator === undefined) return wrongTypeInEveryOption(iss, isSecret(path));
        if (!Array.isArray(rawOptions)) return undefined;
        const options = rawOptions.map(String);
        const got = (iss.input as Record<string, unknown> | undefined)?.[iss.discriminator];
        if (got === undefined) return `required: one of ${oneOf(options)}`;
        const hint = typeof got === 'string' ? didYouMean(got, options) : '';
        return `expected one of ${oneOf(options)}; got ${describeInput(got, false)}${hint}`;
      }
      case 'too_small': {
        const min = Number(iss.minimum);
        if (iss.origin === 'string') return min <= 1 ? 'is empty' : `must be at least ${min} characters`;
        if (iss.origin === 'array') return `must have at least ${min} items`;
        return iss.inclusive === false ? `must be greater than ${min}` : `must be at least ${min}`;
      }
      case 'too_big': {
        const max = Number(iss.maximum);
        if (iss.origin === 'string') return `must be at most ${max} characters`;
        if (iss.origin === 'array') return `must have at most ${max} items`;
        return iss.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
      }
      case 'unrecognized_keys': {
        const shape = (iss.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
        knownKeys.set(formatPath(path), shape ? Object.keys(shape) : []);
        return undefined;
      }
      default:
        return undefined;
    }
  };

  const toSourceIssues: IssueTranslator['toSourceIssues'] = (issues, at) => {
    const out: SourceIssue[] = [];
    for (const issue of issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        const known = knownKeys.get(formatPath(path)) ?? [];
        for (const key of issue.keys) {
          out.push(at([...path, key], `unknown key "${key}"${didYouMean(key, known)}`, 'key'));
        }
      } else {
        out.push(at(path, issue.message, 'value'));
      }
    }
    return out;
  };
  return { error, toSourceIssues };
}
