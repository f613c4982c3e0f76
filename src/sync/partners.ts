/**
 * Who is whose partner, for the unlinked records of one page (pure): the match rules are
 * tried in order, each comparing the record's normalised key with the keys of the
 * candidates the load phase found on the other side (`CompiledMatchRule.key` reads both
 * sides, so the comparison is frontback's, not the vendor search's):
 *
 * - exactly one candidate, not linked to another record: the partner;
 * - several candidates for the key: never linked automatically (a wrong link would merge
 *   two customers), the record waits with the reason;
 * - none: the next rule; no rule left: no partner (the engine may create one);
 * - two records of the page claiming one candidate: the first takes it, the others wait.
 */
import type { SourceRecord } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';
import type { CompiledMatchRule } from '../mapping/types.ts';
import type { Link } from '../store/link-repository.ts';
import { flatten, other } from './sides.ts';

/** What matching found for one record: a partner's id and the rule that found it (`link` for a linked pair), or why there is none (no reason: nobody matches). */
export type MatchOutcome = { readonly partnerId: string; readonly rule: string } | { readonly partnerId?: undefined; readonly reason?: string };

/** What {@link matchPartners} compares. */
export interface MatchInput {
  /** The side the records were read on. */
  readonly from: Side;
  /** Unlinked, live records of the page, in page order. */
  readonly records: readonly SourceRecord[];
  /** The mapping's match rules, in order. */
  readonly rules: readonly CompiledMatchRule[];
  /** The other side's candidates found for each rule (by rule index); archived ones are never partners. */
  readonly candidates: ReadonlyMap<number, readonly SourceRecord[]>;
  /** Links (of this mapping) that candidates already have, by candidate id. */
  readonly taken: ReadonlyMap<string, Link>;
}

/** Groups the live candidates of one rule by their key, read with the rule's normaliser. */
function byKey(rule: CompiledMatchRule, side: Side, candidates: readonly SourceRecord[]): Map<string, SourceRecord[]> {
  const out = new Map<string, SourceRecord[]>();
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (candidate.archived === true || seen.has(candidate.id)) continue;
    seen.add(candidate.id);
    const key = rule.key(flatten(candidate), side);
    if (key === undefined) continue;
    const list = out.get(key);
    if (list) list.push(candidate);
    else out.set(key, [candidate]);
  }
  return out;
}

/** The partner of each record (by record id), or the reason it has none. */
export function matchPartners(input: MatchInput): Map<string, MatchOutcome> {
  const { from, rules } = input;
  const to = other(from);
  const keyed = new Map(rules.map((rule) => [rule.index, byKey(rule, to, input.candidates.get(rule.index) ?? [])]));
  const out = new Map<string, MatchOutcome>();
  for (const record of input.records) {
    let found: MatchOutcome = {};
    for (const rule of rules) {
      const key = rule.key(flatten(record), from);
      if (key === undefined) continue;
      const hits = keyed.get(rule.index)?.get(key) ?? [];
      if (hits.length === 0) continue;
      const field = rule.fields?.[to] ?? rule.label;
      if (hits.length > 1) {
        found = { reason: `${hits.length} ${to} records match ${field} = ${JSON.stringify(key)}: not linked automatically` };
        break;
      }
      const hit = hits[0] as SourceRecord;
      const taken = input.taken.get(hit.id);
      found = taken
        ? { reason: `the ${to} record ${hit.id} matching ${field} is already linked to ${from === 'crm' ? taken.crmId : taken.erpId}` }
        : { partnerId: hit.id, rule: rule.label };
      break;
    }
    out.set(record.id, found);
  }
  // A link is unique per record on each side: of two records claiming one partner, the first takes it.
  const claimed = new Map<string, string>();
  for (const [id, found] of out) {
    if (found.partnerId === undefined) continue;
    const first = claimed.get(found.partnerId);
    if (first === undefined) claimed.set(found.partnerId, id);
    else out.set(id, { reason: `matches ${to} record ${found.partnerId}, as ${from} record ${first} does: not linked automatically` });
  }
  return out;
}
