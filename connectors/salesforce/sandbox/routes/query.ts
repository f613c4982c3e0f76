/**
 * `query` and `queryAll` (REST API Developer Guide, "Execute a SOQL Query", "Execute a
 * SOQL Query that Includes Deleted Items"): the SOQL engine's result in batches of up to
 * 2,000 (the `Sforce-Query-Options: batchSize=n` header asks for 200 to 2,000), the rest
 * behind `nextRecordsUrl`. A query locator lives 15 minutes after its last use and a user
 * holds at most 10 at once, the oldest going first (SOQL and SOSL Reference, "Query
 * Locators"; Salesforce Developer Limits, "API Query Cursor Limits").
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SalesforceApiError } from '../errors.ts';
import { runSoql } from '../soql/index.ts';
import { apiVersion, type SalesforceRouteContext } from './context.ts';

/** Records per batch unless the caller asks for fewer. */
export const DEFAULT_BATCH_SIZE = 2000;
const LOCATOR_IDLE_MS = 15 * 60_000;
const MAX_OPEN_LOCATORS = 10;

interface Cursor {
  records: unknown[];
  totalSize: number;
  batchSize: number;
  lastUsed: number;
}

function batchSize(request: FastifyRequest): number {
  const m = /batchSize\s*=\s*(\d+)/i.exec(String(request.headers['sforce-query-options'] ?? ''));
  if (!m) return DEFAULT_BATCH_SIZE;
  return Math.min(DEFAULT_BATCH_SIZE, Math.max(200, Number(m[1])));
}

/** Registers the query routes. */
export function registerQueryRoutes(app: FastifyInstance, ctx: SalesforceRouteContext): void {
  const { store } = ctx;
  const cursors = new Map<string, Cursor>();
  let locators = 0;

  const page = (version: string, id: string, cursor: Cursor, offset: number) => {
    cursor.lastUsed = store.now();
    const records = cursor.records.slice(offset, offset + cursor.batchSize);
    const next = offset + records.length;
    const done = next >= cursor.records.length;
    if (done) cursors.delete(id);
    return {
      totalSize: cursor.totalSize,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/v${version}/query/${id}-${next}` }),
      records,
    };
  };

  const expire = () => {
    const now = store.now();
    for (const [id, c] of cursors) if (now - c.lastUsed > LOCATOR_IDLE_MS) cursors.delete(id);
    while (cursors.size >= MAX_OPEN_LOCATORS) {
      const oldest = [...cursors.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
      if (!oldest) break;
      cursors.delete(oldest[0]);
    }
  };

  const run =
    (includeDeleted: boolean) =>
    async (request: FastifyRequest<{ Params: { v: string }; Querystring: { q?: string } }>) => {
      const version = apiVersion(request.params.v);
      const q = request.query.q;
      if (typeof q !== 'string' || q.trim() === '') {
        throw new SalesforceApiError(400, 'MALFORMED_QUERY', 'A query string (q) is required');
      }
      // A SoqlError is a SalesforceApiError worded as Salesforce words it (MALFORMED_QUERY, INVALID_FIELD, ...).
      const result = runSoql(q, store, { includeDeleted, apiVersion: version });
      expire();
      locators += 1;
      const id = `01g5g0000${locators.toString(36).padStart(6, '0')}`;
      const cursor: Cursor = {
        records: result.records,
        totalSize: result.totalSize,
        batchSize: batchSize(request),
        lastUsed: store.now(),
      };
      cursors.set(id, cursor);
      return page(version, id, cursor, 0);
    };

  const more = async (request: FastifyRequest<{ Params: { v: string; locator: string } }>) => {
    const version = apiVersion(request.params.v);
    const m = /^(.+)-(\d+)$/.exec(request.params.locator);
    const cursor = m?.[1] ? cursors.get(m[1]) : undefined;
    if (!m?.[1] || !cursor || store.now() - cursor.lastUsed > LOCATOR_IDLE_MS) {
      if (m?.[1]) cursors.delete(m[1]);
      throw new SalesforceApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    return page(version, m[1], cursor, Number(m[2]));
  };

  app.get('/services/data/:v/query', run(false));
  app.get('/services/data/:v/query/', run(false));
  app.get('/services/data/:v/queryAll', run(true));
  app.get('/services/data/:v/queryAll/', run(true));
  app.get('/services/data/:v/query/:locator', more);
  app.get('/services/data/:v/queryAll/:locator', more);
}
