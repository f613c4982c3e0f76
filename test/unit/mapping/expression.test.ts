/**
 * Expressions: CEL through @marcbachmann/cel-js; nothing outside the record's own
 * fields is reachable. That the closure fast path for common shapes never answers
 * differently from CEL is a property test in fast-path.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createExpressionCompiler } from '../../../src/mapping/expression.ts';

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

  it.each(['constructor', 'toString', '__defineGetter__', 'process', 'globalThis', 'require'])(
    '"%s" reads as an empty field',
    (name) => {
      expect(evaluate(name, {})).toBeNull();
      expect(evaluate(`${name} == null`, { other: 1 })).toBe(true);
    },
  );

  it('reads a field named like a prototype property only when the record has it', () => {
    expect(evaluate('constructor', { constructor: 'mine' })).toBe('mine');
  });

  it('throws a type error rather than guessing (string + number)', () => {
    expect(() => evaluate('name + amount', { name: 'a', amount: 1 })).toThrow(/no such overload/);
  });
});
