/**
 * Incremental listing over HubSpot search, in ascending (modified, id) order, resumable
 * from any page cursor.
 *
 * HubSpot search sorts by one property only, leaves the order of ties unspecified, and
 * stops at 10,000 results per query (paging past it answers 400). So:
 * - a window query filters `<modified> GT|GTE <start>` sorted ascending, and holds back
 *   the records of the newest timestamp seen until a later one shows up (ties are then
 *   complete and are emitted in id order);
 * - before the 10,000th result the query restarts from the newest timestamp seen;
 * - when a whole page shares one timestamp (bulk imports: 12,000 records with one
 *   lastmodifieddate), that timestamp is read by id instead: `<modified> EQ ts AND
 *   hs_object_id GT lastId` sorted by hs_object_id, one query per page, which no cap
 *   can stop. The cursor is therefore (timestamp, id).
 *
 * Pages carry a `total` for progress, at no cost: the first window query's `total` (the
 * records modified since its start), plus what an id phase before it had emitted.
 */
import {
  compareCursors,
  isAfterCursor,
  type ChangePage,
  type Cursor,
  type SourceRecord,
} from '../../src/connector/index.ts';
import type { SearchFilter, SearchRequest } from './client.ts';
import type { SearchPage } from './schemas.ts';

/** HubSpot search returns at most this many results per query. */
export const SEARCH_RESULT_CAP = 10_000;

/** What the listing needs; everything is passed in so it can run against a model in tests. */
export interface SearchListingOptions {
  /** Sends one search request (through the search rate limit). */
  search: (body: SearchRequest) => Promise<SearchPage>;
  /** Decodes one search result; `modifiedAt` must come from `modifiedProperty`. */
  decode: (record: SearchPage['results'][number]) => SourceRecord;
  /** Property that orders changes (`lastmodifieddate`, `hs_lastmodifieddate`). */
  modifiedProperty: string;
  /** Properties to return (the modified property and `hs_object_id` are added). */
  properties: readonly string[];
  /** Results per request, 1-200. */
  pageSize: number;
  /** Only records modified strictly before this ISO time; default no bound. */
  until?: string;
  /** Results per query before HubSpot refuses to page further. Default {@link SEARCH_RESULT_CAP}. */
  cap?: number;
  /** Stops between requests. */
  signal?: AbortSignal;
}

/** Where a listing is: the position emitted last, how many records it emitted, the total expected once known. */
interface ListingState {
  pos: Cursor | null;
  emitted: number;
  total?: number;
}

type Phase =
  | { kind: 'window'; from: string | null; inclusive: boolean }
  | { kind: 'ids'; ts: string; afterId: string }
  | { kind: 'done' };

const ms = (iso: string): number => Date.parse(iso);

/**
 * Lists records strictly after `start` (null: from the beginning) as pages whose cursor
 * is the last record's (modifiedAt, id). The caller applies any overlap to `start`.
 */
export async function* listBySearch(start: Cursor | null, options: SearchListingOptions): AsyncGenerator<ChangePage> {
  const state: ListingState = { pos: start, emitted: 0 };
  let phase: Phase =
    start === null
      ? { kind: 'window', from: null, inclusive: true }
      : start.id === ''
        ? { kind: 'window', from: start.timestamp, inclusive: true }
        : { kind: 'ids', ts: start.timestamp, afterId: start.id };
  while (phase.kind !== 'done') {
    options.signal?.throwIfAborted();
    phase =
      phase.kind === 'ids' ? yield* readTimestampById(phase, state, options) : yield* readWindow(phase, state, options);
  }
}

function properties(options: SearchListingOptions): string[] {
  return [...new Set([...options.properties, options.modifiedProperty, 'hs_object_id'])];
}

function untilFilter(options: SearchListingOptions): SearchFilter[] {
  return options.until === undefined
    ? []
    : [{ propertyName: options.modifiedProperty, operator: 'LT', value: String(ms(options.until)) }];
}

/** Emits `records` that lie after the position, in cursor order; moves the position. */
function* emit(records: SourceRecord[], state: ListingState): Generator<ChangePage> {
  const fresh = records
    .filter((r) => isAfterCursor({ timestamp: r.modifiedAt, id: r.id }, state.pos))
    .sort((a, b) => compareCursors({ timestamp: a.modifiedAt, id: a.id }, { timestamp: b.modifiedAt, id: b.id }));
  const last = fresh.at(-1);
  if (last === undefined) return;
  state.pos = { timestamp: last.modifiedAt, id: last.id };
  state.emitted += fresh.length;
  yield { records: fresh, cursor: state.pos, ...(state.total === undefined ? {} : { total: state.total }) };
}

async function* readWindow(
  phase: Extract<Phase, { kind: 'window' }>,
  state: ListingState,
  options: SearchListingOptions,
): AsyncGenerator<ChangePage, Phase> {
  const cap = options.cap ?? SEARCH_RESULT_CAP;
  const filters: SearchFilter[] = [...untilFilter(options)];
  if (phase.from !== null)
    filters.unshift({
      propertyName: options.modifiedProperty,
      operator: phase.inclusive ? 'GTE' : 'GT',
      value: String(ms(phase.from)),
    });
  let after: string | undefined;
  let consumed = 0;
  let held: SourceRecord[] = [];
  for (;;) {
    options.signal?.throwIfAborted();
    const page = await options.search({
      filterGroups: filters.length === 0 ? [] : [{ filters }],
      sorts: [{ propertyName: options.modifiedProperty, direction: 'ASCENDING' }],
      properties: properties(options),
      limit: options.pageSize,
      ...(after === undefined ? {} : { after }),
    });
    consumed += page.results.length;
    // The first window query counts what is left to list (later ones, after a restart, count again from there).
    if (state.total === undefined && after === undefined) state.total = state.emitted + page.total;
    const seen = [...held, ...page.results.map(options.decode)];
    const newest = seen.reduce((max, r) => Math.max(max, ms(r.modifiedAt)), Number.NEGATIVE_INFINITY);
    // Results come sorted by time, so everything older than the newest timestamp seen is
    // complete; ties at the newest one may still continue on the next page.
    yield* emit(
      seen.filter((r) => ms(r.modifiedAt) < newest),
      state,
    );
    held = seen.filter((r) => ms(r.modifiedAt) === newest);
    const next = page.paging?.next?.after;
    if (next === undefined || page.results.length === 0) {
      yield* emit(held, state);
      return { kind: 'done' };
    }
    const newestIso = new Date(newest).toISOString();
    if (held.length >= options.pageSize) {
      // A full page shares one timestamp: read it by id (no cap, ties in id order).
      const afterId = state.pos !== null && ms(state.pos.timestamp) === newest ? state.pos.id : '';
      return { kind: 'ids', ts: newestIso, afterId };
    }
    if (consumed + options.pageSize > cap) {
      // HubSpot search stops at 10,000 results: query again from the newest timestamp
      // (its held records are read again; everything older was emitted).
      return { kind: 'window', from: newestIso, inclusive: true };
    }
    after = next;
  }
}

async function* readTimestampById(
  phase: Extract<Phase, { kind: 'ids' }>,
  state: ListingState,
  options: SearchListingOptions,
): AsyncGenerator<ChangePage, Phase> {
  const ts = ms(phase.ts);
  if (options.until !== undefined && ts >= ms(options.until)) return { kind: 'done' };
  let afterId = phase.afterId;
  for (;;) {
    options.signal?.throwIfAborted();
    const filters: SearchFilter[] = [{ propertyName: options.modifiedProperty, operator: 'EQ', value: String(ts) }];
    if (afterId !== '') filters.push({ propertyName: 'hs_object_id', operator: 'GT', value: afterId });
    const page = await options.search({
      filterGroups: [{ filters }],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      properties: properties(options),
      limit: options.pageSize,
    });
    // A record edited since the index answered belongs to a later timestamp: the window
    // after this one will return it.
    yield* emit(
      page.results.map(options.decode).filter((r) => ms(r.modifiedAt) === ts),
      state,
    );
    const lastId = page.results.at(-1)?.id;
    if (lastId === undefined || page.paging?.next === undefined || page.results.length < options.pageSize) {
      return { kind: 'window', from: phase.ts, inclusive: false };
    }
    afterId = lastId;
  }
}
