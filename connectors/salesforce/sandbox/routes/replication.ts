/**
 * getUpdated and getDeleted over REST (REST API Developer Guide, "Get a List of Updated
 * Records", "Get a List of Deleted Records"; SOAP API Developer Guide, "getUpdated()",
 * "getDeleted()" for the rules): ids changed or deleted between `start` and `end`,
 * seconds ignored, at most 30 days back, deleted records for as long as the recycle bin
 * keeps them (15 days), with `earliestDateAvailable` and `latestDateCovered`.
 */
import type { FastifyInstance } from 'fastify';
import { SalesforceApiError } from '../errors.ts';
import { formatSfDatetime, parseSfDatetime } from '../records.ts';
import { apiVersion, type SalesforceRouteContext } from './context.ts';

const DAY_MS = 24 * 3600_000;
/** getUpdated/getDeleted answer at most this many ids. */
const MAX_IDS = 600_000;

function replicationDate(name: string, raw: unknown): number {
  const ms = typeof raw === 'string' ? parseSfDatetime(raw.trim().replace(' ', '+')) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new SalesforceApiError(
      400,
      'INVALID_REPLICATION_DATE',
      `${name} is missing or is not a date-time: ${String(raw ?? '')}`,
    );
  }
  return Math.floor(ms / 60_000) * 60_000;
}

/** Registers `/sobjects/{T}/updated/` and `/sobjects/{T}/deleted/`. */
export function registerReplicationRoutes(app: FastifyInstance, ctx: SalesforceRouteContext): void {
  const { store } = ctx;
  type Req = { Params: { v: string; type: string }; Querystring: { start?: string; end?: string } };

  const window = (request: { params: Req['Params']; query: Req['Querystring'] }) => {
    apiVersion(request.params.v);
    const type = store.requireType(request.params.type);
    if (!type.replicateable) {
      throw new SalesforceApiError(400, 'INVALID_TYPE', `${type.name} is not replicateable`);
    }
    const start = replicationDate('start', request.query.start);
    const end = replicationDate('end', request.query.end);
    const now = store.now();
    if (start > end) {
      throw new SalesforceApiError(400, 'INVALID_REPLICATION_DATE', 'startDate must chronologically precede endDate');
    }
    if (start < now - 30 * DAY_MS) {
      throw new SalesforceApiError(400, 'INVALID_REPLICATION_DATE', 'startDate cannot be more than 30 days ago');
    }
    // Changes of the minute now in progress are not covered yet.
    return { type, start, end: Math.min(end, Math.floor(now / 60_000) * 60_000) };
  };

  const updated = async (request: { params: Req['Params']; query: Req['Querystring'] }) => {
    const { type, start, end } = window(request);
    const ids: string[] = [];
    for (const row of store.rows(type.name, false)) {
      const at = parseSfDatetime(String(row['SystemModstamp']));
      if (at >= start && at < end) ids.push(String(row['Id']));
    }
    if (ids.length > MAX_IDS) throw new SalesforceApiError(400, 'EXCEEDED_ID_LIMIT', 'too many ids; narrow the window');
    return { ids, latestDateCovered: formatSfDatetime(end) };
  };

  const deleted = async (request: { params: Req['Params']; query: Req['Querystring'] }) => {
    const { type, start, end } = window(request);
    const deletedRecords: { id: string; deletedDate: string }[] = [];
    for (const row of store.rows(type.name, true)) {
      const at = store.deletedTime(String(row['Id']));
      if (at !== undefined && at >= start && at < end) {
        deletedRecords.push({ id: String(row['Id']), deletedDate: formatSfDatetime(at) });
      }
    }
    deletedRecords.sort((a, b) => a.deletedDate.localeCompare(b.deletedDate));
    return {
      deletedRecords,
      earliestDateAvailable: formatSfDatetime(Math.floor(store.purgedUpTo / 60_000) * 60_000),
      latestDateCovered: formatSfDatetime(end),
    };
  };

  for (const suffix of ['', '/']) {
    app.get<Req>(`/services/data/:v/sobjects/:type/updated${suffix}`, updated);
    app.get<Req>(`/services/data/:v/sobjects/:type/deleted${suffix}`, deleted);
  }
}
