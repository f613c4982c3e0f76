/**
 * `POST /crm/v3/objects/{type}/search`: filterGroups with every operator, sorts in both
 * forms (strings, `-name` for descending, or `{propertyName, direction}`), `properties`,
 * `limit` up to 200, paging by offset in `after`, and the 10,000-result cap: asking for
 * results beyond it answers 400. Search never returns archived records, and sees
 * records through the search index, which can lag writes (search-index.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody, type SandboxContext } from '../context.ts';
import type { StoredRecord } from '../data-store.ts';
import { hubspotErrors } from '../errors.ts';
import { compileFilterGroups, compileQuery, OPERATORS, sortKey } from '../search-filter.ts';
import { selectedProperties, toPublic } from '../record-view.ts';

/** HubSpot search stops at 10,000 results per query. */
export const SEARCH_RESULT_CAP = 10_000;
const MAX_LIMIT = 200;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const filterSchema = z.object({
  propertyName: z.string(),
  operator: z.enum(OPERATORS),
  value: scalar.optional(),
  highValue: scalar.optional(),
  values: z.array(scalar).optional(),
});
const sortSchema = z.union([
  z.string(),
  z.object({ propertyName: z.string(), direction: z.enum(['ASCENDING', 'DESCENDING']).optional() }),
]);
const searchSchema = z.object({
  filterGroups: z.array(z.object({ filters: z.array(filterSchema) })).optional(),
  sorts: z.array(sortSchema).optional(),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().optional(),
  after: z.union([z.string(), z.number()]).optional(),
  query: z.string().max(3000).optional(),
});

type Sort = z.infer<typeof sortSchema>;

function parseSort(sort: Sort): { propertyName: string; descending: boolean } {
  if (typeof sort !== 'string') return { propertyName: sort.propertyName, descending: sort.direction === 'DESCENDING' };
  // The string form: "name" ascending, "-name" descending.
  return sort.startsWith('-')
    ? { propertyName: sort.slice(1), descending: true }
    : { propertyName: sort, descending: false };
}

/** Registers the search route. */
export function registerSearchRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  app.post<{ Params: { objectType: string } }>('/crm/v3/objects/:objectType/search', async (request) => {
    const type = ctx.store.requireType(request.params.objectType);
    const body = parseBody(searchSchema, request.body ?? {});
    const groups = body.filterGroups ?? [];
    // HubSpot: up to five filterGroups, six filters each, 18 filters in total.
    if (
      groups.length > 5 ||
      groups.some((g) => g.filters.length > 6) ||
      groups.reduce((n, g) => n + g.filters.length, 0) > 18
    ) {
      throw hubspotErrors.validation(
        'There was a problem with the request: too many filters (at most 5 filterGroups, 6 filters per group, 18 in total).',
      );
    }
    const limit = body.limit ?? 10;
    if (limit < 1 || limit > MAX_LIMIT)
      throw hubspotErrors.validation(
        `There was a problem with the request: limit must be between 1 and ${MAX_LIMIT}, got ${limit}.`,
      );
    const offset = body.after === undefined || body.after === '' ? 0 : Number(body.after);
    if (!Number.isInteger(offset) || offset < 0)
      throw hubspotErrors.validation(`There was a problem with the request: invalid after ${String(body.after)}.`);
    if (offset >= SEARCH_RESULT_CAP) {
      throw hubspotErrors.validation(
        `There was a problem with the request: paging past ${SEARCH_RESULT_CAP} results is not supported (after=${offset}). Narrow the query.`,
      );
    }
    const sorts = (body.sorts ?? []).map(parseSort);
    if (sorts.length > 1)
      throw hubspotErrors.validation('There was a problem with the request: only one sort is supported.');
    const matchFilters = compileFilterGroups(type, groups);
    const matchQuery = compileQuery(type, body.query);

    // Search reads the index, which may lag writes (search-index.ts); a record not indexed yet is not found.
    let matches: StoredRecord[] = [];
    for (const live of ctx.store.ordered(type)) {
      const seen = ctx.store.searchIndex.view(type, live);
      if (seen === undefined || seen.archived || !matchFilters(seen.properties) || !matchQuery(seen.properties))
        continue;
      matches.push(
        seen === live
          ? live
          : { ...live, properties: seen.properties, archived: seen.archived, updatedAt: seen.updatedAt },
      );
    }
    const sort = sorts[0];
    if (sort) {
      const keyOf = sortKey(type, sort.propertyName);
      const dir = sort.descending ? -1 : 1;
      // Compute keys once, then sort (records without a value last); ties by id.
      const keyed = matches.map((r) => ({ r, k: keyOf(r.properties) }));
      keyed.sort((a, b) => {
        if (a.k === undefined || b.k === undefined) {
          if (a.k === b.k) return Number(a.r.id) - Number(b.r.id);
          return a.k === undefined ? 1 : -1;
        }
        if (a.k < b.k) return -dir;
        if (a.k > b.k) return dir;
        return Number(a.r.id) - Number(b.r.id);
      });
      matches = keyed.map((x) => x.r);
    }
    const names = selectedProperties(type, body.properties);
    // Results stop at the cap; the page that reaches it still offers paging.next, and
    // following it answers 400, as HubSpot does.
    const results = matches.slice(offset, Math.min(offset + limit, SEARCH_RESULT_CAP)).map((r) => toPublic(r, names));
    const nextOffset = offset + limit;
    const out: Record<string, unknown> = { total: matches.length, results };
    if (nextOffset < matches.length) {
      out.paging = {
        next: {
          after: String(nextOffset),
          link: `${ctx.baseUrl()}/crm/v3/objects/${type.name}/search?after=${nextOffset}`,
        },
      };
    }
    return out;
  });
}
