/**
 * The safety net for deletions: HubSpot search never returns archived records, and a
 * deletion webhook can be missed, so a periodic pass lists the recycle bin
 * (`GET /crm/v3/objects/{type}?archived=true`, paged by id) and reports the records
 * archived after the previous pass, in (archivedAt, id) order.
 */
import {
  compareCursors,
  isAfterCursor,
  type ChangePage,
  type Cursor,
  type SourceRecord,
} from '../../src/connector/index.ts';
import type { ListPage } from './schemas.ts';

/** What the pass needs. */
export interface ArchivedListingOptions {
  /** Fetches one page of archived records. */
  list: (after: string | undefined) => Promise<ListPage>;
  /** Decodes a record; `modifiedAt` is set to its `archivedAt` by the caller's decode. */
  decode: (record: ListPage['results'][number]) => SourceRecord;
  /** Records per emitted page. */
  pageSize: number;
  /** Stops between requests. */
  signal?: AbortSignal;
}

/**
 * Records archived strictly after `since`, as pages with archive-time cursors. The
 * recycle bin is listed by id, not by time, so the whole bin is read before the first
 * page is emitted (HubSpot keeps archived records for 90 days).
 */
export async function* listArchived(since: Cursor | null, options: ArchivedListingOptions): AsyncGenerator<ChangePage> {
  const found: SourceRecord[] = [];
  let after: string | undefined;
  do {
    options.signal?.throwIfAborted();
    const page = await options.list(after);
    for (const raw of page.results) {
      const record = options.decode(raw);
      if (isAfterCursor({ timestamp: record.modifiedAt, id: record.id }, since)) found.push(record);
    }
    after = page.paging?.next?.after;
  } while (after !== undefined);
  found.sort((a, b) => compareCursors({ timestamp: a.modifiedAt, id: a.id }, { timestamp: b.modifiedAt, id: b.id }));
  for (let i = 0; i < found.length; i += options.pageSize) {
    const records = found.slice(i, i + options.pageSize);
    const last = records.at(-1) as SourceRecord;
    yield { records, cursor: { timestamp: last.modifiedAt, id: last.id } };
  }
}
