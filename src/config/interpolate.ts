/**
 * `${VAR}` interpolation in string values, applied after YAML parsing so every
 * value keeps its line and column. The environment is always passed in; nothing
 * here reads `process.env`, so results depend only on the arguments.
 *
 * - `${NAME}`: the variable's value; an issue when it is unset (an empty value is kept).
 * - `${NAME:-default}`: `default` when NAME is unset or empty, as in the shell.
 * - `$${`: a literal `${`.
 * - Secrets from files (Docker and Kubernetes secrets): when NAME is unset (or empty
 *   and a default is given) and `NAME_FILE` is set, the file it names is read and one
 *   trailing newline stripped. The file wins over the `:-` default.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { YamlPath } from './yaml-source.ts';

/** The environment: variable name to value; `undefined` means unset. */
export type Env = Readonly<Record<string, string | undefined>>;

/** What interpolation needs. */
export interface InterpolateOptions {
  /** Variables to substitute (usually `process.env`, passed in by the caller). */
  env: Env;
  /** Directory relative `*_FILE` paths are resolved against; default `process.cwd()`. */
  cwd?: string;
  /** Reads a `*_FILE` secret; default `fs.readFileSync(path, 'utf8')`. Tests replace it. */
  readFile?: (path: string) => string;
}

/** One problem found while interpolating, at a path in the value. */
export interface InterpolationProblem {
  /** Where the string that had the problem is. */
  path: YamlPath;
  /** What is wrong, e.g. `environment variable HUBSPOT_TOKEN is not set (nor HUBSPOT_TOKEN_FILE)`. */
  message: string;
}

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

function readSecretFile(name: string, fileVar: string, options: InterpolateOptions, problems: string[]): string {
  const path = resolve(options.cwd ?? process.cwd(), fileVar);
  try {
    const text = (options.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(path);
    // Docker and Kubernetes secret files usually end with one newline that is not part of the secret.
    return text.replace(/\r?\n$/, '');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why = typeof code === 'string' ? (FILE_ERRORS[code] ?? code) : (err as Error).message;
    problems.push(`cannot read ${name}_FILE (${fileVar}): ${why}`);
    return '';
  }
}

function resolveReference(
  name: string,
  fallback: string | undefined,
  options: InterpolateOptions,
  problems: string[],
): string {
  const value = options.env[name];
  if (value !== undefined && (fallback === undefined || value !== '')) return value;
  const fileVar = options.env[`${name}_FILE`];
  if (fileVar !== undefined && fileVar !== '') return readSecretFile(name, fileVar, options, problems);
  if (fallback !== undefined) return fallback;
  problems.push(`environment variable ${name} is not set (nor ${name}_FILE)`);
  return '';
}

/**
 * Interpolates one string. Returns the result and the problems found (each a
 * message); with problems the result is not meaningful.
 */
export function interpolateString(text: string, options: InterpolateOptions): { value: string; problems: string[] } {
  const problems: string[] = [];
  if (!text.includes('${')) return { value: text, problems };
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i];
      i += 1;
      continue;
    }
    const end = text.indexOf('}', i + 2);
    if (end === -1) {
      problems.push('unterminated "${" (write "$${" for a literal "${")');
      break;
    }
    const inner = text.slice(i + 2, end);
    const match = inner.includes('${') ? null : REFERENCE.exec(inner);
    if (!match?.[1]) {
      problems.push(`invalid variable reference "\${${inner}}": expected \${NAME} or \${NAME:-default}`);
    } else {
      out += resolveReference(match[1], match[2], options, problems);
    }
    i = end + 1;
  }
  return { value: out, problems };
}

/**
 * Interpolates every string in a plain value (objects, arrays, scalars), returning
 * a new value and every problem with the path of the string it came from. Keys are
 * never interpolated.
 */
export function interpolateValue(
  value: unknown,
  options: InterpolateOptions,
): { value: unknown; problems: InterpolationProblem[] } {
  const problems: InterpolationProblem[] = [];
  const walk = (node: unknown, path: YamlPath): unknown => {
    if (typeof node === 'string') {
      const result = interpolateString(node, options);
      for (const message of result.problems) problems.push({ path, message });
      return result.value;
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      // fromEntries defines own properties, so even a "__proto__" key cannot reach the prototype.
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child, [...path, key])]));
    }
    return node;
  };
  return { value: walk(value, []), problems };
}
