import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRANSFORMS, type MappingValue } from '../../../../src/mapping/transforms/index.ts';
import { build, transformError } from './build.ts';

const STAGES = {
  map: { appointmentscheduled: 'draft', qualifiedtobuy: 'sent', closedwon: 'sale', closedlost: 'cancel' },
};

describe('map (value maps)', () => {
  it.each([
    [STAGES, 'closedwon', 'sale'],
    [STAGES, ' closedwon ', 'sale'],
    [STAGES, null, null],
    [STAGES, ['closedwon', 'closedlost'], ['sale', 'cancel']],
    [{ map: { COMPUTER_SOFTWARE: 'Information Technology' }, default: 'Other' }, 'FARMING', 'Other'],
    [{ map: { A: 'x' }, strict: false }, 'B', 'B'],
    [{ map: { won: 'sale' }, ignoreCase: true }, 'WON', 'sale'],
    [{ map: { true: 'Yes', false: 'No' } }, true, 'Yes'],
    [{ map: { '1': 'one' } }, 1, 'one'],
    [{ A: 'x', B: 'y' }, 'B', 'y'],
  ] as [unknown, MappingValue, MappingValue][])('%j: %j -> %j', (args, input, output) => {
    expect(build('map', args).forward(input)).toEqual(output);
  });

  it('is strict by default: an unmapped value names itself and the allowed ones', () => {
    const err = transformError(() => build('map', STAGES).forward('contractsent'));
    expect(err.message).toBe(
      'map: "contractsent" is not mapped; allowed: "appointmentscheduled", "qualifiedtobuy", "closedwon", "closedlost"',
    );
    expect(err.details).toMatchObject({
      value: 'contractsent',
      allowed: ['appointmentscheduled', 'qualifiedtobuy', 'closedwon', 'closedlost'],
    });
  });

  it('lists at most 20 allowed values', () => {
    const map = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`k${i}`, `v${i}`]));
    expect(transformError(() => build('map', { map }).forward('nope')).message).toMatch(/"k19" and 5 more$/);
  });

  it('maps back through the same table', () => {
    const { inverse } = build('map', STAGES);
    expect([inverse('sale'), inverse('cancel'), inverse(null)]).toEqual(['closedwon', 'closedlost', null]);
    expect(transformError(() => inverse('done')).message).toBe(
      'map: "done" is not mapped on the way back; allowed: "draft", "sent", "sale", "cancel"',
    );
  });

  it('says at compile time that a many-to-one map has no way back, and how to fix it', () => {
    const def = TRANSFORMS.get('map');
    const args = def?.args.parse({ map: { closedwon: 'done', closedlost: 'done', open: 'draft' } });
    expect(transformError(() => def?.inverse?.(args)).message).toBe(
      'map: the way back is ambiguous: "done" comes from "closedwon", "closedlost"; add `inverse: { "done": <one of them> }` or `inverseDefault`, or declare the field one-way',
    );
    // Forward still works: a one-way field may merge values.
    expect(def?.compile(args)('closedlost')).toBe('done');
  });

  it('settles an ambiguous way back with inverse entries or inverseDefault', () => {
    const merged = { closedwon: 'done', closedlost: 'done', open: 'draft' };
    const explicit = build('map', { map: merged, inverse: { done: 'closedwon' } });
    expect([explicit.inverse('done'), explicit.inverse('draft')]).toEqual(['closedwon', 'open']);
    const fallback = build('map', { map: merged, inverseDefault: 'open' });
    expect([fallback.inverse('done'), fallback.inverse('draft'), fallback.inverse('anything')]).toEqual([
      'open',
      'open',
      'open',
    ]);
  });

  it('inverse entries can write non-text values (Odoo booleans, ids)', () => {
    const { inverse } = build('map', { map: { Yes: 'Y', No: 'N' }, inverse: { Y: true, N: false } });
    expect([inverse('Y'), inverse('N')]).toEqual([true, false]);
  });

  it('has no way back when a value maps to a list or object', () => {
    const def = TRANSFORMS.get('map');
    expect(transformError(() => def?.inverse?.(def.args.parse({ map: { A: ['x'] } }))).message).toBe(
      'map: has no way back: "A" maps to list ["x"]; add inverse entries or declare the field one-way',
    );
  });

  it('refuses two keys that are one value ignoring case', () => {
    const def = TRANSFORMS.get('map');
    expect(
      transformError(() => def?.compile(def.args.parse({ map: { Won: 'a', WON: 'b' }, ignoreCase: true }))).message,
    ).toBe('map: keys "Won" and "WON" are the same value ignoring case; keep one');
  });

  it('compares values by what they map to, and never throws while comparing', () => {
    const { normalize } = build('map', { map: { closedwon: 'done', won: 'done' } });
    expect(normalize('closedwon')).toBe(normalize('won'));
    expect(normalize('other')).toBe('other');
    expect(normalize(1)).toBe(normalize('1'));
  });

  it('round-trips every one-to-one map both ways (property)', () => {
    // zod drops a `__proto__` key when it parses a record (prototype pollution guard).
    const key = fc.stringMatching(/^[A-Za-z0-9_]{1,10}$/).filter((k) => k !== '__proto__');
    const table = fc
      .uniqueArray(fc.tuple(key, key), { minLength: 1, maxLength: 12, selector: ([k]) => k })
      .filter((entries) => new Set(entries.map(([, v]) => v)).size === entries.length);
    fc.assert(
      fc.property(table, (entries) => {
        const { forward, inverse } = build('map', { map: Object.fromEntries(entries) });
        for (const [from, to] of entries) {
          expect(forward(from)).toBe(to);
          expect(inverse(forward(from))).toBe(from);
          expect(forward(inverse(to))).toBe(to);
        }
      }),
    );
  });

  it('strict maps refuse exactly the values they do not name (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.string(), { minKeys: 1, maxKeys: 8 }),
        fc.stringMatching(/^[a-z]{1,6}$/),
        (map, probe) => {
          const { forward } = build('map', { map });
          if (Object.hasOwn(map, probe)) expect(forward(probe)).toBe(map[probe]);
          else expect(() => forward(probe)).toThrow(/is not mapped/);
        },
      ),
    );
  });
});
