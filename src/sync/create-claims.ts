/**
 * The pass-wide claim on creates. A record about to be created in the other system claims
 * its match keys (each rule's normalised key of the source record) for the whole pass. A
 * later record of the same pass, on the same page or another page handled at the same
 * time, whose key is claimed does not create a second partner: it waits (a `waiting`
 * match, re-checked by the next pass, when the partner made for the first record is in the
 * key index and the two are compared as usual). Two pages handled concurrently therefore
 * never create two partners for one key, and one page handled alone behaves the same.
 *
 * The claim is synchronous (no await between the check and the claim), so concurrent pages
 * take their turns. It also spends the create guard's allowance for the pass (guard.ts):
 * pages handled at once share one allowance, never one each.
 *
 * Keys of compound rules with a `via` part need link lookups; those parts have no key
 * here, so such a rule claims nothing (the other rules still do).
 */
import type { Side } from '../mapping/spec.ts';
import type { CompiledMapping } from '../mapping/types.ts';
import type { PlannedRecord } from './plan.ts';
import { flatten, other } from './sides.ts';

/** What the gate let through for one page. */
export interface GatedPage {
  /** The page's plans, creates over a claimed key turned into waits, cut at the guard. */
  readonly plans: PlannedRecord[];
  /** The guard cut the page: records from the first create over the allowance on are left. */
  readonly guarded: boolean;
  /** Records of the page left unhandled by the guard. */
  readonly unhandled: number;
}

/** The claims of one pass. */
export class CreateClaims {
  private readonly claims = new Map<string, string>();
  private created = 0;

  /**
   * @param allowance creates the pass may still make (the guard), given the records read
   *   so far; undefined: no guard.
   */
  constructor(
    private readonly mapping: CompiledMapping,
    private readonly allowance?: () => number,
  ) {}

  /** Creates claimed by the pass so far (spent from the guard's allowance). */
  get claimed(): number {
    return this.created;
  }

  /** Claims the creates of one page's plans (in page order). */
  gate(plans: readonly PlannedRecord[]): GatedPage {
    const out: PlannedRecord[] = [];
    const limit = this.allowance?.();
    for (const [index, plan] of plans.entries()) {
      if (plan.action !== 'create') {
        out.push(plan);
        continue;
      }
      const keys = this.keysOf(plan);
      const holder = keys.map((k) => this.claims.get(k)).find((id) => id !== undefined && id !== plan.id);
      if (holder !== undefined) {
        out.push(waitFor(plan, holder));
        continue;
      }
      if (limit !== undefined && this.created >= limit)
        return { plans: out, guarded: true, unhandled: plans.length - index };
      for (const key of keys) this.claims.set(key, plan.id);
      this.created += 1;
      out.push(plan);
    }
    return { plans: out, guarded: false, unhandled: 0 };
  }

  private keysOf(plan: PlannedRecord): string[] {
    const record = plan.records[plan.from];
    if (record === undefined) return [];
    const flat = flatten(record);
    const keys: string[] = [];
    for (const rule of this.mapping.matchRules) {
      const key = rule.key(flat, plan.from);
      if (key !== undefined) keys.push(`${rule.index}\u0000${key}`);
    }
    return keys;
  }
}

/** The plan of a record whose partner another record of the pass is creating: it waits for the next pass. */
function waitFor(plan: PlannedRecord, holder: string): PlannedRecord {
  const to: Side = other(plan.from);
  const reason = `${plan.from} record ${holder} has the same match key and creates the ${to} record in this pass: compared with it on the next pass`;
  const { createKey: _key, ...rest } = plan;
  return {
    ...rest,
    action: 'skip',
    reason,
    decisions: [],
    patch: { crm: {}, erp: {} },
    wait: { kind: 'waiting', reason, candidates: [] },
  };
}
