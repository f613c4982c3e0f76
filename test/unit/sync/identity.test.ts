import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchByKey, normalizeEmail } from '../../../src/sync/identity.ts';

describe('normalizeEmail', () => {
  it.each([
    ['  Ann.Lee@Example.COM ', 'ann.lee@example.com'],
    ['bob+crm@example.com', 'bob+crm@example.com'],
    ['', undefined],
    ['not an email', undefined],
    ['BRANDT.DOOLEY@COLE.INFO', 'brandt.dooley@cole.info'],
    ['ann@localhost', undefined],
    ['n/a', undefined],
    [false, undefined],
    [null, undefined],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });
});

describe('matchByKey', () => {
  type Rec = { id: string; email?: string };
  const key = (r: Rec): string | undefined => normalizeEmail(r.email);

  it('pairs unique keys, keeps one-sided and ambiguous records apart', () => {
    const crm: Rec[] = [
      { id: 'c1', email: 'a@x.com' },
      { id: 'c2', email: 'B@x.com ' },
      { id: 'c3', email: 'dup@x.com' },
      { id: 'c4' },
      { id: 'c5', email: 'only-crm@x.com' },
    ];
    const erp: Rec[] = [
      { id: 'e1', email: ' A@X.COM' },
      { id: 'e2', email: 'b@x.com' },
      { id: 'e3', email: 'dup@x.com' },
      { id: 'e4', email: 'DUP@x.com' },
      { id: 'e5', email: 'only-erp@x.com' },
    ];
    const m = matchByKey(crm, erp, key, key);
    expect(m.pairs.map((p) => [p.left.id, p.right.id])).toEqual([
      ['c1', 'e1'],
      ['c2', 'e2'],
    ]);
    expect(m.leftOnly.map((r) => r.id).sort()).toEqual(['c4', 'c5']);
    expect(m.rightOnly.map((r) => r.id)).toEqual(['e5']);
    expect(m.ambiguous).toHaveLength(1);
    expect(m.ambiguous[0]?.right.map((r) => r.id)).toEqual(['e3', 'e4']);
  });

  it('accounts for every record exactly once (property)', () => {
    const rec = fc.record({
      id: fc.uuid(),
      email: fc.option(fc.constantFrom('a@x', 'b@x', 'A@X', 'c@x', 'junk'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(rec, { maxLength: 12 }), fc.array(rec, { maxLength: 12 }), (crm, erp) => {
        const m = matchByKey(crm, erp, key, key);
        const leftSeen = [...m.pairs.map((p) => p.left), ...m.leftOnly, ...m.ambiguous.flatMap((a) => a.left)];
        const rightSeen = [...m.pairs.map((p) => p.right), ...m.rightOnly, ...m.ambiguous.flatMap((a) => a.right)];
        expect(leftSeen).toHaveLength(crm.length);
        expect(new Set(leftSeen)).toEqual(new Set(crm));
        expect(rightSeen).toHaveLength(erp.length);
        expect(new Set(rightSeen)).toEqual(new Set(erp));
        for (const p of m.pairs) expect(key(p.left)).toBe(key(p.right));
      }),
    );
  });
});
