/**
 * What recording a plan's outcome does to the problems an admin can list (the store's
 * `problems`, docs/problems.md): a field left out of a write is kept per record, keyed by
 * the record its value came from (so passes of either side address the same row), until
 * a later sync writes that field. Pure: the record phase stores what this says.
 */
import type { Side } from '../mapping/spec.ts';
import type { ProblemOutcome } from '../store/problem-repository.ts';
import type { AppliedRecord } from './apply.ts';
import { other, SIDES } from './sides.ts';

/** The problem outcomes of one recorded plan, by the side of the records they are about. */
export interface SideOutcome {
  readonly side: Side;
  readonly outcome: ProblemOutcome;
}

/**
 * What a written plan (`applied` or `conflicted`: a create or a sync) settles and leaves
 * open, per source side; nothing for skips, waits, failures, archives and deletes.
 */
export function problemOutcomes(applied: AppliedRecord): SideOutcome[] {
  const { plan, status } = applied;
  if (status !== 'applied' && status !== 'conflicted') return [];
  if (plan.action !== 'create' && plan.action !== 'sync') return [];
  const out: SideOutcome[] = [];
  for (const target of SIDES) {
    // The record whose value is (or is not) written to `target`.
    const source = other(target);
    const recordId = source === plan.from ? plan.id : (applied.partnerId ?? plan.partnerId);
    if (recordId === undefined) continue;
    const open = plan.problems
      .filter((p) => p.target === target)
      .map((p) => ({ field: p.field, target, reason: p.message }));
    const written: readonly string[] | '*' =
      plan.action === 'create'
        ? target === other(plan.from)
          ? '*'
          : []
        : plan.decisions.filter((d) => d.action === 'push' && d.from === source).map((d) => d.field);
    if (open.length === 0 && written.length === 0) continue;
    out.push({ side: source, outcome: { recordId, open, written: { [target]: written } } });
  }
  return out;
}

/** The records whose problems go with them: an archived or deleted record and its partner. */
export function goneRecords(applied: AppliedRecord): Array<{ side: Side; recordId: string }> {
  const { plan, status } = applied;
  if (status !== 'applied' || (plan.action !== 'archive' && plan.action !== 'delete')) return [];
  const partner = applied.partnerId ?? plan.partnerId;
  return [
    { side: plan.from, recordId: plan.id },
    ...(partner === undefined ? [] : [{ side: other(plan.from), recordId: partner }]),
  ];
}
