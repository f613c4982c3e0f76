/**
 * A plan as people and tools see it: what the CLI prints, what a dry run stores page by
 * page (the store's `plans`), and what the admin API pages through. Smaller than a
 * `PlannedRecord` (no records, snapshots or canonical values), and the same whether it was
 * just decided or read back from a stored run.
 */
import type { Side } from '../mapping/spec.ts';
import type { MappingValue } from '../mapping/transforms/index.ts';
import type { FieldProblem } from '../mapping/types.ts';
import type { JsonObject } from '../store/json.ts';
import type { StoredPlan, StoredPlanInput } from '../store/plan-repository.ts';
import type { FieldDecision } from './merge.ts';
import type { PlannedRecord } from './plan.ts';
import { other } from './sides.ts';

/** One record's plan, for people and tools. */
export interface PlanView {
  readonly from: Side;
  readonly id: string;
  readonly partnerId?: string;
  readonly action: string;
  readonly reason: string;
  /** What each side would get (empty: nothing). */
  readonly patch: Readonly<Record<Side, Readonly<Record<string, MappingValue>>>>;
  /** The idempotency key of a create. */
  readonly createKey?: { readonly field: string; readonly value: string };
  /** The merge's decisions other than "unchanged". */
  readonly decisions: readonly FieldDecision[];
  /** Fields left out, and why. */
  readonly problems: readonly FieldProblem[];
}

/** The view of a plan just decided. */
export function viewOf(plan: PlannedRecord): PlanView {
  return {
    from: plan.from,
    id: plan.id,
    ...(plan.partnerId === undefined ? {} : { partnerId: plan.partnerId }),
    action: plan.action,
    reason: plan.reason,
    patch: plan.patch,
    ...(plan.createKey ? { createKey: plan.createKey } : {}),
    decisions: plan.decisions.filter((d) => d.rule !== 'unchanged'),
    problems: plan.problems,
  };
}

/** What a dry run stores of a plan. */
export function storedPlanOf(plan: PlannedRecord): StoredPlanInput {
  const view = viewOf(plan);
  const body: Record<string, unknown> = { patch: view.patch, decisions: view.decisions };
  if (view.createKey) body.createKey = view.createKey;
  if (view.problems.length > 0) body.problems = view.problems;
  return {
    side: plan.from,
    recordId: plan.id,
    partnerId: plan.partnerId ?? null,
    action: plan.action,
    reason: plan.reason,
    plan: JSON.parse(JSON.stringify(body)) as JsonObject,
  };
}

/** The view of a stored plan. */
export function viewOfStored(stored: StoredPlan): PlanView {
  const body = stored.plan as {
    patch?: PlanView['patch'];
    decisions?: FieldDecision[];
    createKey?: PlanView['createKey'];
    problems?: FieldProblem[];
  };
  return {
    from: stored.side,
    id: stored.recordId,
    ...(stored.partnerId === null ? {} : { partnerId: stored.partnerId }),
    action: stored.action,
    reason: stored.reason,
    patch: body.patch ?? { crm: {}, erp: {} },
    ...(body.createKey ? { createKey: body.createKey } : {}),
    decisions: body.decisions ?? [],
    problems: body.problems ?? [],
  };
}

/** One line for a person: the pair and what happens to it. */
export function describePlan(plan: PlanView): string {
  const to = other(plan.from);
  const pair = `${plan.from} ${plan.id}${plan.partnerId ? ` <-> ${to} ${plan.partnerId}` : ''}`;
  const fields = (side: Side): string => Object.keys(plan.patch[side]).join(', ');
  const parts: string[] = [];
  if (plan.action === 'create')
    parts.push(
      `create in ${to}${plan.createKey ? ` (key ${plan.createKey.field} ${plan.createKey.value})` : ''}: ${fields(to)}`,
    );
  else if (plan.action === 'archive' || plan.action === 'delete') parts.push(`${plan.action} in ${to}`);
  else if (plan.action === 'skip') parts.push(`nothing: ${plan.reason}`);
  else {
    if (fields(to)) parts.push(`${to} gets ${fields(to)}`);
    if (fields(plan.from)) parts.push(`${plan.from} gets ${fields(plan.from)}`);
    const parked = plan.decisions.filter((d) => d.action === 'conflict').map((d) => d.field);
    if (parked.length > 0) parts.push(`conflict parked: ${parked.join(', ')}`);
    if (parts.length === 0) parts.push('link only (already in agreement)');
  }
  const left =
    plan.problems.length > 0 ? `; left out: ${plan.problems.map((p) => `${p.field} (${p.message})`).join('; ')}` : '';
  return `${pair}: ${parts.join('; ')}${left}`;
}
