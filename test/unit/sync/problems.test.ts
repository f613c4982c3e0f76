/**
 * problemOutcomes and goneRecords (src/sync/problems.ts), table-driven: what a recorded
 * plan leaves open and settles, keyed by the record the value comes from.
 */
import { describe, expect, it } from 'vitest';
import type { AppliedRecord } from '../../../src/sync/apply.ts';
import type { FieldDecision } from '../../../src/sync/merge.ts';
import type { PlannedRecord, PlanProblem } from '../../../src/sync/plan.ts';
import { goneRecords, problemOutcomes } from '../../../src/sync/problems.ts';

const EMPTY = { crm: {}, erp: {} };
function applied(
  plan: Partial<PlannedRecord> & Pick<PlannedRecord, 'action'>,
  status: AppliedRecord['status'] = 'applied',
  partnerId?: string,
): AppliedRecord {
  const full: PlannedRecord = {
    from: 'crm',
    id: 'c1',
    reason: '',
    decisions: [],
    patch: EMPTY,
    problems: [],
    canonical: {},
    records: {},
    ...plan,
  };
  return { plan: full, status, ...(partnerId ? { partnerId } : {}) };
}
const problem = (field: string, target: 'crm' | 'erp'): PlanProblem => ({
  field,
  target,
  path: '',
  message: `bad ${field}`,
});
const push = (field: string, from: 'crm' | 'erp'): FieldDecision => ({ field, action: 'push', from, rule: 'newest' });

describe('problemOutcomes', () => {
  it.each([
    {
      name: 'a create from crm: what was left out opens, every erp field is written',
      input: applied({ action: 'create', problems: [problem('country', 'erp')] }, 'applied', 'e9'),
      expect: [
        {
          side: 'crm',
          outcome: {
            recordId: 'c1',
            open: [{ field: 'country', target: 'erp', reason: 'bad country' }],
            written: { erp: '*' },
          },
        },
      ],
    },
    {
      name: 'a sync pushing both ways: each side keyed by the record its value came from',
      input: applied({
        action: 'sync',
        partnerId: 'e7',
        decisions: [push('country', 'crm'), push('phone', 'erp')],
        problems: [problem('phone', 'crm')],
      }),
      expect: [
        {
          side: 'erp',
          outcome: {
            recordId: 'e7',
            open: [{ field: 'phone', target: 'crm', reason: 'bad phone' }],
            written: { crm: ['phone'] },
          },
        },
        { side: 'crm', outcome: { recordId: 'c1', open: [], written: { erp: ['country'] } } },
      ],
    },
    {
      name: 'a conflicted sync counts',
      input: applied({ action: 'sync', decisions: [push('city', 'crm')] }, 'conflicted'),
      expect: [{ side: 'crm', outcome: { recordId: 'c1', open: [], written: { erp: ['city'] } } }],
    },
    {
      name: 'a failed write: nothing',
      input: applied({ action: 'create', problems: [problem('country', 'erp')] }, 'failed'),
      expect: [],
    },
    {
      name: 'a skip with problems (nothing written): nothing',
      input: applied({ action: 'skip', problems: [problem('country', 'erp')] }, 'skipped'),
      expect: [],
    },
    { name: 'a sync that writes nothing: nothing', input: applied({ action: 'sync', decisions: [] }), expect: [] },
  ])('$name', ({ input, expect: want }) => {
    expect(problemOutcomes(input)).toEqual(want);
  });
});

describe('goneRecords', () => {
  it('an archive takes the record and its partner; a skip nothing', () => {
    expect(goneRecords(applied({ action: 'archive', partnerId: 'e7' }))).toEqual([
      { side: 'crm', recordId: 'c1' },
      { side: 'erp', recordId: 'e7' },
    ]);
    expect(goneRecords(applied({ action: 'skip' }, 'skipped'))).toEqual([]);
  });
});
