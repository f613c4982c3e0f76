/**
 * Records the decision pages show beside what the store keeps (a match's record and its
 * candidates, a conflict's two records): read through the connector, only for the rows of
 * the page shown (a page is bounded), in batches of the connector's read size. A system
 * that does not answer does not take the page down: the page says why and shows what the
 * store keeps.
 */
import type { Connector, SourceRecord } from '../../../connector/index.ts';
import { FrontbackError } from '../../../errors.ts';

/** Records read for a page, by id; `error` says why none could be read. */
export interface PageRecords {
  readonly byId: ReadonlyMap<string, SourceRecord>;
  readonly error?: string;
}

/** Reads `ids` of `object` (deduplicated; missing records are absent), or says why it could not. */
export async function readForPage(connector: Connector, object: string, ids: Iterable<string>): Promise<PageRecords> {
  const wanted = [...new Set(ids)];
  const byId = new Map<string, SourceRecord>();
  if (wanted.length === 0) return { byId };
  const size = Math.max(1, connector.limits.maxBatchSize.read);
  try {
    for (let i = 0; i < wanted.length; i += size)
      for (const r of await connector.read(object, wanted.slice(i, i + size))) byId.set(r.id, r);
    return { byId };
  } catch (err) {
    const why = err instanceof FrontbackError ? err.message : 'the system did not answer';
    return { byId, error: `${connector.connection} could not be read (${why}): showing what the store keeps` };
  }
}
