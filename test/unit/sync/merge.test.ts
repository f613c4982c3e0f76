/**
 * The three-way merge of a linked pair: a table of the cases ARCHITECTURE names
 * (one side changed, both changed under each rule, owner, one-way fields, first
 * sync, formatting-only changes), then properties over random pairs: a field never
 * flows from a side it does not flow from, a lone change always flows, and applying
 * the decisions then merging again writes nothing more (no ping-pong).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileMapping } from '../../../src/mapping/compile.ts';
import { mappingSpecSchema, type Side } from '../../../src/mapping/spec.ts';
import type { MappingValue } from '../../../src/mapping/transforms/index.ts';
import type { CompiledMapping } from '../../../src/mapping/types.ts';
import { mergePair, type MergeInput, type PairValues, type SideNow } from '../../../src/sync/merge.ts';

type Rule = CompiledMapping['conflicts'];
const RULES: Rule[] = ['newest', 'prefer crm', 'prefer erp', 'manual'];

function mappingWith(conflicts: Rule): CompiledMapping {
  const spec = mappingSpecSchema.parse(
    parse(`id: pair
sides:
  crm: { connection: hubspot, object: contacts }
  erp: { connection: odoo, object: res.partner }
conflicts: ${conflicts}
fields:
  - { crm: email, erp: email, transform: email }
  - { crm: name, erp: name }
  - { crm: note, erp: note, flow: crm->erp }
  - { crm: credit, erp: credit, flow: erp->crm }
  - { crm: owned, erp: owned, owner: erp }
`),
  );
  const result = compileMapping(spec);
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('; '));
  return result.mapping;
}
const MAPPINGS = new Map(RULES.map((r) => [r, mappingWith(r)]));
const mapping = (rule: Rule): CompiledMapping => MAPPINGS.get(rule) as CompiledMapping;

const side = (
  values: Record<string, MappingValue>,
  modifiedAt = '2026-01-01T00:00:00.000Z',
  fieldModifiedAt?: Record<string, string>,
): SideNow => ({
  values,
  modifiedAt,
  ...(fieldModifiedAt ? { fieldModifiedAt } : {}),
});
/** Values mean the same on both sides when they are equal (the fields are copied as they are). */
const agreeOf =
  (m: CompiledMapping, input: MergeInput) =>
  (field: string): boolean =>
    m.equal(field, input.crm?.values[field] ?? null, input.erp?.values[field] ?? null);
const decision = (m: CompiledMapping, input: MergeInput, field: string) =>
  mergePair(m, { ...input, agree: agreeOf(m, input) }).decisions.find((d) => d.field === field);

const SNAP: PairValues = {
  crm: { email: 'a@x.test', name: 'Ann', note: 'n', owned: 'o' },
  erp: { email: 'a@x.test', name: 'Ann', credit: 5, owned: 'o' },
};

describe('mergePair: the cases', () => {
  it.each([
    ['neither side changed', { name: 'Ann' }, { name: 'Ann' }, 'newest', { action: 'keep', rule: 'unchanged' }],
    [
      'only a formatting difference (email case and spaces)',
      { email: ' A@X.test ' },
      {},
      'newest',
      { action: 'keep', rule: 'unchanged' },
    ],
    [
      'only crm changed',
      { name: 'Anna' },
      { name: 'Ann' },
      'manual',
      { action: 'push', from: 'crm', rule: 'only crm changed' },
    ],
    [
      'only erp changed',
      { name: 'Ann' },
      { name: 'Anne' },
      'prefer crm',
      { action: 'push', from: 'erp', rule: 'only erp changed' },
    ],
    [
      'both changed to the same value',
      { name: 'Anna' },
      { name: 'Anna' },
      'manual',
      { action: 'keep', rule: 'both changed, to values that agree' },
    ],
    [
      'both changed, prefer crm',
      { name: 'Anna' },
      { name: 'Anne' },
      'prefer crm',
      { action: 'push', from: 'crm', rule: 'both changed; prefer crm' },
    ],
    [
      'both changed, prefer erp',
      { name: 'Anna' },
      { name: 'Anne' },
      'prefer erp',
      { action: 'push', from: 'erp', rule: 'both changed; prefer erp' },
    ],
    [
      'both changed, manual',
      { name: 'Anna' },
      { name: 'Anne' },
      'manual',
      { action: 'conflict', rule: 'both changed; manual: parked for a person to decide' },
    ],
  ] as const)('%s', (_name, crm, erp, rule, expected) => {
    const field = Object.keys(crm)[0] ?? Object.keys(erp)[0] ?? 'name';
    const m = mapping(rule);
    expect(decision(m, { snapshot: SNAP, crm: side(crm), erp: side(erp) }, field)).toEqual({ field, ...expected });
  });

  it('a lone change the other side already holds (a first sync finding them equal) writes nothing', () => {
    const m = mapping('newest');
    const input: MergeInput = { snapshot: SNAP, crm: side({ name: 'Anna' }), erp: side({}) };
    expect(mergePair(m, { ...input, agree: (f) => f === 'name' }).decisions.find((d) => d.field === 'name')).toEqual({
      field: 'name',
      action: 'keep',
      rule: 'only crm changed, and the other side already agrees',
    });
    expect(mergePair(m, input).decisions.find((d) => d.field === 'name')).toMatchObject({
      action: 'push',
      from: 'crm',
    });
  });

  it('newest: per-field times when both sides have one, else record times; a tie goes to the crm', () => {
    const m = mapping('newest');
    const crm = side({ name: 'Anna' }, '2026-01-02T00:00:00.000Z', { name: '2026-01-01T09:00:00.000Z' });
    const erp = side({ name: 'Anne' }, '2026-01-01T12:00:00.000Z');
    expect(decision(m, { snapshot: SNAP, crm, erp }, 'name')).toMatchObject({
      action: 'push',
      from: 'crm',
      rule: expect.stringContaining('record times'),
    });
    const erpWithField = side({ name: 'Anne' }, '2026-01-01T12:00:00.000Z', { name: '2026-01-01T10:00:00.000Z' });
    expect(decision(m, { snapshot: SNAP, crm, erp: erpWithField }, 'name')).toMatchObject({
      action: 'push',
      from: 'erp',
      rule: expect.stringContaining('field times'),
    });
    const tie = side({ name: 'Anne' }, '2026-01-02T00:00:00.000Z');
    expect(
      decision(m, { snapshot: SNAP, crm: side({ name: 'Anna' }, '2026-01-02T00:00:00.000Z'), erp: tie }, 'name'),
    ).toMatchObject({ from: 'crm', rule: expect.stringContaining('a tie goes to the crm') });
  });

  it('an owner wins whatever the rule; a one-way field flows only its way', () => {
    for (const rule of RULES) {
      const m = mapping(rule);
      expect(
        decision(m, { snapshot: SNAP, crm: side({ owned: 'c' }), erp: side({ owned: 'e' }) }, 'owned'),
      ).toMatchObject({ action: 'push', from: 'erp', rule: 'both changed; owner erp' });
    }
    const m = mapping('newest');
    // note flows crm->erp: the erp side does not even read it; credit flows erp->crm.
    expect(decision(m, { snapshot: SNAP, crm: side({ note: 'new' }), erp: side({}) }, 'note')).toMatchObject({
      action: 'push',
      from: 'crm',
    });
    expect(decision(m, { snapshot: SNAP, crm: side({}), erp: side({ credit: 7 }) }, 'credit')).toMatchObject({
      action: 'push',
      from: 'erp',
    });
  });

  it('first sync: a value on one side fills the empty other; two different values go through the rule', () => {
    const m = mapping('manual');
    const input: MergeInput = {
      snapshot: undefined,
      crm: side({ email: 'a@x.test', name: 'Ann', note: null }),
      erp: side({ email: 'A@X.TEST', name: null, credit: 100 }),
    };
    const result = mergePair(m, { ...input, agree: agreeOf(m, input) });
    const by = Object.fromEntries(result.decisions.map((d) => [d.field, [d.action, d.from ?? '-']]));
    expect(by).toEqual({
      email: ['keep', '-'],
      name: ['push', 'crm'],
      note: ['keep', '-'],
      credit: ['push', 'erp'],
      owned: ['keep', '-'],
    });
    expect(
      mergePair(m, { snapshot: undefined, crm: side({ name: 'Ann' }), erp: side({ name: 'Anne' }) }).conflicts,
    ).toEqual(['name']);
  });

  it("a person's choice wins for that field, whatever the rule, unless the sides already agree", () => {
    for (const rule of RULES) {
      const m = mapping(rule);
      const input: MergeInput = {
        snapshot: SNAP,
        crm: side({ name: 'Anna', owned: 'c' }),
        erp: side({ name: 'Anne', owned: 'e' }),
      };
      const chosen = mergePair(m, { ...input, agree: agreeOf(m, input), decided: { name: 'erp', owned: 'crm' } });
      expect(chosen.decisions.find((d) => d.field === 'name')).toEqual({
        field: 'name',
        action: 'push',
        from: 'erp',
        rule: 'manual: erp chosen by a person',
      });
      // Even over the field's owner: the person decided.
      expect(chosen.decisions.find((d) => d.field === 'owned')).toMatchObject({ action: 'push', from: 'crm' });
      expect(chosen.conflicts).toEqual([]);
    }
    const m = mapping('manual');
    const agreeing: MergeInput = { snapshot: SNAP, crm: side({ name: 'Anne' }), erp: side({ name: 'Anne' }) };
    expect(
      mergePair(m, { ...agreeing, agree: agreeOf(m, agreeing), decided: { name: 'crm' } }).decisions.find(
        (d) => d.field === 'name',
      ),
    ).toEqual({ field: 'name', action: 'keep', rule: 'manual: crm chosen, and the other side already agrees' });
    // A one-way field cannot take the value of the side it does not flow from.
    expect(
      mergePair(m, {
        snapshot: SNAP,
        crm: side({ note: 'c' }),
        erp: side({ note: 'e' }),
        decided: { note: 'erp' },
      }).decisions.find((d) => d.field === 'note'),
    ).toMatchObject({ action: 'keep', rule: 'manual: erp chosen, but the field does not flow from erp' });
  });

  it('a side not read this time, or a field not carried, counts as unchanged', () => {
    const m = mapping('manual');
    const result = mergePair(m, { snapshot: SNAP, crm: side({ name: 'Anna' }), erp: undefined });
    expect(result.toErp).toEqual(['name']);
    expect(result.toCrm).toEqual([]);
  });
});

const VALUE = fc.constantFrom<MappingValue>(null, 'x', 'y', 'X', ' x ', 'z');
const FIELDS = ['email', 'name', 'note', 'credit', 'owned'] as const;
const values: fc.Arbitrary<Record<string, MappingValue>> = fc.record(
  Object.fromEntries(FIELDS.map((f) => [f, VALUE])) as Record<(typeof FIELDS)[number], fc.Arbitrary<MappingValue>>,
  { requiredKeys: [] },
) as fc.Arbitrary<Record<string, MappingValue>>;
const time = fc.integer({ min: 0, max: 3 }).map((h) => `2026-01-01T0${h}:00:00.000Z`);
/** What a side reads: only the fields that flow from it (as toCanonical does). */
const readable = (m: CompiledMapping, s: Side, v: Record<string, MappingValue>): Record<string, MappingValue> =>
  Object.fromEntries(
    Object.entries(v).filter(([f]) => m.flow(f) === 'both' || m.flow(f) === `${s}->${s === 'crm' ? 'erp' : 'crm'}`),
  );
const pair = fc.record({
  rule: fc.constantFrom(...RULES),
  base: fc.option(fc.record({ crm: values, erp: values }), { nil: undefined }),
  crm: values,
  erp: values,
  crmAt: time,
  erpAt: time,
});

describe('mergePair: properties', () => {
  it('never takes a value from a side the field does not flow from; a lone change flows unless the other side already agrees', () => {
    fc.assert(
      fc.property(pair, ({ rule, base, crm, erp, crmAt, erpAt }) => {
        const m = mapping(rule);
        // Values of every field on both sides, also those a side does not read (a snapshot's, say).
        const input: MergeInput = { snapshot: base, crm: side(crm, crmAt), erp: side(erp, erpAt) };
        const result = mergePair(m, { ...input, agree: agreeOf(m, input) });
        for (const d of result.decisions) {
          if (d.action === 'push')
            expect(
              m.flow(d.field) === 'both' || m.flow(d.field) === `${d.from}->${d.from === 'crm' ? 'erp' : 'crm'}`,
              JSON.stringify(d),
            ).toBe(true);
          const changed = (s: Side): boolean =>
            Object.hasOwn(input[s]?.values ?? {}, d.field) &&
            !m.equal(d.field, base?.[s][d.field] ?? null, input[s]?.values[d.field] ?? null);
          if (changed('crm') !== changed('erp')) {
            const from: Side = changed('crm') ? 'crm' : 'erp';
            const flows =
              m.flow(d.field) === 'both' || m.flow(d.field) === `${from}->${from === 'crm' ? 'erp' : 'crm'}`;
            if (flows && !agreeOf(m, input)(d.field)) expect(d).toMatchObject({ action: 'push', from });
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('applying the decisions and merging again writes nothing more (no ping-pong)', () => {
    fc.assert(
      fc.property(pair, ({ rule, base, crm, erp, crmAt, erpAt }) => {
        const m = mapping(rule);
        const now = { crm: readable(m, 'crm', crm), erp: readable(m, 'erp', erp) };
        const input: MergeInput = { snapshot: base, crm: side(now.crm, crmAt), erp: side(now.erp, erpAt) };
        const first = mergePair(m, { ...input, agree: agreeOf(m, input) });
        // The engine writes each pushed value to the other side (where that side has the field),
        // then stores what both sides hold as the snapshot; a parked conflict keeps its old snapshot.
        const after = { crm: { ...now.crm }, erp: { ...now.erp } };
        for (const d of first.decisions) {
          if (d.action !== 'push' || d.from === undefined) continue;
          const to: Side = d.from === 'crm' ? 'erp' : 'crm';
          if (Object.hasOwn(after[d.from], d.field)) after[to][d.field] = after[d.from][d.field] as MappingValue;
        }
        const snapshot: PairValues = {
          crm: { ...after.crm, ...Object.fromEntries(first.conflicts.map((f) => [f, base?.crm[f] ?? null])) },
          erp: { ...after.erp, ...Object.fromEntries(first.conflicts.map((f) => [f, base?.erp[f] ?? null])) },
        };
        const again: MergeInput = {
          snapshot,
          crm: side(readable(m, 'crm', after.crm), crmAt),
          erp: side(readable(m, 'erp', after.erp), erpAt),
        };
        const second = mergePair(m, { ...again, agree: agreeOf(m, again) });
        expect(second.toErp).toEqual([]);
        expect(second.toCrm).toEqual([]);
        expect(second.conflicts).toEqual(first.conflicts);
      }),
      { numRuns: 500 },
    );
  });
});
