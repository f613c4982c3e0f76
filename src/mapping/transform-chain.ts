/**
 * Compiles a `transform:` entry (one step or a list) into plain functions, once:
 * each step's arguments are checked against the transform's own zod schema, the
 * forward steps are chained, and the inverse chain (steps reversed) is built when
 * every step has an inverse.
 */
import { didYouMean } from '../config/did-you-mean.ts';
import type { YamlPath } from '../config/yaml-source.ts';
import type { TransformSpec } from './spec.ts';
import { TRANSFORMS, TransformError, transformNames, type MappingValue, type TransformFn } from './transforms/index.ts';
import type { CompileIssue } from './types.ts';

/** One compiled step. */
export interface CompiledStep {
  /** Transform name. */
  readonly name: string;
  /** Forward function. */
  readonly forward: TransformFn;
  /** Inverse function, when the transform has one. */
  readonly inverse?: TransformFn;
  /** Normaliser for equality, when the transform has one. */
  readonly normalize?: (value: MappingValue) => MappingValue;
  /** Match-key form, when it differs from `forward` (see TransformDefinition `key`). */
  readonly key?: TransformFn;
}

/** A compiled chain of steps. */
export interface CompiledChain {
  /** Steps in file order. */
  readonly steps: readonly CompiledStep[];
  /** Steps without an inverse (for these arguments), and why. */
  readonly withoutInverse: ReadonlyArray<{ readonly name: string; readonly why: string }>;
}

function argumentProblem(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Compiles `spec` (found at `path`); problems are pushed to `issues`. */
export function compileChain(spec: TransformSpec, path: YamlPath, issues: CompileIssue[]): CompiledChain {
  const list = Array.isArray(spec) ? spec : [spec];
  const steps: CompiledStep[] = [];
  const withoutInverse: Array<{ name: string; why: string }> = [];
  list.forEach((item, index) => {
    const at: YamlPath = Array.isArray(spec) ? [...path, index] : path;
    let name: string;
    let args: unknown;
    if (typeof item === 'string') {
      name = item;
      args = undefined;
    } else {
      const keys = Object.keys(item);
      if (keys.length !== 1) {
        issues.push({
          path: at,
          message: `a transform with arguments is written { name: { ...arguments } }, with exactly one name; got ${keys.length} keys`,
        });
        return;
      }
      name = keys[0] as string;
      args = item[name];
    }
    const definition = TRANSFORMS.get(name);
    if (definition === undefined) {
      const where = typeof item === 'string' ? at : [...at, name];
      issues.push({
        path: where,
        message: `unknown transform "${name}"${didYouMean(name, transformNames())}`,
        ...(typeof item === 'string' ? {} : { at: 'key' as const }),
      });
      return;
    }
    const parsed = definition.args.safeParse(args);
    if (!parsed.success) {
      const takesNone = definition.args.safeParse(undefined).success && !definition.args.safeParse({}).success;
      const message =
        takesNone && args !== undefined
          ? `transform "${name}" takes no arguments`
          : `transform "${name}": bad arguments: ${argumentProblem(parsed.error)}`;
      issues.push({ path: typeof item === 'string' ? at : [...at, name], message });
      return;
    }
    // Some arguments have no way back (a map where two values map to one, `{a}{b}`):
    // that only matters when the field flows both ways, which the caller decides.
    let inverse: TransformFn | undefined;
    let noInverse: string | undefined;
    try {
      inverse = definition.inverse?.(parsed.data);
      if (!inverse) noInverse = 'has no inverse';
    } catch (err) {
      noInverse = `has no inverse here (${(err as Error).message})`;
    }
    try {
      const normalize = definition.normalize?.(parsed.data);
      const key = definition.key?.(parsed.data);
      steps.push({
        name,
        forward: definition.compile(parsed.data),
        ...(inverse ? { inverse } : {}),
        ...(normalize ? { normalize } : {}),
        ...(key ? { key } : {}),
      });
      if (noInverse !== undefined) withoutInverse.push({ name, why: noInverse });
    } catch (err) {
      issues.push({ path: at, message: `transform "${name}": ${(err as Error).message}` });
    }
  });
  return { steps, withoutInverse };
}

/** The forward function of a chain (identity for no steps). */
export function forwardOf(chain: CompiledChain): TransformFn {
  const fns = chain.steps.map((s) => s.forward);
  if (fns.length === 0) return (v) => v;
  if (fns.length === 1) return fns[0] as TransformFn;
  return (value) => {
    let out = value;
    for (const fn of fns) out = fn(out);
    return out;
  };
}

/** The inverse function of a chain (steps reversed); undefined when a step has none. */
export function inverseOf(chain: CompiledChain): TransformFn | undefined {
  if (chain.withoutInverse.length > 0) return undefined;
  const fns = chain.steps.map((s) => s.inverse as TransformFn).reverse();
  if (fns.length === 0) return (v) => v;
  if (fns.length === 1) return fns[0] as TransformFn;
  return (value) => {
    let out = value;
    for (const fn of fns) out = fn(out);
    return out;
  };
}

/**
 * The match-key function of a chain (a match rule's `normalize:`): each step's key
 * form (its forward function when it has none), in order. It gives null, no key, for
 * a value that cannot be one: null or blank text at any step, or a value a step
 * refuses (a TransformError: `e164` on "n/a"). It never throws a TransformError, so
 * the engine can apply it to a record and to every candidate and compare the results.
 */
export function keyOf(chain: CompiledChain): TransformFn {
  const fns = chain.steps.map((s) => s.key ?? s.forward);
  return (value) => {
    let out = value;
    try {
      for (const fn of fns) {
        if (out === null || (typeof out === 'string' && out.trim() === '')) return null;
        out = fn(out);
      }
    } catch (err) {
      if (err instanceof TransformError) return null;
      throw err;
    }
    return typeof out === 'string' && out.trim() === '' ? null : out;
  };
}
