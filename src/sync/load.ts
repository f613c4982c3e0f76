/**
 * The bulk-load phase of a page: everything deciding needs, asked for in as few calls as
 * the store and the connectors allow, never per record (STYLE.md "A pass is a pipeline of
 * bulk phases"):
 *
 * - the page's links, the snapshots of those links, the open dead letters and the
 *   matches waiting for a person (with their decisions) of the page's records: one store
 *   query each;
 * - partner candidates: per match rule, the keys of every unlinked record looked up in
 *   the other side's key index (key-index.ts), one store query per rule; only where no
 *   index exists yet (a single record synced before any pass built one) the other side's
 *   `find`, one call per rule for the whole page;
 * - the linked partners and every candidate as they are now: one `read`; candidates are
 *   compared again in memory through the rule's normaliser (the index may be behind);
 * - the page's lookups (lookups.ts) and what the target object allows (its description,
 *   which connectors cache).
 */
import type { SourceRecord } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';
import type { Resolver } from '../mapping/types.ts';
import type { DeadLetter } from '../store/dead-letter-repository.ts';
import type { Link } from '../store/link-repository.ts';
import type { Match } from '../store/match-repository.ts';
import type { Snapshot } from '../store/snapshot-repository.ts';
import { targetCapabilities, type TargetCapabilities } from './capabilities.ts';
import { indexReady, lookupCandidates, viaResolver, type LinkResolver } from './key-index.ts';
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
  /** A person's decision about this unlinked record (link to, create, never link), when one was taken. */
  readonly decision?: Match['decision'];
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
  /** Matches of the page's records waiting for a person or decided by one (of this mapping and side), by record id. */
  readonly matches: ReadonlyMap<string, Match>;
}

/** Loads what deciding `records` (read on `from`) needs. */
export async function loadPage(ctx: PlanContext, from: Side, records: readonly SourceRecord[]): Promise<LoadedPage> {
  const { mapping, store } = ctx;
  const to = other(from);
  const toObject = mapping.sides[to].object;
  const ids = [...new Set(records.map((r) => r.id))];
  const filtered = new Set(
    records.filter((r) => r.archived !== true && !mapping.accepts(flatten(r), from)).map((r) => r.id),
  );
  const live = records.filter((r) => !filtered.has(r.id));

  const links = await store.links.findManyBySide(
    mapping.id,
    from,
    live.map((r) => r.id),
  );
  const matches = ids.length === 0 ? new Map<string, Match>() : await store.matches.forRecords(mapping.id, from, ids);
  const partners = new Map<string, MatchOutcome>();
  const chosen = new Map<string, string>();
  for (const r of live) {
    const link = links.get(r.id);
    const decision = matches.get(r.id)?.decision;
    if (link) partners.set(r.id, { partnerId: from === 'crm' ? link.erpId : link.crmId, rule: 'link' });
    else if (r.archived === true) partners.set(r.id, { reason: 'archived and never linked: nothing to do' });
    else if (decision?.choice === 'never')
      partners.set(r.id, { reason: `never linked: decided by ${matches.get(r.id)?.decidedBy ?? 'a person'}` });
    else if (decision?.choice === 'create') partners.set(r.id, {});
    else if (decision?.choice === 'link') chosen.set(r.id, decision.partnerId);
  }
  const unlinked = live.filter((r) => !partners.has(r.id) && !chosen.has(r.id));
  const found = await findCandidates(ctx, from, unlinked);

  // The linked partners, the partners people chose and every candidate, as they are now, in one read.
  const wanted = new Set<string>([...chosen.values(), ...found.candidateIds]);
  for (const p of partners.values()) if (p.partnerId !== undefined) wanted.add(p.partnerId);
  const fieldTimes = mapping.conflicts === 'newest';
  const read = new Map(
    (await ctx.connectors[to].read(toObject, [...wanted], undefined, { fieldTimes })).map((r) => [r.id, r]),
  );
  const taken = await store.links.findManyBySide(mapping.id, to, [...found.candidateIds, ...chosen.values()]);
  for (const [id, partnerId] of chosen) {
    const other = taken.get(partnerId);
    partners.set(
      id,
      other
        ? {
            reason: `the ${to} record ${partnerId} a person chose is linked to another record meanwhile`,
            wait: { kind: 'ambiguous', candidates: [{ id: partnerId, rule: 'a person' }] },
          }
        : { partnerId, rule: `a person's choice (${matches.get(id)?.decidedBy ?? 'admin'})` },
    );
  }
  const candidates = new Map<number, SourceRecord[]>();
  for (const [rule, list] of found.byRule)
    candidates.set(
      rule,
      list.flatMap((id) => read.get(id) ?? found.records.get(id) ?? []),
    );
  const resolvers = {
    [from]: found.links,
    [to]: await viaResolver(mapping.matchRules, store.links, to, [...read.values()]),
  } as Record<Side, LinkResolver>;
  // A candidate takes part only if its own side's filter accepts it; a linked pair stays linked whatever it holds.
  const accepts = (candidate: SourceRecord): boolean => mapping.accepts(flatten(candidate), to);
  for (const [id, outcome] of matchPartners({
    from,
    records: unlinked,
    rules: mapping.matchRules,
    candidates,
    taken,
    links: resolvers,
    accepts,
  }))
    partners.set(id, outcome);

  const snapshots = await store.snapshots.getMany([...links.values()].map((l) => l.id));
  const deadLetters = new Map<string, DeadLetter[]>();
  if (ids.length > 0) {
    for (const dl of await store.deadLetters.list({
      status: 'open',
      mappingId: mapping.id,
      side: from,
      recordIds: ids,
      limit: ids.length * 4 + 100,
    })) {
      deadLetters.set(dl.recordId, [...(deadLetters.get(dl.recordId) ?? []), dl]);
    }
  }

  const items: LoadedRecord[] = records.map((record) => {
    const link = links.get(record.id);
    const snapshot = link ? snapshots.get(link.id) : undefined;
    const partner = partners.get(record.id) ?? {};
    const partnerRecord = partner.partnerId === undefined ? undefined : read.get(partner.partnerId);
    const decision = matches.get(record.id)?.decision;
    return {
      record,
      filtered: filtered.has(record.id),
      partner,
      ...(link ? { link } : {}),
      ...(snapshot ? { snapshot } : {}),
      ...(partnerRecord ? { partnerRecord } : {}),
      ...(decision ? { decision } : {}),
    };
  });

  const canonicals: Record<Side, ReturnType<typeof mapping.toCanonical>[]> = { crm: [], erp: [] };
  for (const item of items) {
    if (item.filtered) continue;
    canonicals[from].push(mapping.toCanonical(flatten(item.record), from));
    if (item.partnerRecord) canonicals[to].push(mapping.toCanonical(flatten(item.partnerRecord), to));
  }
  const sources = { connectors: ctx.connectors, links: store.links };
  const lookups = {
    erp: await preloadLookups(mapping, canonicals.crm, 'erp', sources),
    crm: await preloadLookups(mapping, canonicals.erp, 'crm', sources),
  };
  return {
    from,
    items,
    resolvers: lookups,
    target: await targetCapabilities(ctx.connectors[to], toObject),
    deadLetters,
    matches,
  };
}

/** Candidates of unlinked records: ids per rule from the other side's key index, or (no index yet) records from its `find`. */
async function findCandidates(
  ctx: PlanContext,
  from: Side,
  unlinked: readonly SourceRecord[],
): Promise<{
  byRule: Map<number, string[]>;
  candidateIds: Set<string>;
  records: Map<string, SourceRecord>;
  links: LinkResolver;
}> {
  const { mapping } = ctx;
  const to = other(from);
  const byRule = new Map<number, string[]>();
  const candidateIds = new Set<string>();
  const records = new Map<string, SourceRecord>();
  const links = await viaResolver(mapping.matchRules, ctx.store.links, from, unlinked);
  if (unlinked.length === 0 || mapping.matchRules.length === 0) return { byRule, candidateIds, records, links };
  const indexed = await indexReady(ctx, to);
  for (const rule of mapping.matchRules) {
    const keys = [...new Set(unlinked.flatMap((r) => rule.key(flatten(r), from, links) ?? []))];
    if (keys.length === 0) continue;
    let ids: string[];
    if (indexed) {
      ids = [...new Set([...(await lookupCandidates(ctx, to, rule, keys)).values()].flat())];
    } else if (rule.fields !== undefined) {
      // No index yet (a record synced on its own before any pass built one): the vendor's search, compared again in memory.
      const field = rule.fields[to];
      const hits = await ctx.connectors[to].find(mapping.sides[to].object, {
        field,
        values: keys.map((k) => rule.searchValue(k)),
      });
      for (const hit of hits) records.set(hit.id, hit);
      ids = hits.map((h) => h.id);
    } else continue;
    byRule.set(rule.index, ids);
    for (const id of ids) candidateIds.add(id);
  }
  return { byRule, candidateIds, records, links };
}
