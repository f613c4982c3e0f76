/**
 * Who is whose partner, for the unlinked records of one page (pure): the match rules are
 * tried in order, each comparing the record's normalised key with the keys of the
 * candidates the load phase found on the other side (`CompiledMatchRule.key` reads both
 * sides with the same normaliser, so the comparison is frontback's, never the vendor
 * search's):
 *
 * - exactly one candidate, not linked to another record: the partner (a rule with
 *   `confirm` still has its evidence checked when the pair is decided);
 * - several candidates for the key, a candidate another record is linked to, or two
 *   records of the page claiming one candidate: an ambiguous match, parked for a person
 *   with its candidates (a wrong link would merge two customers);
 * - only archived candidates: parked too (likely the record's twin, archived on purpose);
 * - none: the next rule; no rule left: no partner (the engine may create one).
 */
import type { SourceRecord } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';
import type { CompiledMatchRule } from '../mapping/types.ts';
import type { Link } from '../store/link-repository.ts';
import type { MatchCandidate, MatchKind } from '../store/match-repository.ts';
import type { LinkResolver } from './key-index.ts';
import { flatten, other } from './sides.ts';

/** A record that waits for a person (or for its partner to exist), with what it could be paired with. */
export interface Wait {
  /** `ambiguous`: several candidates, or evidence too weak; `waiting`: no partner yet, and none may be created now. */
  readonly kind: MatchKind;
  /** Candidates a person can choose from (empty when none). */
  readonly candidates: readonly MatchCandidate[];
}

/**
 * What matching found for one record: a partner's id and the rule that found it (`link` for a linked
 * pair), or why there is none (no reason: nobody matches).
 */
export type MatchOutcome =
  | { readonly partnerId: string; readonly rule: string; readonly confirm?: readonly string[] }
  | { readonly partnerId?: undefined; readonly reason?: string; readonly wait?: Wait };

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
  /** Link lookups for compound rules with `via`, per side. */
  readonly links?: Readonly<Record<Side, LinkResolver>>;
  /** Whether a candidate passes its own side's filter (default: all do); one that does not is never a partner. */
  readonly accepts?: (candidate: SourceRecord) => boolean;
}

/** Groups the live candidates of one rule by their key, read with the rule's normaliser. */
function byKey(
  rule: CompiledMatchRule,
  side: Side,
  candidates: readonly SourceRecord[],
  links: LinkResolver | undefined,
): Map<string, SourceRecord[]> {
  const out = new Map<string, SourceRecord[]>();
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (seen.has(candidate.id)) continue;
    seen.add(candidate.id);
    const key = rule.key(flatten(candidate), side, links);
    if (key === undefined) continue;
    const list = out.get(key);
    if (list) list.push(candidate);
    else out.set(key, [candidate]);
  }
  return out;
}

const candidate = (record: SourceRecord, rule: CompiledMatchRule, key: string): MatchCandidate => ({
  id: record.id,
  rule: rule.label,
  key,
});

/** The partner of each record (by record id), or the reason it has none. */
export function matchPartners(input: MatchInput): Map<string, MatchOutcome> {
  const { from, rules } = input;
  const to = other(from);
  const accepts = input.accepts ?? (() => true);
  const keyed = new Map(
    rules.map((rule) => [rule.index, byKey(rule, to, input.candidates.get(rule.index) ?? [], input.links?.[to])]),
  );
  const out = new Map<string, MatchOutcome>();
  const keysOf = new Map<string, { rule: CompiledMatchRule; key: string }>();
  for (const record of input.records) {
    let found: MatchOutcome = {};
    for (const rule of rules) {
      const key = rule.key(flatten(record), from, input.links?.[from]);
      if (key === undefined) continue;
      const keyedHits = keyed.get(rule.index)?.get(key) ?? [];
      const field = rule.fields?.[to] ?? rule.label;
      // An archived record is never a partner; but one matching it is likely its twin: a person decides, nothing is created.
      const all = keyedHits.filter((h) => h.archived !== true);
      const archived = keyedHits.filter((h) => h.archived === true);
      if (all.length === 0 && archived.length > 0) {
        found = {
          reason: `matches archived ${to} record ${archived.map((h) => h.id).join(', ')} (${field}): not linked or created automatically`,
          wait: { kind: 'ambiguous', candidates: archived.map((h) => candidate(h, rule, key)) },
        };
        break;
      }
      // Only a record its own side's filter accepts can be a partner (a HubSpot lead is not an Odoo customer).
      const hits = all.filter(accepts);
      if (hits.length === 0 && all.length > 0) {
        found = {
          reason: `matches ${to} record ${all.map((h) => h.id).join(', ')}, which the ${to} filter leaves out`,
        };
        break;
      }
      if (hits.length === 0) continue;
      if (hits.length > 1) {
        found = {
          reason: `${hits.length} ${to} records match ${field} = ${JSON.stringify(key)}: not linked automatically`,
          wait: { kind: 'ambiguous', candidates: hits.map((h) => candidate(h, rule, key)) },
        };
        break;
      }
      const hit = hits[0] as SourceRecord;
      const taken = input.taken.get(hit.id);
      if (taken) {
        found = {
          reason: `the ${to} record ${hit.id} matching ${field} is already linked to ${from === 'crm' ? taken.crmId : taken.erpId}`,
          wait: { kind: 'ambiguous', candidates: [candidate(hit, rule, key)] },
        };
      } else {
        found = { partnerId: hit.id, rule: rule.label, ...(rule.confirm.length > 0 ? { confirm: rule.confirm } : {}) };
        keysOf.set(record.id, { rule, key });
      }
      break;
    }
    out.set(record.id, found);
  }
  // A link is unique per record on each side: of two records claiming one partner, the first takes it, the other waits.
  const claimed = new Map<string, string>();
  for (const [id, found] of out) {
    if (found.partnerId === undefined) continue;
    const first = claimed.get(found.partnerId);
    if (first === undefined) {
      claimed.set(found.partnerId, id);
      continue;
    }
    const how = keysOf.get(id);
    const candidates = how
      ? [{ id: found.partnerId, rule: how.rule.label, key: how.key }]
      : [{ id: found.partnerId, rule: found.rule }];
    out.set(id, {
      reason: `matches ${to} record ${found.partnerId}, as ${from} record ${first} does: not linked automatically`,
      wait: { kind: 'ambiguous', candidates },
    });
  }
  return out;
}
