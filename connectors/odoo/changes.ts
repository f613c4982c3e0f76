/**
 * Change listings. Records come from `search_read` ordered `write_date asc, id asc`,
 * paged by keyset on the (write_date, id) cursor with the domain
 * `['|', ['write_date', '>', ts], '&', ['write_date', '=', ts], ['id', '>', id]]`, so a
 * thousand rows written by one transaction (one write_date) page by id and nothing in
 * the cursor's own second is skipped.
 *
 * product.product: stock (stock.quant) and price (product.template) changes do not move
 * the product's write_date. The listing therefore also reads the quants and templates
 * changed since the start and reports each affected product as a change at the
 * *effective* time: the write_date of the quant or template that changed. Direct and
 * indirect changes are merged into one (time, product id) order, so a page cursor is a
 * consistent position in that order: resuming from it re-reads every quant, template and
 * product changed at or after it (and the overlap re-reads minutes before it). A product
 * whose own write_date is at or after its quant's is reported once, at its write_date.
 */
import {
  compareCursors,
  isAfterCursor,
  toTimestamp,
  type ChangePage,
  type Cursor,
  type SourceRecord,
} from '../../src/connector/index.ts';
import type { Domain, OdooClient } from './client.ts';
import type { RawRecord } from './schemas.ts';
import { toOdooDatetime } from './values.ts';

/** Order of every listing: the cursor's order. */
export const CHANGE_ORDER = 'write_date asc, id asc';

/** What a listing needs. */
export interface ListingContext {
  /** Typed calls. */
  client: OdooClient;
  /** Model listed. */
  model: string;
  /** Fields read (always with `write_date`). */
  fields: readonly string[];
  /** Turns a raw record into a SourceRecord. */
  decode: (raw: RawRecord) => SourceRecord;
  /** Records per call. */
  pageSize: number;
  /** Exclusive upper bound on write_date, ISO-8601. */
  until?: string;
  /** Include archived records (models with `active`). */
  withArchived: boolean;
  /** Stops between pages. */
  signal?: AbortSignal;
}

/** The domain of "strictly after `start`" (and before `until`), in Odoo's second precision. */
export function cursorDomain(start: Cursor | null, until?: string): Domain {
  const domain: (string | readonly [string, string, unknown])[] = [];
  if (start !== null) {
    const ms = Date.parse(start.timestamp);
    const ts = toOdooDatetime(new Date(Math.floor(ms / 1000) * 1000));
    if (ms % 1000 !== 0) domain.push(['write_date', '>', ts]);
    else if (start.id === '') domain.push(['write_date', '>=', ts]);
    else if (/^\d+$/.test(start.id))
      domain.push('|', ['write_date', '>', ts], '&', ['write_date', '=', ts], ['id', '>', Number(start.id)]);
    else domain.push(['write_date', '>=', ts]);
  }
  if (until !== undefined) {
    const ms = Date.parse(until);
    domain.push(['write_date', '<', toOdooDatetime(new Date(Math.ceil(ms / 1000) * 1000))]);
  }
  return domain;
}

/** The (write_date, id) position of a raw record. */
export function positionOf(raw: RawRecord): Cursor {
  const stamp = raw['write_date'];
  return { timestamp: toTimestamp(typeof stamp === 'string' ? stamp : 0), id: String(raw.id) };
}

/** Raw pages of `model` after `start`, by keyset on (write_date, id). */
export async function* keysetPages(
  client: OdooClient,
  model: string,
  start: Cursor | null,
  options: {
    fields: readonly string[];
    pageSize: number;
    until?: string | undefined;
    withArchived: boolean;
    signal?: AbortSignal | undefined;
  },
): AsyncIterable<RawRecord[]> {
  let cursor = start;
  for (;;) {
    options.signal?.throwIfAborted();
    const rows = await client.searchRead(model, cursorDomain(cursor, options.until), {
      fields: options.fields,
      limit: options.pageSize,
      order: CHANGE_ORDER,
      withArchived: options.withArchived,
    });
    if (rows.length > 0) yield rows;
    const last = rows[rows.length - 1];
    if (rows.length < options.pageSize || last === undefined) return;
    cursor = positionOf(last);
  }
}

/**
 * Changes of a model whose write_date sees every change. Pages carry a `total` for
 * progress once the first page comes back full (more follow): one `search_count` over the
 * listing's domain, once per listing; a listing of one page (most incremental passes)
 * costs nothing more.
 */
export async function* listModelChanges(ctx: ListingContext, start: Cursor | null): AsyncIterable<ChangePage> {
  let total: number | undefined;
  let first = true;
  for await (const rows of keysetPages(ctx.client, ctx.model, start, ctx)) {
    if (first && rows.length >= ctx.pageSize)
      total = await ctx.client.searchCount(ctx.model, cursorDomain(start, ctx.until), {
        withArchived: ctx.withArchived,
      });
    first = false;
    const records = rows.map(ctx.decode).filter((r) => isAfterCursor({ timestamp: r.modifiedAt, id: r.id }, start));
    const last = records[records.length - 1];
    if (last !== undefined)
      yield { records, cursor: { timestamp: last.modifiedAt, id: last.id }, ...(total === undefined ? {} : { total }) };
  }
}

/** Models whose changes move a product's stock or price without touching its write_date. */
export interface IndirectSource {
  /** Model watched (`stock.quant`, `product.template`). */
  model: string;
  /** Fields to read from it. */
  fields: readonly string[];
  /** The product.product ids a changed row affects. */
  products: (raw: RawRecord) => number[];
}

/** stock.quant (stock) and product.template (price, name) -> products. */
export const PRODUCT_SOURCES: readonly IndirectSource[] = [
  { model: 'stock.quant', fields: ['product_id', 'write_date'], products: (raw) => relationIds(raw['product_id']) },
  {
    model: 'product.template',
    fields: ['product_variant_ids', 'write_date'],
    products: (raw) => relationIds(raw['product_variant_ids']),
  },
];

function relationIds(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (!Array.isArray(value)) return [];
  // many2one `[id, name]` or x2many `[id, ...]`.
  return typeof value[1] === 'string'
    ? typeof value[0] === 'number'
      ? [value[0]]
      : []
    : value.filter((v): v is number => typeof v === 'number');
}

/** The latest indirect change per product after `start`, sorted by (time, id). */
async function indirectChanges(
  ctx: ListingContext,
  start: Cursor,
  sources: readonly IndirectSource[],
): Promise<Cursor[]> {
  const latest = new Map<number, string>();
  for (const source of sources) {
    for await (const rows of keysetPages(ctx.client, source.model, start, {
      ...ctx,
      fields: source.fields,
      withArchived: false,
    })) {
      for (const row of rows) {
        const at = positionOf(row).timestamp;
        for (const id of source.products(row)) {
          const seen = latest.get(id);
          if (seen === undefined || Date.parse(seen) < Date.parse(at)) latest.set(id, at);
        }
      }
    }
  }
  return [...latest]
    .map(([id, timestamp]) => ({ timestamp, id: String(id) }))
    .filter((position) => isAfterCursor(position, start))
    .sort(compareCursors);
}

type Pending = { kind: 'direct'; record: SourceRecord } | { kind: 'indirect'; at: Cursor };

/** Changes of product.product, including stock and price changes seen on other models. */
export async function* listProductChanges(
  ctx: ListingContext,
  start: Cursor | null,
  sources: readonly IndirectSource[] = PRODUCT_SOURCES,
): AsyncIterable<ChangePage> {
  // From the beginning every product is listed directly (its stock and price are read with it).
  if (start === null) {
    yield* listModelChanges(ctx, start);
    return;
  }
  const indirect = await indirectChanges(ctx, start, sources);
  const indirectAt = new Map(indirect.map((p) => [p.id, p]));
  const direct = keysetPages(ctx.client, ctx.model, start, ctx)[Symbol.asyncIterator]();
  let buffer: SourceRecord[] = [];
  let directDone = false;
  let next = 0;
  let pending: Pending[] = [];

  const peekDirect = async (): Promise<SourceRecord | undefined> => {
    while (buffer.length === 0 && !directDone) {
      const page = await direct.next();
      if (page.done === true) directDone = true;
      else
        buffer = page.value.map(ctx.decode).filter((r) => isAfterCursor({ timestamp: r.modifiedAt, id: r.id }, start));
    }
    return buffer[0];
  };

  const flush = async (): Promise<ChangePage | undefined> => {
    const last = pending[pending.length - 1];
    if (last === undefined) return undefined;
    const cursor = last.kind === 'direct' ? { timestamp: last.record.modifiedAt, id: last.record.id } : last.at;
    const wanted = pending.flatMap((p) => (p.kind === 'indirect' ? [Number(p.at.id)] : []));
    const read = new Map<string, SourceRecord>();
    if (wanted.length > 0)
      for (const raw of await ctx.client.read(ctx.model, wanted, ctx.fields)) read.set(String(raw.id), ctx.decode(raw));
    const records: SourceRecord[] = [];
    for (const p of pending) {
      if (p.kind === 'direct') {
        records.push(p.record);
        continue;
      }
      const record = read.get(p.at.id);
      // Gone, or changed itself at or after the stock/price change: the direct listing reports it.
      if (record === undefined || Date.parse(record.modifiedAt) >= Date.parse(p.at.timestamp)) continue;
      records.push({ ...record, modifiedAt: p.at.timestamp });
    }
    pending = [];
    return records.length === 0 ? undefined : { records, cursor };
  };

  for (;;) {
    ctx.signal?.throwIfAborted();
    const d = await peekDirect();
    const i = indirect[next];
    if (d === undefined && i === undefined) break;
    const dAt = d === undefined ? undefined : { timestamp: d.modifiedAt, id: d.id };
    if (i !== undefined && (dAt === undefined || compareCursors(i, dAt) < 0)) {
      pending.push({ kind: 'indirect', at: i });
      next++;
    } else if (d !== undefined && dAt !== undefined) {
      buffer.shift();
      const later = indirectAt.get(d.id);
      // Reported later, at its stock/price change.
      if (later === undefined || compareCursors(later, dAt) <= 0) pending.push({ kind: 'direct', record: d });
    }
    if (pending.length >= ctx.pageSize) {
      const page = await flush();
      if (page !== undefined) yield page;
    }
  }
  const page = await flush();
  if (page !== undefined) yield page;
}
