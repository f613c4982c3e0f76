import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { OdooError } from '../../../../../connectors/odoo/sandbox/errors.ts';
import { odooModels } from '../../../../../connectors/odoo/sandbox/models/index.ts';
import { search } from '../../../../../connectors/odoo/sandbox/orm/read.ts';
import { create } from '../../../../../connectors/odoo/sandbox/orm/records.ts';
import { OdooOrm } from '../../../../../connectors/odoo/sandbox/orm/orm.ts';
import { Registry } from '../../../../../connectors/odoo/sandbox/orm/registry.ts';
import { ManualClock } from '../../../../../src/connector/sandbox/clock.ts';
import { asAdmin, makeOrm, T0 } from './helpers.ts';

/*
 * Fixed dataset (ids are assigned in this order, 1..7):
 * 1 Acme (company, BE, VIP, credit 1000)     4 Globex (company, US, INFO@GLOBEX.COM, credit 500)
 * 2 Alice Smith (of 1)                       5 Carol (of 4, archived)
 * 3 Bob Jones (of 1, no email, CTO)          6 Dave_X (no parent, dave%x@example.com)
 * 7 Eve (of 2, email '')
 */
const { orm } = makeOrm(true);
let vip = 0;
beforeAll(() => {
  asAdmin(orm, (env) => {
    const country = (code: string) => search(env, 'res.country', [['code', '=', code]])[0];
    vip = create(env, 'res.partner.category', { name: 'VIP Customer' });
    create(env, 'res.partner', {
      name: 'Acme',
      is_company: true,
      country_id: country('BE'),
      email: 'info@acme.com',
      category_id: [[6, 0, [vip]]],
      credit_limit: 1000,
    });
    create(env, 'res.partner', { name: 'Alice Smith', parent_id: 1, email: 'alice@acme.com' });
    create(env, 'res.partner', { name: 'Bob Jones', parent_id: 1, function: 'CTO' });
    create(env, 'res.partner', {
      name: 'Globex',
      is_company: true,
      country_id: country('US'),
      email: 'INFO@GLOBEX.COM',
      credit_limit: 500,
    });
    create(env, 'res.partner', { name: 'Carol', parent_id: 4, email: 'carol@globex.com', active: false });
    create(env, 'res.partner', { name: 'Dave_X', email: 'dave%x@example.com', phone: '123' });
    create(env, 'res.partner', { name: 'Eve', parent_id: 2, email: '' });
  });
});

const ids = (domain: unknown): number[] => asAdmin(orm, (env) => search(env, 'res.partner', domain, { order: 'id' }));

describe('Odoo domain language on a fixed dataset', () => {
  const cases: [string, () => unknown, number[]][] = [
    ['empty domain = all active', () => [], [1, 2, 3, 4, 6, 7]],
    ['boolean true', () => [['is_company', '=', true]], [1, 4]],
    ['boolean false', () => [['is_company', '=', false]], [2, 3, 6, 7]],
    ['= False matches empty and missing char', () => [['email', '=', false]], [3, 7]],
    ['!= False', () => [['email', '!=', false]], [1, 2, 4, 6]],
    ['ilike wraps in %', () => [['email', 'ilike', 'acme']], [1, 2]],
    ['like is case-sensitive', () => [['email', 'like', 'ACME']], []],
    ['ilike ignores case; archived hidden', () => [['email', 'ilike', 'globex']], [4]],
    ['=like uses the pattern as is', () => [['email', '=like', 'info@%']], [1]],
    ['=ilike', () => [['email', '=ilike', 'info@%']], [1, 4]],
    ['not ilike on name', () => [['name', 'not ilike', 'a']], [3, 4, 7]],
    ['not ilike includes empty values', () => [['email', 'not ilike', 'acme']], [3, 4, 6, 7]],
    ['many2one = id', () => [['parent_id', '=', 1]], [2, 3]],
    ['many2one != id includes empty', () => [['parent_id', '!=', 1]], [1, 4, 6, 7]],
    ['many2one = False', () => [['parent_id', '=', false]], [1, 4, 6]],
    ['many2one in', () => [['parent_id', 'in', [1, 4]]], [2, 3]],
    ['many2one not in includes empty', () => [['parent_id', 'not in', [1]]], [1, 4, 6, 7]],
    ['child_of on parent_id includes the root', () => [['parent_id', 'child_of', 1]], [1, 2, 3, 7]],
    ['child_of on id', () => [['id', 'child_of', 4]], [4]],
    [
      'child_of with archived shown',
      () => [
        ['id', 'child_of', 4],
        ['active', 'in', [true, false]],
      ],
      [4, 5],
    ],
    ['parent_of', () => [['parent_id', 'parent_of', 7]], [1, 2, 7]],
    ['naming active turns active_test off', () => [['active', '=', false]], [5]],
    ['| of two leaves', () => ['|', ['name', '=', 'Acme'], ['name', '=', 'Globex']], [1, 4]],
    ['! negates', () => ['!', ['is_company', '=', true]], [2, 3, 6, 7]],
    ['& with a dotted path', () => ['&', ['is_company', '=', true], ['country_id.code', '=', 'BE']], [1]],
    ['many2one by name', () => [['country_id', '=', 'Belgium']], [1]],
    ['many2one ilike name', () => [['country_id', 'ilike', 'united st']], [4]],
    ['many2many in', () => [['category_id', 'in', [vip]]], [1]],
    ['many2many = False', () => [['category_id', '=', false]], [2, 3, 4, 6, 7]],
    ['many2many by name', () => [['category_id', 'ilike', 'vip']], [1]],
    ['float >', () => [['credit_limit', '>', 600]], [1]],
    ['float >=', () => [['credit_limit', '>=', 500]], [1, 4]],
    ['float < (0 is a value)', () => [['credit_limit', '<', 500]], [2, 3, 6, 7]],
    ['=? with False is always true', () => [['function', '=?', false]], [1, 2, 3, 4, 6, 7]],
    ['=? with a value is =', () => [['function', '=?', 'CTO']], [3]],
    ['like: _ is a wildcard', () => [['name', 'like', 'Dave_X']], [6]],
    ['ilike: % inside the value is a wildcard', () => [['email', 'ilike', 'dave%x']], [6]],
    ['char in', () => [['name', 'in', ['Acme', 'Eve']]], [1, 7]],
    ['in [] is false', () => [['id', 'in', []]], []],
    ['not in [] is true', () => [['id', 'not in', []]], [1, 2, 3, 4, 6, 7]],
    ['path through many2one', () => [['parent_id.name', '=', 'Acme']], [2, 3]],
    ['path through one2many', () => [['child_ids.email', 'ilike', 'alice']], [1]],
    ['two-step path', () => [['parent_id.parent_id', '=', 1]], [7]],
    ['TRUE_LEAF', () => [[1, '=', 1]], [1, 2, 3, 4, 6, 7]],
    ['FALSE_LEAF', () => [[0, '=', 1]], []],
    [
      'nested prefix',
      () => ['|', ['is_company', '=', true], '&', ['parent_id', '=', 1], ['email', '!=', false]],
      [1, 2, 4],
    ],
    [
      'implicit & between three terms',
      () => [
        ['is_company', '=', false],
        ['parent_id', '!=', false],
        ['email', '!=', false],
      ],
      [2],
    ],
    ['= is case-sensitive', () => [['name', '=', 'acme']], []],
    ['datetime > date string', () => [['write_date', '>', '2000-01-01']], [1, 2, 3, 4, 6, 7]],
    [
      'legacy <> operator',
      () => [
        ['name', '<>', 'Acme'],
        ['is_company', '=', true],
      ],
      [4],
    ],
  ];

  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s', (_label, domain, expected) => {
    expect(ids(domain())).toEqual(expected);
  });

  it.each([
    ['missing operand', 'res.partner', ['&', ['name', '=', 'x']], 'syntactically not correct'],
    ['unknown operator', 'res.partner', [['name', 'foo', 'x']], "Invalid operator 'foo'"],
    ['not a leaf', 'res.partner', [['name', '=']], 'Invalid leaf'],
    ['unknown field', 'res.partner', [['nope', '=', 1]], "Invalid field 'nope' on model 'res.partner'"],
    ['non-stored field without search', 'product.product', [['lst_price', '>', 1]], 'cannot be searched'],
  ])('malformed domain: %s raises ValueError', (_label, model, domain, message) => {
    const run = () => asAdmin(orm, (env) => search(env, model, domain));
    expect(run).toThrow(OdooError);
    try {
      run();
    } catch (err) {
      expect((err as OdooError).odooName).toBe('builtins.ValueError');
      expect((err as OdooError).message).toContain(message);
    }
  });
});

/* Property: random domains over random rows agree with a tiny, obviously correct evaluator. */
type Rec = { name: string | false; credit: number; company: boolean };
type Ast = { leaf: [keyof Rec, string, unknown] } | { op: '&' | '|'; a: Ast; b: Ast } | { op: '!'; a: Ast };

// Names include regex metacharacters (not the LIKE wildcards % _ \, which the model does not know).
const nameArb = fc.oneof(fc.constant(false as const), fc.stringMatching(/^[abAB .()[\]{}^$|?*+-]{0,3}$/));
const recArb = fc.record({ name: nameArb, credit: fc.integer({ min: -2, max: 2 }), company: fc.boolean() });
const leafArb: fc.Arbitrary<Ast> = fc.oneof(
  fc
    .tuple(fc.constantFrom('=', '!=', 'ilike', 'not ilike', '=?'), nameArb)
    .map(([op, v]) => ({ leaf: ['name', op, v] as [keyof Rec, string, unknown] })),
  fc
    .tuple(fc.constantFrom('in', 'not in'), fc.array(nameArb, { maxLength: 3 }))
    .map(([op, v]) => ({ leaf: ['name', op, v] as [keyof Rec, string, unknown] })),
  fc
    .tuple(fc.constantFrom('=', '!=', '<', '<=', '>', '>='), fc.integer({ min: -2, max: 2 }))
    .map(([op, v]) => ({ leaf: ['credit', op, v] as [keyof Rec, string, unknown] })),
  fc
    .tuple(fc.constantFrom('in', 'not in'), fc.array(fc.integer({ min: -2, max: 2 }), { maxLength: 3 }))
    .map(([op, v]) => ({ leaf: ['credit', op, v] as [keyof Rec, string, unknown] })),
  fc
    .tuple(fc.constantFrom('=', '!='), fc.boolean())
    .map(([op, v]) => ({ leaf: ['company', op, v] as [keyof Rec, string, unknown] })),
);
const astArb: fc.Arbitrary<Ast> = fc.letrec<{ node: Ast }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.record({ op: fc.constantFrom('&' as const, '|' as const), a: tie('node'), b: tie('node') }),
    fc.record({ op: fc.constant('!' as const), a: tie('node') }),
  ),
})).node;

const empty = (v: string | false): boolean => v === false || v === '';
function modelLeaf(r: Rec, [field, op, value]: [keyof Rec, string, unknown]): boolean {
  if (op === '=?') return value === false ? true : modelLeaf(r, [field, '=', value]);
  if (field === 'company') return op === '=' ? r.company === value : r.company !== value;
  if (field === 'credit') {
    const v = value as number | number[];
    switch (op) {
      case '=':
        return r.credit === v;
      case '!=':
        return r.credit !== v;
      case '<':
        return r.credit < (v as number);
      case '<=':
        return r.credit <= (v as number);
      case '>':
        return r.credit > (v as number);
      case '>=':
        return r.credit >= (v as number);
      case 'in':
        return (v as number[]).includes(r.credit);
      default:
        return !(v as number[]).includes(r.credit);
    }
  }
  const n = r.name;
  switch (op) {
    case '=':
      return value === false ? empty(n) : n === value;
    case '!=':
      return value === false ? !empty(n) : n !== value;
    case 'ilike':
      return value === false ? empty(n) : n !== false && n.toLowerCase().includes(String(value).toLowerCase());
    case 'not ilike':
      return value === false ? !empty(n) : !(n !== false && n.toLowerCase().includes(String(value).toLowerCase()));
    case 'in': {
      const list = value as (string | false)[];
      return empty(n) ? list.some((x) => x === false) : list.includes(n);
    }
    default: {
      const list = value as (string | false)[];
      return empty(n) ? !list.some((x) => x === false) : !list.includes(n);
    }
  }
}
function modelEval(r: Rec, ast: Ast): boolean {
  if ('leaf' in ast) return modelLeaf(r, ast.leaf);
  if (ast.op === '!') return !modelEval(r, ast.a);
  return ast.op === '&' ? modelEval(r, ast.a) && modelEval(r, ast.b) : modelEval(r, ast.a) || modelEval(r, ast.b);
}
const FIELD: Record<keyof Rec, string> = { name: 'name', credit: 'credit_limit', company: 'is_company' };
function toPrefix(ast: Ast): unknown[] {
  if ('leaf' in ast) return [[FIELD[ast.leaf[0]], ast.leaf[1], ast.leaf[2]]];
  if (ast.op === '!') return ['!', ...toPrefix(ast.a)];
  return [ast.op, ...toPrefix(ast.a), ...toPrefix(ast.b)];
}

describe('domain evaluation vs a reference model (fast-check)', () => {
  it('agrees on random rows and random domains (implicit & between top-level terms)', () => {
    fc.assert(
      fc.property(
        fc.array(recArb, { maxLength: 8 }),
        fc.array(astArb, { minLength: 0, maxLength: 3 }),
        (recs, terms) => {
          const o = new OdooOrm(new Registry(odooModels()), new ManualClock(T0));
          const got = o.transaction({ uid: 2, canWrite: true }, (env) => {
            // Names may be empty: type 'other' is exempt from "Contacts require a name".
            for (const r of recs)
              create(env, 'res.partner', {
                name: r.name,
                credit_limit: r.credit,
                is_company: r.company,
                type: 'other',
              });
            return search(env, 'res.partner', terms.flatMap(toPrefix), { order: 'id' });
          }).value;
          const want = recs.flatMap((r, i) => (terms.every((t) => modelEval(r, t)) ? [i + 1] : []));
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });
});
