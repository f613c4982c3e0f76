/**
 * What the speed-ups of the compiled path must keep: `+` chains and `in` on one field
 * answer as CEL does; patches of many fields (more than the positional access sites)
 * keep rule order and leave out what is absent; a problem list is never shared
 * between records; a constant expression gives every record its own value.
 */
import { Environment } from '@marcbachmann/cel-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFast, FALLBACK } from '../../../src/mapping/expression-fast.ts';
import { createExpressionCompiler } from '../../../src/mapping/expression.ts';
import { UNROLLED } from '../../../src/mapping/positional.ts';
import type { Resolver } from '../../../src/mapping/types.ts';
import { loadYaml } from './helpers.ts';

/** A record with fields a, b, c; undefined leaves a field out. */
function recordOf(a: unknown, b: unknown, c: unknown): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  if (a !== undefined) record.a = a;
  if (b !== undefined) record.b = b;
  if (c !== undefined) record.c = c;
  return record;
}

describe('fast path: + chains, `in`, ==, &&, || agree with CEL (property)', () => {
  const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false })
    .registerOperator('string + null', (a: string) => a)
    .registerOperator('null + string', (_a: null, b: string) => b);
  const EXPRESSIONS = [
    'a + " " + b + c',
    '"<" + a + ">"',
    'a + (b + c)',
    '(a + "-") + (b + c)',
    'a + b + c + a',
    'a in ["x", "y"]',
    'a in ["x", "y", ""]',
    'constructor + a',
    'a == "x" && b != null',
    '!(a == b) || c == true',
    'a == b',
    'c != false && a != "y"',
    'a + b == "xy"',
  ];
  const value = fc.oneof(
    fc.constantFrom('x', 'y', '', ' '),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.constant(undefined),
  );

  it.each(EXPRESSIONS)('%s', (text) => {
    const parsed = env.parse(text);
    const fast = compileFast(parsed.ast);
    expect(fast).toBeDefined();
    let answered = 0;
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        const record = recordOf(a, b, c);
        const answer = fast?.(record);
        if (answer === FALLBACK) return;
        answered++;
        const context: Record<string, unknown> = { constructor: null };
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
    expect(answered).toBeGreaterThan(10);
  });

  it('reads a field named like an Object.prototype member only as an own property', () => {
    const fast = compileFast(env.parse('constructor + "!"').ast);
    expect(fast?.({})).toBe('!');
    expect(fast?.({ constructor: 'c' })).toBe('c!');
  });
});

describe('one-pass text reader: what a computed field reads, or FALLBACK (property)', () => {
  const compile = createExpressionCompiler();
  const EXPRESSIONS = ['a + " " + b', 'a + b', '"<" + a + ">"', 'a + " " + b + " " + c', '" " + a', 'a + "" + b + c'];
  const value = fc.oneof(
    fc.constantFrom('x', 'y', '', ' ', '\t', ' z '),
    fc.string({ maxLength: 4 }),
    fc.boolean(),
    fc.constant(null),
    fc.integer(),
    fc.constant(undefined),
  );

  it.each(EXPRESSIONS)('%s', (text) => {
    const compiled = compile(text);
    if (!compiled.ok || !compiled.text) throw new Error(`${text} has no text reader`);
    const reader = compiled.text;
    let answered = 0;
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        const record = recordOf(a, b, c);
        const answer = reader(record);
        if (answer === FALLBACK) return;
        answered++;
        // What compile-field's general reader gives: nothing when no field is carried, else the value, blank text as null.
        if (!compiled.fields.some((f) => record[f] !== undefined)) expect(answer).toBeUndefined();
        else {
          const full = compiled.evaluate(record);
          expect(answer).toBe(typeof full === 'string' && /^\s*$/.test(full) ? null : full);
        }
      }),
      { numRuns: 400 },
    );
    expect(answered).toBeGreaterThan(20);
  });

  it('has none for what is not a + chain of fields and text', () => {
    for (const text of ['a', 'a + 1', 'a + b.c', '"x" + "y"', 'size(a) + b']) {
      const compiled = compile(text);
      expect(compiled.ok && compiled.text, text).toBeFalsy();
    }
  });
});

const MANY = Array.from({ length: UNROLLED + 4 }, (_, i) => `f${i}`);
const WIDE = `id: wide
sides:
  crm: { connection: hubspot, object: contacts }
  erp: { connection: odoo, object: res.partner }
fields:
${MANY.map((f) => `  - { crm: ${f}, erp: x_${f} }`).join('\n')}
  - { crm: constructor, erp: x_constructor }
  - { crm: country, erp: country_code, transform: country-code }
  - { name: label, crm: '"#" + f0', erp: x_label, flow: crm->erp }
  - { name: constant, crm: '["a", "b"]', erp: x_list, flow: crm->erp }
  - { name: flag, crm: "true", erp: x_flag, flow: crm->erp }
`;

describe('compiled field sets wider than the positional access sites', () => {
  const { mapping } = loadYaml(WIDE);
  const none: Resolver = () => undefined;

  it('writes every field, in rule order, and leaves out what the record does not carry', () => {
    const record: Record<string, unknown> = Object.fromEntries(MANY.map((f, i) => [f, `v${i}`]));
    delete record.f3;
    record[`f${UNROLLED + 2}`] = '';
    const { patch, problems } = mapping.toPatch(mapping.toCanonical(record, 'crm'), 'erp', none);
    expect(problems).toEqual([]);
    const expected: Record<string, unknown> = {};
    MANY.forEach((f, i) => {
      if (f === 'f3') return;
      expected[`x_${f}`] = i === UNROLLED + 2 ? null : `v${i}`;
    });
    Object.assign(expected, { x_label: '#v0', x_list: ['a', 'b'], x_flag: true });
    expect(patch).toStrictEqual(expected);
    expect(Object.keys(patch)).toEqual(Object.keys(expected));
  });

  it('reads a field named like an Object.prototype member only as an own property', () => {
    expect(mapping.toPatch(mapping.toCanonical({ f0: 'a' }, 'crm'), 'erp', none).patch).not.toHaveProperty(
      'x_constructor',
    );
    expect(mapping.toPatch(mapping.toCanonical({ f0: 'a', constructor: 'c' }, 'crm'), 'erp', none).patch).toMatchObject(
      { x_constructor: 'c' },
    );
  });

  it('gives each record its own problem list, and an empty one to a clean record', () => {
    const clean = mapping.toPatch(mapping.toCanonical({ f0: 'a', country: 'France' }, 'crm'), 'erp', none);
    const bad = mapping.toPatch(mapping.toCanonical({ f0: 'a', country: 'Atlantis' }, 'crm'), 'erp', none);
    const worse = mapping.toPatch(mapping.toCanonical({ f0: 'b', country: 'Nowhere' }, 'crm'), 'erp', none);
    expect(clean.problems).toEqual([]);
    expect(clean.patch).toMatchObject({ country_code: 'FR' });
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]?.message).toMatch(/Atlantis/);
    expect(worse.problems).toHaveLength(1);
    expect(worse.problems[0]?.message).toMatch(/Nowhere/);
    expect(bad.patch).not.toHaveProperty('country_code');
  });

  it('gives every record its own copy of a constant list, and the same scalar constant', () => {
    const a = mapping.toPatch(mapping.toCanonical({ f0: 'a' }, 'crm'), 'erp', none).patch;
    const b = mapping.toPatch(mapping.toCanonical({ f1: 'b' }, 'crm'), 'erp', none).patch;
    expect(a.x_list).toEqual(['a', 'b']);
    expect(a.x_list).not.toBe(b.x_list);
    expect(a.x_flag).toBe(true);
    expect(b.x_flag).toBe(true);
  });
});
