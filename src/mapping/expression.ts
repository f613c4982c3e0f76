/**
 * Expressions in mapping files (filters, computed fields, aggregate conditions),
 * in CEL, the Common Expression Language, through @marcbachmann/cel-js: an
 * interpreter (no code generation, no `eval`, no `new Function`), chosen by the
 * benchmark in docs/mappings.md. An expression is parsed once at compile time; per
 * record it gets a fresh context holding only the fields it names, copied as own
 * properties, so `constructor`, `__proto__`, `process` or anything on a prototype
 * cannot be reached.
 *
 * Common shapes (string concatenation, `in` a list, equality, and/or) run through
 * closures built from the syntax tree (expression-fast.ts), with CEL itself as the
 * fallback whenever a value's type leaves any doubt.
 *
 * Two comforts for admins on top of standard CEL: a missing or empty field reads
 * as `null`, and `string + null` is the string (so `firstname + " " + lastname`
 * works when one is empty); `10` and `10.0` mix in arithmetic (record numbers are
 * doubles in CEL, literals without a dot are ints).
 */
import { Environment } from '@marcbachmann/cel-js';
import { compileFast, compileTextReader, FALLBACK, type TextReader } from './expression-fast.ts';
import type { MappingValue } from './transforms/index.ts';

/** A compiled expression: evaluates against one record, pure and synchronous. Throws on a type error. */
export type CompiledExpression = (record: Readonly<Record<string, unknown>>) => MappingValue;

/** An expression that failed to parse. */
export interface ExpressionSyntaxError {
  /** What is wrong, in CEL's words, first line only. */
  message: string;
  /** 0-based offset in the expression text where the problem is. */
  offset: number;
}

/** The result of {@link compileExpression}. */
export type CompileExpressionResult =
  | {
      ok: true;
      evaluate: CompiledExpression;
      fields: readonly string[];
      /** For a `+` chain of plain fields and text literals: the one-pass reader of a computed field (see {@link TextReader}). */
      text?: TextReader;
    }
  | { ok: false; error: ExpressionSyntaxError };

interface AstNode {
  op: string;
  args: unknown;
  pos?: number;
}

const MACROS: ReadonlySet<string> = new Set(['map', 'filter', 'all', 'exists', 'exists_one']);
const NUMERIC_OPS = ['+', '-', '*', '/'] as const;

function apply(op: (typeof NUMERIC_OPS)[number], a: number, b: number): number {
  if (op === '+') return a + b;
  if (op === '-') return a - b;
  if (op === '*') return a * b;
  return a / b;
}

function createEnvironment(): Environment {
  let env = new Environment({
    unlistedVariablesAreDyn: true,
    homogeneousAggregateLiterals: false,
    limits: { maxAstNodes: 2000, maxDepth: 50, maxListElements: 500, maxMapEntries: 500, maxCallArguments: 16 },
  });
  env = env
    .registerOperator('string + null', (a: string) => a)
    .registerOperator('null + string', (_a: null, b: string) => b);
  for (const op of NUMERIC_OPS) {
    env = env
      .registerOperator(`double ${op} int`, (a: number, b: bigint) => apply(op, a, Number(b)))
      .registerOperator(`int ${op} double`, (a: bigint, b: number) => apply(op, Number(a), b));
  }
  return env;
}

/** Identifiers an expression reads from the record (comprehension variables excluded). */
function referencedFields(ast: AstNode): string[] {
  const found = new Set<string>();
  const bound = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (typeof node !== 'object' || node === null || !('op' in node)) return;
    const n = node as AstNode;
    if (n.op === 'id' && typeof n.args === 'string') {
      if (!bound.has(n.args)) found.add(n.args);
      return;
    }
    if (n.op === 'rcall' && Array.isArray(n.args) && MACROS.has(String(n.args[0]))) {
      const [, target, params] = n.args as [string, unknown, unknown[]];
      walk(target);
      const variable = params[0] as AstNode | undefined;
      if (variable?.op === 'id' && typeof variable.args === 'string') bound.add(variable.args);
      params.slice(1).forEach(walk);
      return;
    }
    walk(n.args);
  };
  walk(ast);
  return [...found];
}

/** Converts a CEL result to a mapping value: ints (bigint) become numbers, maps become plain objects. */
function toMappingValue(value: unknown): MappingValue {
  if (typeof value === 'bigint') return Number(value);
  if (value === undefined) return null;
  if (value instanceof Map) {
    const out: Record<string, MappingValue> = {};
    for (const [k, v] of value) out[String(k)] = toMappingValue(v);
    return out;
  }
  if (Array.isArray(value)) return value.map(toMappingValue);
  if (value instanceof Date) return value.toISOString();
  return value as MappingValue;
}

/** Creates an expression compiler. One per mapping load; the environment is shared by its expressions. */
export function createExpressionCompiler(): (text: string) => CompileExpressionResult {
  const env = createEnvironment();
  return (text) => {
    let parsed: ReturnType<Environment['parse']>;
    try {
      parsed = env.parse(text);
    } catch (err) {
      const node = (err as { node?: { pos?: unknown } }).node;
      const offset = typeof node?.pos === 'number' ? node.pos : 0;
      const message = ((err as Error).message.split('\n')[0] ?? 'invalid expression').trim();
      return { ok: false, error: { message, offset } };
    }
    const fields = referencedFields(parsed.ast as AstNode);
    const cel: CompiledExpression = (record) => {
      const context: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const field of fields) {
        const value = Object.hasOwn(record, field) ? record[field] : null;
        // An empty string reads as null, like a missing field (connectors already turn Odoo's `false` into null).
        context[field] = value === undefined || value === '' ? null : value;
      }
      return toMappingValue(parsed(context));
    };
    const fast = compileFast(parsed.ast);
    const evaluate: CompiledExpression = fast
      ? (record) => {
          const value = fast(record);
          return value === FALLBACK ? cel(record) : (value as MappingValue);
        }
      : cel;
    const reader = compileTextReader(parsed.ast);
    return { ok: true, evaluate, fields, ...(reader ? { text: reader } : {}) };
  };
}

/** True when `text` is a plain field name rather than an expression. */
export function isFieldName(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text) && !LITERALS.has(text);
}

// CEL literals look like names but are constants: `crm: "true"` is a computed value.
const LITERALS: ReadonlySet<string> = new Set(['true', 'false', 'null']);
