/**
 * Why a pass would do what it plans for one record, told from its plan (plan.ts): who its
 * partner is and how it was found (linked, matched by a rule, ambiguous, waiting, to be
 * created), and for each field rule what happens and the rule that decided: written, nothing
 * to do (unchanged, or already equal), not written because the field flows the other way,
 * a conflict, or left out (a lookup found nothing, a transform refused the value). Pure:
 * the plan is made without writing anything, and this only reads it.
 */
import type { Side } from '../mapping/spec.ts';
import type { MappingValue } from '../mapping/transforms/index.ts';
import type { CompiledMapping, FieldProblem } from '../mapping/types.ts';
import type { PlannedRecord } from './plan.ts';
import { other } from './sides.ts';

/** How the record stands towards a partner on the other side. */
export type IdentityState = 'linked' | 'matched' | 'ambiguous' | 'waiting' | 'create' | 'none';

/** What happens to one field rule. */
export type FieldVerdict = 'written' | 'unchanged' | 'equal' | 'not-flowing' | 'conflict' | 'left-out' | 'kept';

/** One field rule's fate, and the rule that decided it. */
export interface FieldExplanation {
  readonly field: string;
  readonly verdict: FieldVerdict;
  /** The side written, for `written`. */
  readonly to?: Side;
  /** The merge's rule (`only crm changed`, `both changed; owner erp`), or why it was left out. */
  readonly rule: string;
}

/** One record's plan, explained. */
export interface RecordExplanation {
  readonly from: Side;
  readonly id: string;
  readonly partnerId?: string;
  readonly action: string;
  readonly reason: string;
  readonly identity: { readonly state: IdentityState; readonly text: string };
  readonly fields: readonly FieldExplanation[];
  /** What each side would get. */
  readonly patch: Readonly<Record<Side, Readonly<Record<string, MappingValue>>>>;
  readonly problems: readonly FieldProblem[];
}

function identityOf(plan: PlannedRecord): RecordExplanation['identity'] {
  const to = other(plan.from);
  if (plan.link !== undefined) return { state: 'linked', text: `linked to ${to} ${plan.partnerId ?? '?'}` };
  if (plan.wait !== undefined) {
    const ids = plan.wait.candidates.map((c) => `${to} ${c.id} (${c.rule})`).join(', ');
    return {
      state: plan.wait.kind === 'ambiguous' ? 'ambiguous' : 'waiting',
      text: `${plan.wait.kind}: ${plan.wait.reason}${ids === '' ? '' : `; candidates: ${ids}`}`,
    };
  }
  if (plan.partnerId !== undefined)
    return {
      state: 'matched',
      text: `matched to ${to} ${plan.partnerId} by ${plan.matchedBy ?? 'a match rule'}: a pass would link them`,
    };
  if (plan.action === 'create') {
    const key = plan.createKey ? ` (keyed by ${plan.createKey.field} ${plan.createKey.value})` : '';
    return { state: 'create', text: `no partner in ${to}: a pass would create one${key}` };
  }
  return { state: 'none', text: `no partner in ${to}: ${plan.reason}` };
}

function verdictOfKeep(rule: string): FieldVerdict {
  if (rule === 'unchanged') return 'unchanged';
  if (/agree|up to date/.test(rule)) return 'equal';
  if (rule.includes('does not flow from')) return 'not-flowing';
  return 'kept';
}

/** Explains `plan` of `mapping`. */
export function explainPlan(mapping: CompiledMapping, plan: PlannedRecord): RecordExplanation {
  const to = other(plan.from);
  const leftOut = new Map(plan.problems.map((p) => [p.field, p.message]));
  const fields: FieldExplanation[] = [];
  if (plan.decisions.length > 0) {
    for (const d of plan.decisions) {
      const problem = leftOut.get(d.field);
      if (problem !== undefined) fields.push({ field: d.field, verdict: 'left-out', rule: problem });
      else if (d.action === 'push')
        fields.push({ field: d.field, verdict: 'written', to: other(d.from ?? plan.from), rule: d.rule });
      else if (d.action === 'conflict') fields.push({ field: d.field, verdict: 'conflict', rule: d.rule });
      else fields.push({ field: d.field, verdict: verdictOfKeep(d.rule), rule: d.rule });
    }
  } else if (plan.action === 'create') {
    for (const field of mapping.fields) {
      const problem = leftOut.get(field);
      if (problem !== undefined) fields.push({ field, verdict: 'left-out', rule: problem });
      else if (mapping.flow(field) === `${to}->${plan.from}`)
        fields.push({ field, verdict: 'not-flowing', rule: `flows ${to}->${plan.from} only` });
      else fields.push({ field, verdict: 'written', to, rule: 'a new record' });
    }
  }
  return {
    from: plan.from,
    id: plan.id,
    ...(plan.partnerId === undefined ? {} : { partnerId: plan.partnerId }),
    action: plan.action,
    reason: plan.reason,
    identity: identityOf(plan),
    fields,
    patch: plan.patch,
    problems: plan.problems,
  };
}

const SAID: Record<FieldVerdict, string> = {
  written: 'written',
  unchanged: 'nothing to do',
  equal: 'nothing to do',
  'not-flowing': 'not written',
  conflict: 'conflict',
  'left-out': 'left out',
  kept: 'not written',
};

/** The explanation as text for people. */
export function formatExplanation(mapping: CompiledMapping, e: RecordExplanation): string {
  const { connection, object } = mapping.sides[e.from];
  const lines = [
    `${mapping.id} ${e.from} ${e.id} (${connection} ${object}): a pass would ${e.action === 'skip' ? 'do nothing' : e.action}` +
      ` (${e.reason}); nothing was written`,
    `identity: ${e.identity.text}`,
  ];
  if (e.fields.length > 0) {
    lines.push('fields:');
    const width = Math.max(...e.fields.map((f) => f.field.length));
    for (const f of e.fields) {
      const said = f.verdict === 'written' ? `written to ${f.to ?? '?'}` : SAID[f.verdict];
      lines.push(`  ${f.field.padEnd(width)}  ${said}: ${f.rule}`);
    }
  }
  for (const side of ['crm', 'erp'] as const) {
    const patch = e.patch[side];
    if (Object.keys(patch).length > 0) lines.push(`${side} would get: ${JSON.stringify(patch)}`);
  }
  return `${lines.join('\n')}\n`;
}
