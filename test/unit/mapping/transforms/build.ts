/** Test helper: a transform with its arguments parsed by its own schema, as the compiler does. */
import {
  TRANSFORMS,
  TransformError,
  type MappingValue,
  type TransformFn,
} from '../../../../src/mapping/transforms/index.ts';

/** The compiled functions of one transform. */
export interface Built {
  forward: TransformFn;
  inverse: TransformFn;
  normalize: (value: MappingValue) => MappingValue;
}

/** Parses `args` with the named transform's schema and compiles all three functions (throws when one is missing). */
export function build(name: string, args?: unknown): Built {
  const def = TRANSFORMS.get(name);
  if (def === undefined) throw new Error(`no transform ${name}`);
  const parsed = def.args.parse(args);
  const missing =
    (what: string): TransformFn =>
    () => {
      throw new Error(`${name} has no ${what}`);
    };
  // The inverse is built on first use: some arguments have none (a many-to-one map),
  // which only matters to tests that go back.
  let inverse: TransformFn | undefined;
  return {
    forward: def.compile(parsed),
    inverse: (value) => (inverse ??= def.inverse?.(parsed) ?? missing('inverse'))(value),
    normalize: def.normalize?.(parsed) ?? missing('normalize'),
  };
}

/** The issues of arguments the schema refuses, as `path: message` lines ([] when accepted). */
export function argProblems(name: string, args: unknown): string[] {
  const def = TRANSFORMS.get(name);
  if (def === undefined) throw new Error(`no transform ${name}`);
  const parsed = def.args.safeParse(args);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/** Runs `fn` and returns the TransformError it throws (fails the test when it throws nothing or something else). */
export function transformError(fn: () => unknown): TransformError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TransformError) return err;
    throw new Error(`expected a TransformError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a TransformError, nothing was thrown');
}
