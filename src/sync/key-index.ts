/**
 * The index of one side's match keys (the store's `matchIndex`), so the unlinked records
 * of a page from the other side are matched with one store query per rule instead of a
 * vendor search per record. For each match rule, every record of the side is read into
 * its normalised key with the rule's own normaliser (the same one that reads the records
 * it is compared with), so case, spacing, URL forms and legal forms never hide a partner
 * and the vendor's search semantics are never trusted.
 *
 * Built once by listing the side from the beginning with the rules' fields only, in the
 * largest pages the connector allows; kept current by listing its changes since the
 * index's own cursor before each pass that matches against it, and by the pages passes
 * read of that side. The index belongs to a scope, `<mapping>:<fingerprint of its match
 * rules>`: changing the rules builds a new one (the old scope is pruned).
 */
import { createHash } from 'node:crypto';
import type { Connector, Cursor, SourceRecord } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';
import type { CompiledMapping, CompiledMatchRule } from '../mapping/types.ts';
import type { LinkRepository } from '../store/link-repository.ts';
import type { MatchIndexEntry } from '../store/match-index-repository.ts';
import type { StoreRepositories } from '../store/store.ts';
import { flatten } from './sides.ts';

/** What keeping an index needs. */
export interface IndexContext {
  readonly mapping: CompiledMapping;
  readonly connectors: Readonly<Record<Side, Connector>>;
  readonly store: StoreRepositories;
}

/** A link lookup for compound rules with `via`: the other mapping's partner id of a record, or undefined. */
export type LinkResolver = (mapping: string, from: Side, id: string) => string | undefined;

/** The index's scope for a mapping: its id and a fingerprint of its match rules. */
export function indexScope(mapping: CompiledMapping): string {
  return `${mapping.id}:${createHash('sha256').update(mapping.matchVersion).digest('hex').slice(0, 12)}`;
}

const cursorKeyOf = (scope: string, side: Side): string => `index:${scope}:${side}`;

/** Loads the links `via` parts of the rules need for `records` of `side`: one query per mapping named. */
export async function viaResolver(
  rules: readonly CompiledMatchRule[],
  links: LinkRepository,
  side: Side,
  records: readonly SourceRecord[],
): Promise<LinkResolver> {
  const answers = new Map<string, string>();
  if (side === 'crm') {
    for (const via of new Set(
      rules
        .flatMap((r) => r.parts.flatMap((p) => (p.via === undefined ? [] : [{ mapping: p.via, field: p.fields.crm }])))
        .map((v) => JSON.stringify(v)),
    )) {
      const { mapping, field } = JSON.parse(via) as { mapping: string; field: string };
      const ids = [
        ...new Set(
          records.flatMap((r) =>
            r.fields[field] === null || r.fields[field] === undefined || r.fields[field] === ''
              ? []
              : [String(r.fields[field])],
          ),
        ),
      ];
      if (ids.length === 0) continue;
      for (const [id, link] of await links.findManyBySide(mapping, 'crm', ids))
        answers.set(`${mapping}|${id}`, link.erpId);
    }
  }
  return (mapping, from, id) => (from === 'crm' ? answers.get(`${mapping}|${id}`) : id);
}

/**
 * The index entries of `records` of `side`: one per rule and record (null key: no key). Archived
 * records keep theirs: matching one parks the record for a person rather than creating a twin.
 */
export async function entriesOf(
  mapping: CompiledMapping,
  links: LinkRepository,
  side: Side,
  records: readonly SourceRecord[],
): Promise<MatchIndexEntry[]> {
  const resolve = await viaResolver(mapping.matchRules, links, side, records);
  const out: MatchIndexEntry[] = [];
  for (const record of records) {
    const flat = flatten(record);
    for (const rule of mapping.matchRules)
      out.push({ recordId: record.id, rule: rule.index, key: rule.key(flat, side, resolve) ?? null });
  }
  return out;
}

/** Whether the index of `side` has been built (its first full listing finished). */
export async function indexReady(ctx: IndexContext, side: Side): Promise<boolean> {
  return (await ctx.store.cursors.get(cursorKeyOf(indexScope(ctx.mapping), side)))?.state === 'built';
}

/** What refreshing an index did. */
export interface IndexRefresh {
  /** Records listed. */
  readonly listed: number;
  /** Listing calls made (pages). */
  readonly pages: number;
  /** Whether this refresh built the index from the beginning. */
  readonly built: boolean;
  /** Stopped between pages by `stop`: the index is not up to date. */
  readonly stopped?: boolean;
}

/**
 * Brings the index of `side` up to date: from the beginning the first time, else the
 * side's changes since the index's cursor. Each page's keys and the cursor are written
 * together, so an interrupted build goes on where it stopped.
 */
export async function refreshIndex(
  ctx: IndexContext,
  side: Side,
  options: { overlapMs?: number; signal?: AbortSignal; stop?: AbortSignal } = {},
): Promise<IndexRefresh> {
  const { mapping, store } = ctx;
  if (mapping.matchRules.length === 0) return { listed: 0, pages: 0, built: false };
  const scope = indexScope(mapping);
  const key = cursorKeyOf(scope, side);
  const saved = await store.cursors.get(key);
  const since: Cursor | null =
    saved?.timestamp && saved.id !== null ? { timestamp: saved.timestamp, id: saved.id } : null;
  const fields = [...new Set(mapping.matchRules.flatMap((r) => r.indexFields(side)))];
  const connector = ctx.connectors[side];
  let listed = 0;
  let pages = 0;
  for await (const page of connector.listChanges(mapping.sides[side].object, since, {
    fields,
    pageSize: connector.limits.maxPageSize,
    ...(options.overlapMs === undefined ? {} : { overlapMs: options.overlapMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  })) {
    pages += 1;
    listed += page.records.length;
    await store.matchIndex.putMany(scope, side, await entriesOf(mapping, store.links, side, page.records));
    // `state: built` marks a finished first listing; until then a build in progress says `building`.
    await store.cursors.set(key, {
      timestamp: page.cursor.timestamp,
      id: page.cursor.id,
      state: saved?.state === 'built' ? 'built' : 'building',
    });
    // Stopping (Ctrl-C once) ends the refresh between pages: what was listed is kept with its cursor, and a build
    // not finished stays `building` (a pass must not match against half an index: the caller stops too).
    if (options.stop?.aborted === true) return { listed, pages, built: false, stopped: true };
  }
  const cursor = await store.cursors.get(key);
  await store.cursors.set(key, { timestamp: cursor?.timestamp ?? null, id: cursor?.id ?? null, state: 'built' });
  if (since === null) await store.matchIndex.prune(`${mapping.id}:`, scope);
  return { listed, pages, built: since === null };
}

/** Puts the keys of records a pass read of `side` into its index (no cursor: the refresh lists them again, cheaply). */
export async function indexRecords(ctx: IndexContext, side: Side, records: readonly SourceRecord[]): Promise<void> {
  if (ctx.mapping.matchRules.length === 0 || records.length === 0) return;
  await ctx.store.matchIndex.putMany(
    indexScope(ctx.mapping),
    side,
    await entriesOf(ctx.mapping, ctx.store.links, side, records),
  );
}

/** Candidate ids for `keys` of `rule` in the index of `side`. */
export async function lookupCandidates(
  ctx: IndexContext,
  side: Side,
  rule: CompiledMatchRule,
  keys: readonly string[],
): Promise<Map<string, string[]>> {
  return ctx.store.matchIndex.lookup(indexScope(ctx.mapping), side, rule.index, keys);
}
