/**
 * The bulk-load phase of a page: everything deciding needs, asked for in as few calls as
 * the store and the connectors allow, never per record (STYLE.md "A pass is a pipeline of
 * bulk phases"):
 *
 * - the page's links, the snapshots of those links and the open dead letters of the
 *   page's records: one store query each;
 * - partner candidates: per match rule, one `find` with the keys of every unlinked record
 *   of the page (the connector chunks to its own limits), and one store query for the
 *   candidates' links; rules after the first are asked only for records still unmatched;
 * - the partners as they are now: one `read`;
 * - the page's lookups (lookups.ts) and what the target object allows (its description,
 *   which connectors cache).
 */
import type { SourceRecord } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';
import type { Resolver } from '../mapping/types.ts';
import type { DeadLetter } from '../store/dead-letter-repository.ts';
import type { Link } from '../store/link-repository.ts';
import type { Snapshot } from '../store/snapshot-repository.ts';
import { targetCapabilities, type TargetCapabilities } from './capabilities.ts';
import { preloadLookups } from './lookups.ts';
import { matchPartners, type MatchOutcome } from './partners.ts';
import type { PlanContext } from './plan.ts';
import { flatten, other } from './sides.ts';

/** What is known of one record of the page before deciding. */
export interface LoadedRecord {
  /** The record as read on its side. */
  readonly record: SourceRecord;
  /** Its side's filter leaves it out (archived records are never filtered: their deletion may need following). */
  readonly filtered: boolean;
  /** Its link, when it has one. */
  readonly link?: Link;
  /** The pair's snapshot (its version is the compare-and-set expectation). */
  readonly snapshot?: Snapshot;
  /** The partner's id (from the link, or matched now), or why it has none. */
  readonly partner: MatchOutcome;
  /** The partner as it is now; absent when there is none, or the linked one is gone. */
  readonly partnerRecord?: SourceRecord;
}

/** A page, loaded. */
export interface LoadedPage {
  readonly from: Side;
  readonly items: readonly LoadedRecord[];
  /** Answers the page's lookups, per target side. */
  readonly resolvers: Readonly<Record<Side, Resolver>>;
  /** What the other side's object allows and how its creates are keyed. */
  readonly target: TargetCapabilities;
  /** Open dead letters of the page's records (of this mapping and side), by record id. */
  readonly deadLetters: ReadonlyMap<string, readonly DeadLetter[]>;
}

/** Loads what deciding `records` (read on `from`) needs. */
export async function loadPage(ctx: PlanContext, from: Side, records: readonly SourceRecord[]): Promise<LoadedPage> {
  const { mapping, store } = ctx;
  const to = other(from);
  const toObject = mapping.sides[to].object;
  const ids = [...new Set(records.map((r) => r.id))];
  const filtered = new Set(records.filter((r) => r.archived !== true && !mapping.accepts(flatten(r), from)).map((r) => r.id));
  const live = records.filter((r) => !filtered.has(r.id));

  const links = await store.links.findManyBySide(mapping.id, from, live.map((r) => r.id));
  const partners = new Map<string, MatchOutcome>();
  for (const r of live) {
    const link = links.get(r.id);
    if (link) partners.set(r.id, { partnerId: from === 'crm' ? link.erpId : link.crmId, rule: 'link' });
    else if (r.archived === true) partners.set(r.id, { reason: 'archived and never linked: nothing to do' });
  }
  const unlinked = live.filter((r) => !partners.has(r.id));
  for (const [id, found] of await findPartners(ctx, from, unlinked)) partners.set(id, found);

  // The partners as they are now, in one read.
  const partnerIds = [...new Set([...partners.values()].flatMap((p) => (p.partnerId === undefined ? [] : [p.partnerId])))];
  const fieldTimes = mapping.conflicts === 'newest';
  const partnerRecords = new Map((await ctx.connectors[to].read(toObject, partnerIds, undefined, { fieldTimes })).map((r) => [r.id, r]));
  // A partner found by key takes part only if its own side's filter accepts it (a HubSpot lead is not an
  // Odoo customer, whatever Odoo holds); a linked pair stays linked.
  for (const r of unlinked) {
    const found = partners.get(r.id);
    const partner = found?.partnerId === undefined ? undefined : partnerRecords.get(found.partnerId);
    if (partner && !mapping.accepts(flatten(partner), to)) partners.set(r.id, { reason: `matches ${to} record ${partner.id}, which the ${to} filter leaves out` });
  }

  const snapshots = await store.snapshots.getMany([...links.values()].map((l) => l.id));
  const deadLetters = new Map<string, DeadLetter[]>();
  if (ids.length > 0) {
    for (const dl of await store.deadLetters.list({ status: 'open', mappingId: mapping.id, side: from, recordIds: ids, limit: ids.length * 4 + 100 })) {
      deadLetters.set(dl.recordId, [...(deadLetters.get(dl.recordId) ?? []), dl]);
    }
  }

  const items: LoadedRecord[] = records.map((record) => {
    const link = links.get(record.id);
    const snapshot = link ? snapshots.get(link.id) : undefined;
    const partner = partners.get(record.id) ?? {};
    const partnerRecord = partner.partnerId === undefined ? undefined : partnerRecords.get(partner.partnerId);
    return { record, filtered: filtered.has(record.id), partner, ...(link ? { link } : {}), ...(snapshot ? { snapshot } : {}), ...(partnerRecord ? { partnerRecord } : {}) };
  });

  const canonicals: Record<Side, ReturnType<typeof mapping.toCanonical>[]> = { crm: [], erp: [] };
  for (const item of items) {
    if (item.filtered) continue;
    canonicals[from].push(mapping.toCanonical(flatten(item.record), from));
    if (item.partnerRecord) canonicals[to].push(mapping.toCanonical(flatten(item.partnerRecord), to));
  }
  const sources = { connectors: ctx.connectors, links: store.links };
  const resolvers = {
    erp: await preloadLookups(mapping, canonicals.crm, 'erp', sources),
    crm: await preloadLookups(mapping, canonicals.erp, 'crm', sources),
  };
  return { from, items, resolvers, target: await targetCapabilities(ctx.connectors[to], toObject), deadLetters };
}

/** Partners of unlinked records through the match rules: one `find` per rule for the whole page. */
async function findPartners(ctx: PlanContext, from: Side, unlinked: readonly SourceRecord[]): Promise<Map<string, MatchOutcome>> {
  const { mapping, store } = ctx;
  const to = other(from);
  const rules = mapping.matchRules;
  const candidates = new Map<number, SourceRecord[]>();
  const taken = new Map<string, Link>();
  let open = unlinked;
  let found = new Map<string, MatchOutcome>();
  for (const rule of rules) {
    const keys = [...new Set(open.flatMap((r) => rule.key(flatten(r), from) ?? []))];
    if (keys.length === 0 || rule.fields === undefined) continue;
    const field = rule.fields[to];
    const hits = await ctx.connectors[to].find(mapping.sides[to].object, { field, values: keys.map((k) => rule.searchValue(k)), fields: [field] });
    candidates.set(rule.index, hits);
    for (const [id, link] of await store.links.findManyBySide(mapping.id, to, hits.map((h) => h.id))) taken.set(id, link);
    // Rules are tried in order: a record decided by this one is not asked of the next.
    found = matchPartners({ from, records: unlinked, rules, candidates, taken });
    open = unlinked.filter((r) => {
      const outcome = found.get(r.id);
      return outcome === undefined || (outcome.partnerId === undefined && outcome.reason === undefined);
    });
  }
  return found;
}
