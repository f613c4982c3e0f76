/**
 * The streams a pass of one mapping side drains (the model: Airbyte's and Singer's
 * streams, each with its own cursor, checkpointed per slice). Each yields pages of records
 * to decide, with the position after the page; the drain loop (pass.ts) commits that
 * position with the page's outcomes.
 *
 * - `waiting`: records parked in earlier passes (an ambiguous match, no partner yet, a
 *   person's decision to carry out), read again by id at every pass whatever their
 *   modified time; no cursor (the store's matches are the list). Drained first, so a
 *   record parked by this pass is not read twice;
 * - `changes`: the side's records changed since the cursor (its key `sync:<mapping>:<side>`);
 * - `deletions`: records archived since their own cursor, where the system lists them
 *   apart (`Connector.listDeleted`, e.g. HubSpot's recycle bin) and the mapping acts on
 *   them (`deletes: archive | delete`);
 * - `rows:<object>`: rows an aggregate rolls up (a company's invoices), changed since their
 *   own cursor; each page brings the records the rows reference (read in one call), so a
 *   paid invoice updates its company's figure though the company did not change.
 */
import type { ChangePage, Cursor } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';
import type { CompiledMapping } from '../mapping/types.ts';
import { referencedKeys } from './lookups.ts';
import type { PlanContext } from './plan.ts';

/** Options the streams pass on to the listings. */
export interface StreamOptions {
  /** Records per page asked of the connector. */
  readonly pageSize?: number;
  /** Extra re-read window behind the cursor, ms. */
  readonly overlapMs?: number;
  /** Stops the listing between pages. */
  readonly signal?: AbortSignal;
}

/** One stream of a mapping side. */
export interface Stream {
  /** `changes`, `deletions`, `rows:<object>`. */
  readonly name: string;
  /** Where its cursor is kept in the store; undefined for a stream without one (`waiting`). */
  readonly cursorKey?: string;
  /** Its pages after `since` (null: from the beginning). */
  pages(since: Cursor | null): AsyncIterable<ChangePage>;
}

/** The store key of a mapping side's cursor. */
export const cursorKey = (mappingId: string, side: Side): string => `sync:${mappingId}:${side}`;

/** The distinct row sources of the aggregates on `side` (one listing each, even when several fields roll them up). */
function rollUpSources(
  rollUps: CompiledMapping['rollUps'],
  side: Side,
): { from: string; by: string; key?: string; split?: string }[] {
  const seen = new Map<string, { from: string; by: string; key?: string; split?: string }>();
  for (const r of rollUps) {
    if (r.side === side)
      seen.set(`${r.from}|${r.by}|${r.key ?? ''}|${r.split ?? ''}`, {
        from: r.from,
        by: r.by,
        ...(r.key ? { key: r.key } : {}),
        ...(r.split ? { split: r.split } : {}),
      });
  }
  return [...seen.values()];
}

/** The streams of `ctx.mapping` read from side `from`, in the order a pass drains them. */
export function streamsOf(ctx: PlanContext, from: Side, options: StreamOptions = {}): Stream[] {
  const { mapping } = ctx;
  const connector = ctx.connectors[from];
  const object = mapping.sides[from].object;
  const key = cursorKey(mapping.id, from);
  const listing = {
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(options.overlapMs === undefined ? {} : { overlapMs: options.overlapMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const pageSize = Math.max(
    1,
    Math.min(options.pageSize ?? connector.limits.maxPageSize, connector.limits.maxPageSize),
  );
  const streams: Stream[] = [
    {
      name: 'waiting',
      async *pages() {
        const ids = await ctx.store.matches.pendingRecordIds(mapping.id, from, 10_000);
        for (let i = 0; i < ids.length; i += pageSize) {
          if (options.signal?.aborted === true) return;
          const batch = ids.slice(i, i + pageSize);
          const records = await connector.read(object, batch, undefined, {
            fieldTimes: mapping.conflicts === 'newest',
          });
          // A record gone meanwhile (deleted at its source) has nothing left to wait for.
          const gone = batch.filter((id) => !records.some((r) => r.id === id));
          if (gone.length > 0) await ctx.store.matches.closeMany(mapping.id, from, gone);
          // The store's list says how many wait: a total for the progress shown.
          yield { records, cursor: { timestamp: '', id: '' }, total: ids.length };
        }
      },
    },
    { name: 'changes', cursorKey: key, pages: (since) => connector.listChanges(object, since, listing) },
  ];
  const listDeleted = connector.listDeleted?.bind(connector);
  if (listDeleted && mapping.deletes !== 'ignore') {
    streams.push({
      name: 'deletions',
      cursorKey: `${key}:deleted`,
      async *pages(since) {
        for await (const page of listDeleted(object, since, listing))
          yield { ...page, records: page.records.map((r) => ({ ...r, archived: true })) };
      },
    });
  }
  for (const source of rollUpSources(mapping.rollUps, from)) {
    streams.push({
      name: `rows:${source.from}`,
      cursorKey: `${key}:rows:${source.from}`,
      async *pages(since) {
        for await (const page of connector.listChanges(source.from, since, { ...listing, fields: [source.by] })) {
          const keys = [...new Set(page.records.flatMap((r) => referencedKeys(r.fields[source.by], source.split)))];
          // Rows reference their records by id, or by another field of theirs (an order's name): then found by it first.
          const ids =
            source.key === undefined || source.key === 'id' || keys.length === 0
              ? keys
              : (await connector.find(object, { field: source.key, values: keys, fields: [source.key] })).map(
                  (r) => r.id,
                );
          const records =
            ids.length === 0
              ? []
              : await connector.read(object, ids, undefined, { fieldTimes: mapping.conflicts === 'newest' });
          yield { records, cursor: page.cursor };
        }
      },
    });
  }
  return streams;
}
