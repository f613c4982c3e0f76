/**
 * The sandbox's SQL LIKE (Odoo `like`, `ilike`, `=like`, `=ilike`): any text is text,
 * including what is special in a regular expression; only `%`, `_` and `\` are special,
 * as in PostgreSQL.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { search } from '../../../../../connectors/odoo/sandbox/orm/read.ts';
import { create } from '../../../../../connectors/odoo/sandbox/orm/records.ts';
import { likeMatch } from '../../../../../connectors/odoo/sandbox/orm/like.ts';
import { asAdmin, makeOrm } from './helpers.ts';

const META = ['-', ']', '[', '\\', '^', '$', '.', '|', '?', '*', '+', '(', ')', '{', '}', '/'];

describe('likeMatch', () => {
  it.each([
    ['a-b', '%a-b%', false, true],
    ['A-B', '%a-b%', true, true],
    ['a-b', '%a-c%', false, false],
    ['x[y]z', '%[y]%', false, true],
    ['x[y]z', '%[a-z]%', false, false],
    ['a.b', 'a.b', false, true],
    ['axb', 'a.b', false, false],
    ['a|b', 'a|b', false, true],
    ['a', 'a|b', false, false],
    ['(1+1)*2? {3} ^$', '(1+1)*2? {3} ^$', false, true],
    ['11*2', '(1+1)*2', false, false],
    ['path/to', '%/%', false, true],
    ['50% off', '50\\% off', false, true],
    ['50x off', '50\\% off', false, false],
    ['a_b', 'a\\_b', false, true],
    ['axb', 'a\\_b', false, false],
    ['axb', 'a_b', false, true],
    ['c:\\dir', 'c:\\\\dir', false, true],
    ['two\nlines', 'two%lines', false, true],
  ])('%j LIKE %j (ilike %s) is %s', (text, pattern, ci, expected) => {
    expect(likeMatch(text, pattern, ci)).toBe(expected);
  });

  // A pattern is a list of pieces; the model matches them by brute force, with no regular expression.
  type Piece = { literal: string } | { any: 'run' | 'one' };
  const literal = fc.constantFrom('a', 'b', 'A', ' ', '%', '_', ...META).map((c): Piece => ({ literal: c }));
  const wildcard = fc.constantFrom<Piece>({ any: 'run' }, { any: 'one' });
  const piece = fc.oneof({ weight: 3, arbitrary: literal }, { weight: 1, arbitrary: wildcard });
  const patternArb = fc.array(piece, { maxLength: 6 });
  const textArb = fc.string({ unit: fc.constantFrom('a', 'b', 'A', ' ', '%', '_', ...META), maxLength: 8 });
  const writePiece = (p: Piece): string => {
    if ('any' in p) return p.any === 'run' ? '%' : '_';
    return ['%', '_', '\\'].includes(p.literal) ? `\\${p.literal}` : p.literal;
  };
  const write = (pieces: readonly Piece[]): string => pieces.map(writePiece).join('');
  function model(text: string, pieces: readonly Piece[], ci: boolean): boolean {
    const [first, ...rest] = pieces;
    if (first === undefined) return text === '';
    if ('any' in first) {
      if (first.any === 'one') return text.length > 0 && model(text.slice(1), rest, ci);
      for (let i = 0; i <= text.length; i += 1) if (model(text.slice(i), rest, ci)) return true;
      return false;
    }
    const head = text.slice(0, 1);
    const same = ci ? head.toLowerCase() === first.literal.toLowerCase() : head === first.literal;
    return text.length > 0 && same && model(text.slice(1), rest, ci);
  }

  it('agrees with a brute-force matcher on text full of regex metacharacters (property)', () => {
    fc.assert(
      fc.property(textArb, patternArb, fc.boolean(), (text, pieces, ci) => {
        expect(likeMatch(text, write(pieces), ci)).toBe(model(text, pieces, ci));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Odoo domains with regex metacharacters in the value', () => {
  const { orm } = makeOrm(true);
  const names = ['Jean-Luc', 'A.B (C)', 'x[y]z', 'Cost+ $5 ^up | down?', 'back\\slash', 'ab'];
  asAdmin(orm, (env) => {
    for (const name of names) create(env, 'res.partner', { name });
  });
  const ids = (domain: unknown): number[] => asAdmin(orm, (env) => search(env, 'res.partner', domain, { order: 'id' }));

  it.each([
    [[['name', 'ilike', 'a-b']], []],
    [[['name', 'ilike', 'jean-luc']], [1]],
    [[['name', 'like', 'n-L']], [1]],
    [[['name', 'not ilike', '-']], [2, 3, 4, 5, 6]],
    [[['name', 'ilike', '.b (c']], [2]],
    [[['name', 'ilike', '[y]']], [3]],
    [[['name', 'ilike', '$5 ^UP | down?']], [4]],
    [[['name', '=ilike', 'a.b (c)']], [2]],
    [[['name', '=like', 'A.B%']], [2]],
    [[['name', '=like', 'a_']], [6]],
    [[['name', 'ilike', 'back\\\\slash']], [5]],
  ])('%j', (domain, expected) => {
    expect(ids(domain)).toEqual(expected);
  });
});
