/**
 * Expressions: CEL through @marcbachmann/cel-js, with the closure fast path for
 * common shapes. The fast path must never answer differently from CEL itself
 * (property test against the interpreter); nothing outside the record's own
 * fields is reachable.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Environment } from '@marcbachmann/cel-js';
import { createExpressionCompiler } from '../../../src/mapping/expression.ts';
import { compileFast, FALLBACK } from '../../../src/mapping/expression-fast.ts';

const compile = createExpressionCompiler();

function evaluate(text: string, record: Record<string, unknown>): unknown {
  const result = compile(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.evaluate(record);
}

describe('expressions', () => {
  it.each([
    ['firstname + " " + lastname', { firstname: 'Ann', lastname: 'Lee' }, 'Ann Lee'],
    ['firstname + " " + lastname', { firstname: 'Ann' }, 'Ann '],
    ['firstname + " " + lastname', { firstname: 'Ann', lastname: '' }, 'Ann '],
    ['stage in ["a", "b"]', { stage: 'b' }, true],
    ['stage in ["a", "b"]', { stage: 'c' }, false],
    ['is_company == true && email != null', { is_company: true, email: 'x' }, true],
    ['is_company == true && email != null', { is_company: true }, false],
    ['amount * 2', { amount: 2.5 }, 5],
    ['amount > 10', { amount: 12 }, true],
    ['size(name) > 2', { name: 'Anna' }, true],
    ['lines.map(l, l.qty).exists(q, q > 3)', { lines: [{ qty: 1 }, { qty: 4 }] }, true],
    ['1 + 2', {}, 3],
  ])('%s on %j is %j', (text, record, expected) => {
    expect(evaluate(text, record)).toEqual(expected);
  });

  it('reports a syntax error with its offset', () => {
    expect(compile('a + * b')).toEqual({ ok: false, error: { message: 'Unexpected token: MULTIPLY', offset: 4 } });
  });

  it('lists the fields an expression reads, not its comprehension variables', () => {
    const result = compile('lines.exists(l, l.qty > limit) && name != null');
    expect(result.ok && [...result.fields].sort()).toEqual(['limit', 'lines', 'name']);
  });

  it.each(['constructor', 'toString', '__defineGetter__', 'process', 'globalThis', 'require'])('"%s" reads as an empty field', (name) => {
    expect(evaluate(name, {})).toBeNull();
    expect(evaluate(`${name} == null`, { other: 1 })).toBe(true);
  });

  it('reads a field named like a prototype property only when the record has it', () => {
    expect(evaluate('constructor', { constructor: 'mine' })).toBe('mine');
  });

  it('throws a type error rather than guessing (string + number)', () => {
    expect(() => evaluate('name + amount', { name: 'a', amount: 1 })).toThrow(/no such overload/);
  });
});

describe('the fast path agrees with CEL (property)', () => {
  const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false })
    .registerOperator('string + null', (a: string) => a)
    .registerOperator('null + string', (_a: null, b: string) => b);
  const EXPRESSIONS = ['a + " " + b', 'a in ["x", "y", ""]', 'a == "x" && b != null', '!(a == b) || c == true', 'a == b', 'c != false && a != "y"', 'a + b == "xy"'];
  const value = fc.oneof(fc.constantFrom('x', 'y', '', ' '), fc.string(), fc.boolean(), fc.constant(null), fc.integer(), fc.double({ noNaN: true }), fc.constant(undefined));

  it.each(EXPRESSIONS)('%s', (text) => {
    const parsed = env.parse(text);
    const fast = compileFast(parsed.ast);
    expect(fast).toBeDefined();
    let answered = 0;
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        const record: Record<string, unknown> = {};
        if (a !== undefined) record.a = a;
        if (b !== undefined) record.b = b;
        if (c !== undefined) record.c = c;
        const answer = fast?.(record);
        if (answer === FALLBACK) return;
        answered++;
        // What CEL says with the same reading of the record (missing and "" are null).
        const context: Record<string, unknown> = {};
        for (const k of ['a', 'b', 'c']) context[k] = record[k] === undefined || record[k] === '' ? null : record[k];
        let expected: unknown;
        try {
          expected = parsed(context);
        } catch {
          expected = 'error';
        }
        expect(answer).toEqual(expected);
      }),
      { numRuns: 300 },
    );
    // The fast path must actually decide most of the time, or it is not a fast path.
    expect(answered).toBeGreaterThan(10);
  });
});
