/**
 * explainPlan: each field decision of a plan told as what a person sees (written, nothing
 * to do, not written, conflict, left out), and the record's identity from its plan.
 */
import { describe, expect, it } from 'vitest';
import type { CompiledMapping } from '../../../src/mapping/types.ts';
import { explainPlan, formatExplanation } from '../../../src/sync/explain.ts';
import type { FieldDecision } from '../../../src/sync/merge.ts';
import type { PlannedRecord } from '../../../src/sync/plan.ts';

/** The parts of a compiled mapping the explanation reads. */
const mapping = {
  id: 'contacts-partners',
  sides: { crm: { connection: 'hubspot', object: 'contacts' }, erp: { connection: 'odoo', object: 'res.partner' } },
  fields: ['email', 'name', 'credit_limit', 'country'],
  flow: (field: string) => (field === 'credit_limit' ? 'erp->crm' : 'both'),
} as unknown as CompiledMapping;

function plan(over: Partial<PlannedRecord>): PlannedRecord {
  return {
    from: 'crm',
    id: '7',
    action: 'sync',
    reason: 'linked',
    decisions: [],
    patch: { crm: {}, erp: {} },
    problems: [],
    canonical: {},
    records: {},
    ...over,
  } as PlannedRecord;
}

describe('explainPlan', () => {
  const cases: [string, FieldDecision, string, string | undefined][] = [
    ['pushed', { field: 'name', action: 'push', from: 'crm', rule: 'only crm changed' }, 'written', 'erp'],
    ['pushed back', { field: 'name', action: 'push', from: 'erp', rule: 'both changed; owner erp' }, 'written', 'crm'],
    ['unchanged', { field: 'name', action: 'keep', rule: 'unchanged' }, 'unchanged', undefined],
    ['equal', { field: 'email', action: 'keep', rule: 'both changed, to values that agree' }, 'equal', undefined],
    [
      'flows the other way',
      { field: 'credit_limit', action: 'keep', rule: 'only crm changed, and the field does not flow from crm' },
      'not-flowing',
      undefined,
    ],
    [
      'conflict',
      { field: 'name', action: 'conflict', rule: 'both changed; manual: parked for a person to decide' },
      'conflict',
      undefined,
    ],
  ];
  it.each(cases)('%s', (_name, decision, verdict, to) => {
    const [field] = explainPlan(mapping, plan({ decisions: [decision] })).fields;
    expect(field).toEqual({ field: decision.field, verdict, rule: decision.rule, ...(to === undefined ? {} : { to }) });
  });

  it('a field with a problem is left out, with the reason, whatever the merge said', () => {
    const e = explainPlan(
      mapping,
      plan({
        decisions: [{ field: 'country', action: 'push', from: 'crm', rule: 'only crm changed' }],
        problems: [{ field: 'country', path: 'fields[3]', message: 'country-code: "Narnia" is not a country' }],
      }),
    );
    expect(e.fields).toEqual([
      { field: 'country', verdict: 'left-out', rule: 'country-code: "Narnia" is not a country' },
    ]);
  });

  it('a create: every field rule written to the new record, except those flowing back only or left out', () => {
    const e = explainPlan(
      mapping,
      plan({
        action: 'create',
        reason: 'no partner',
        createKey: { field: 'external_id', value: 'contacts-partners_crm_7' },
        problems: [{ field: 'country', path: 'fields[3]', message: 'refused' }],
      }),
    );
    expect(e.identity).toEqual({
      state: 'create',
      text: 'no partner in erp: a pass would create one (keyed by external_id contacts-partners_crm_7)',
    });
    expect(e.fields.map((f) => [f.field, f.verdict])).toEqual([
      ['email', 'written'],
      ['name', 'written'],
      ['credit_limit', 'not-flowing'],
      ['country', 'left-out'],
    ]);
  });

  it('identity: linked, matched by a rule, waiting with candidates', () => {
    const link = { id: 'l1' } as unknown as NonNullable<PlannedRecord['link']>;
    expect(explainPlan(mapping, plan({ link, partnerId: '42' })).identity).toEqual({
      state: 'linked',
      text: 'linked to erp 42',
    });
    expect(explainPlan(mapping, plan({ partnerId: '42', matchedBy: 'email' })).identity.state).toBe('matched');
    const waiting = explainPlan(
      mapping,
      plan({
        action: 'skip',
        wait: {
          kind: 'ambiguous',
          candidates: [
            { id: '3', rule: 'email' },
            { id: '4', rule: 'email' },
          ],
          reason: 'two partners share the email',
        },
      }),
    );
    expect(waiting.identity).toEqual({
      state: 'ambiguous',
      text: 'ambiguous: two partners share the email; candidates: erp 3 (email), erp 4 (email)',
    });
  });

  it('formats for people: the verdict and the rule per field, and what each side would get', () => {
    const text = formatExplanation(
      mapping,
      explainPlan(
        mapping,
        plan({
          link: { id: 'l1' } as unknown as NonNullable<PlannedRecord['link']>,
          partnerId: '42',
          decisions: [{ field: 'name', action: 'push', from: 'crm', rule: 'only crm changed' }],
          patch: { crm: {}, erp: { name: 'Ann Lee' } },
        }),
      ),
    );
    expect(text).toBe(
      'contacts-partners crm 7 (hubspot contacts): a pass would sync (linked); nothing was written\n' +
        'identity: linked to erp 42\n' +
        'fields:\n' +
        '  name  written to erp: only crm changed\n' +
        'erp would get: {"name":"Ann Lee"}\n',
    );
  });
});
