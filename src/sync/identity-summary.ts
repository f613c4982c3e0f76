/**
 * The identity summary of a pass: of the records it read, how many were linked already,
 * matched now (by which rule), ambiguous (parked for a person), waiting (no partner yet,
 * and none may be created now), to create, and left aside (filtered, archived, nothing
 * flows), with a few record ids of each as examples. `frontback plan` opens with it, so a
 * first sync shows what it will do before it does it.
 */
import type { PlannedRecord } from './plan.ts';

/** Examples kept per category. */
const EXAMPLES = 3;

/** Counts by category, with examples. */
export interface IdentitySummary {
  linked: number;
  /** Matched now, by rule label. */
  matched: Record<string, number>;
  ambiguous: number;
  waiting: number;
  create: number;
  /** Filtered out, archived, nothing flows, and the like. */
  aside: number;
  /** A few record ids per category (`linked`, `matched`, `ambiguous`, `waiting`, `create`). */
  examples: Record<string, string[]>;
}

/** An empty summary. */
export const emptyIdentity = (): IdentitySummary => ({
  linked: 0,
  matched: {},
  ambiguous: 0,
  waiting: 0,
  create: 0,
  aside: 0,
  examples: {},
});

function example(summary: IdentitySummary, category: string, text: string): void {
  const list = (summary.examples[category] ??= []);
  if (list.length < EXAMPLES) list.push(text);
}

/** Counts one plan into `summary`. */
export function tallyIdentity(summary: IdentitySummary, plan: PlannedRecord): void {
  const pair = `${plan.from} ${plan.id}${plan.partnerId ? ` <-> ${plan.partnerId}` : ''}`;
  if (plan.wait) {
    summary[plan.wait.kind] += 1;
    example(summary, plan.wait.kind, `${pair}: ${plan.wait.reason}`);
  } else if (plan.link) {
    summary.linked += 1;
    example(summary, 'linked', pair);
  } else if (plan.matchedBy !== undefined) {
    summary.matched[plan.matchedBy] = (summary.matched[plan.matchedBy] ?? 0) + 1;
    example(summary, 'matched', `${pair} (${plan.matchedBy})`);
  } else if (plan.action === 'create') {
    summary.create += 1;
    example(summary, 'create', `${plan.from} ${plan.id}`);
  } else summary.aside += 1;
}

/** One line for people: `12 linked, 40 matched (email 38, name 2), 3 ambiguous, 1 waiting, 5 to create, 9 aside`. */
export function describeIdentity(summary: IdentitySummary): string {
  const matched = Object.values(summary.matched).reduce((a, b) => a + b, 0);
  const rules = Object.entries(summary.matched)
    .map(([rule, n]) => `${rule} ${n}`)
    .join(', ');
  return (
    `${summary.linked} linked, ${matched} matched${rules ? ` (${rules})` : ''}, ${summary.ambiguous} ` +
    `ambiguous, ${summary.waiting} waiting, ${summary.create} to create, ${summary.aside} aside`
  );
}
