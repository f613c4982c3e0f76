/**
 * sObject Collections (REST API Developer Guide, "sObject Collections"): create, update,
 * upsert by an External ID field, retrieve and delete up to 200 records in one call. The
 * answer is 200 with one result per record in the order sent, `{id, success, errors:
 * [{statusCode, message, fields}]}` (`created` on upserts). With `allOrNone` a failure
 * rolls everything back and every other record reports ALL_OR_NONE_OPERATION_ROLLED_BACK;
 * without it each record commits on its own. Several records matching one external id
 * fail that record only (DUPLICATE_EXTERNAL_ID), unlike the single-record 300.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SalesforceApiError, toCollectionErrors, type CollectionError } from '../errors.ts';
import { normalizeId } from '../ids.ts';
import { findField } from '../schema.ts';
import type { WriteContext } from '../store.ts';
import { MultipleMatchesError, upsertByExternalId } from '../upsert.ts';
import { selectedFields } from './sobjects.ts';
import { apiVersion, apiWrite, renderRecord, type SalesforceRouteContext } from './context.ts';

/** The most records one collection call takes. */
export const MAX_COLLECTION_SIZE = 200;

interface SaveResult {
  id?: string | null;
  success: boolean;
  created?: boolean;
  errors: CollectionError[];
}

class RolledBack extends Error {}

const ROLLED_BACK: CollectionError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

function toErrors(err: unknown): CollectionError[] {
  if (err instanceof MultipleMatchesError) {
    return [
      {
        statusCode: 'DUPLICATE_EXTERNAL_ID',
        message: `${err.field}: more than one record found for external id field: [${err.ids.join(', ')}]`,
        fields: [err.field],
      },
    ];
  }
  if (err instanceof SalesforceApiError) return toCollectionErrors(err);
  throw err;
}

/** Salesforce's refusal of a collection over its limit (its words, without the count sent). */
function tooMany(limit: number = MAX_COLLECTION_SIZE): SalesforceApiError {
  return new SalesforceApiError(
    400,
    'EXCEEDED_ID_LIMIT',
    `record limit reached. cannot submit more than ${limit} records into this call`,
  );
}

function parseBody(request: FastifyRequest): { allOrNone: boolean; records: Record<string, unknown>[] } {
  const b = request.body as { allOrNone?: unknown; records?: unknown } | null;
  if (!b || typeof b !== 'object' || !Array.isArray(b.records)) {
    throw new SalesforceApiError(
      400,
      'JSON_PARSER_ERROR',
      'The request body must be {"allOrNone": boolean, "records": [...]}',
    );
  }
  if (b.records.length > MAX_COLLECTION_SIZE) throw tooMany();
  const records = b.records.map((r: unknown, i: number) => {
    if (!r || typeof r !== 'object' || Array.isArray(r)) {
      throw new SalesforceApiError(400, 'JSON_PARSER_ERROR', `records[${i}] is not an object`);
    }
    return r as Record<string, unknown>;
  });
  return { allOrNone: b.allOrNone === true, records };
}

function typeOf(record: Record<string, unknown>, fallback?: string): string {
  const attributes = record['attributes'] as { type?: unknown } | undefined;
  const type = typeof attributes?.type === 'string' ? attributes.type : fallback;
  if (!type) throw new SalesforceApiError(400, 'INVALID_TYPE', 'Must send a concrete entity type.');
  return type;
}

function fieldsOf(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'attributes' && k.toLowerCase() !== 'id'));
}

/** Runs one operation per record, all-or-none when asked; answers the results in order. */
function runAll(
  ctx: SalesforceRouteContext,
  allOrNone: boolean,
  count: number,
  op: (i: number) => SaveResult,
): SaveResult[] {
  const results: SaveResult[] = new Array<SaveResult>(count);
  const attempt = (i: number): boolean => {
    try {
      results[i] = ctx.store.transaction(() => op(i));
      return true;
    } catch (err) {
      results[i] = { id: null, success: false, errors: toErrors(err) };
      return false;
    }
  };
  if (!allOrNone) {
    for (let i = 0; i < count; i++) attempt(i);
    return results;
  }
  try {
    ctx.store.transaction(() => {
      let failed = false;
      for (let i = 0; i < count; i++) failed = !attempt(i) || failed;
      if (failed) throw new RolledBack();
    });
  } catch (err) {
    if (!(err instanceof RolledBack)) throw err;
    return results.map((r) => (r.success ? { id: null, success: false, errors: [ROLLED_BACK] } : r));
  }
  return results;
}

/** Registers `/composite/sobjects` routes. */
export function registerCollectionRoutes(app: FastifyInstance, ctx: SalesforceRouteContext): void {
  const { store, kit } = ctx;
  const P = '/services/data/:v/composite/sobjects';
  type Req = { Params: { v: string; type: string; field: string } };

  const finish = (request: FastifyRequest, reply: FastifyReply, results: SaveResult[]) => {
    const committed = results.filter((r) => r.success).length;
    if (committed > 0) {
      kit.recordWrite(request, committed);
      if (kit.afterCommit(request, reply)) return reply;
    }
    return reply.code(200).send(results);
  };

  app.post<Req>(P, async (request, reply) => {
    apiVersion(request.params.v);
    const { allOrNone, records } = parseBody(request);
    const write: WriteContext = apiWrite(ctx, request);
    const results = runAll(ctx, allOrNone, records.length, (i) => {
      const record = records[i] ?? {};
      if (Object.keys(record).some((k) => k.toLowerCase() === 'id')) {
        throw new SalesforceApiError(400, 'INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']);
      }
      const row = store.create(typeOf(record), fieldsOf(record), write);
      return { id: String(row['Id']), success: true, errors: [] };
    });
    return finish(request, reply, results);
  });

  app.patch<Req>(P, async (request, reply) => {
    apiVersion(request.params.v);
    const { allOrNone, records } = parseBody(request);
    const write = apiWrite(ctx, request);
    const results = runAll(ctx, allOrNone, records.length, (i) => {
      const record = records[i] ?? {};
      const rawId = record['id'] ?? record['Id'];
      const id = typeof rawId === 'string' ? normalizeId(rawId) : undefined;
      if (!id) throw new SalesforceApiError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
      store.update(typeOf(record, store.byId(id, true)?.type), id, fieldsOf(record), write);
      return { id, success: true, errors: [] };
    });
    return finish(request, reply, results);
  });

  app.patch<Req>(`${P}/:type/:field`, async (request, reply) => {
    apiVersion(request.params.v);
    const type = store.requireType(request.params.type);
    const f = findField(type, request.params.field);
    if (!f || (!f.externalId && f.name !== 'Id')) {
      throw new SalesforceApiError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${request.params.field}`,
      );
    }
    const { allOrNone, records } = parseBody(request);
    const write = apiWrite(ctx, request);
    const results = runAll(ctx, allOrNone, records.length, (i) => {
      const record = records[i] ?? {};
      const key = Object.keys(record).find((k) => k.toLowerCase() === f.name.toLowerCase());
      const value = key === undefined ? undefined : record[key];
      if (value === undefined || value === null || value === '') {
        throw new SalesforceApiError(400, 'MISSING_ARGUMENT', `${f.name} not specified`, [f.name]);
      }
      const { row, created } = upsertByExternalId(store, type.name, f.name, String(value), fieldsOf(record), write);
      return { id: String(row['Id']), success: true, errors: [], created };
    });
    return finish(request, reply, results);
  });

  app.delete<{ Params: { v: string }; Querystring: { ids?: string; allOrNone?: string } }>(
    P,
    async (request, reply) => {
      apiVersion(request.params.v);
      const ids = (request.query.ids ?? '').split(',').filter((s) => s !== '');
      if (ids.length === 0) throw new SalesforceApiError(400, 'MISSING_ARGUMENT', 'ids not specified');
      if (ids.length > MAX_COLLECTION_SIZE) throw tooMany();
      const write = apiWrite(ctx, request);
      const results = runAll(ctx, request.query.allOrNone === 'true', ids.length, (i) => {
        const raw = ids[i] ?? '';
        const id = normalizeId(raw);
        if (!id) throw new SalesforceApiError(400, 'MALFORMED_ID', `malformed id ${raw}`);
        const found = store.byId(id, true);
        if (!found) throw new SalesforceApiError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
        store.delete(found.type, id, write);
        return { id, success: true, errors: [] };
      });
      return finish(request, reply, results);
    },
  );

  /** Retrieve: the records of `ids` with `fields`, null where an id is not a live record of the type. */
  const retrieve = (request: FastifyRequest, typeName: string, ids: string[], fieldList: string | undefined) => {
    const v = apiVersion((request.params as { v: string }).v);
    const type = store.requireType(typeName);
    if (ids.length > 2000) throw tooMany(2000);
    const fields = selectedFields(type, fieldList);
    if (!fields) throw new SalesforceApiError(400, 'MISSING_ARGUMENT', 'fields not specified');
    return ids.map((raw) => {
      const found = store.byId(normalizeId(raw) ?? raw, false);
      return found && found.type === type.name
        ? renderRecord(v, type.name, found.row, ['Id', ...fields.filter((f) => f !== 'Id')])
        : null;
    });
  };

  app.get<{ Params: { v: string; type: string }; Querystring: { ids?: string; fields?: string } }>(
    `${P}/:type`,
    async (request) =>
      retrieve(
        request,
        request.params.type,
        (request.query.ids ?? '').split(',').filter((s) => s !== ''),
        request.query.fields,
      ),
  );

  // The same with the ids and fields in the body ("Retrieve Multiple Records with Fewer Round-Trips Using a Request
  // Body"), for lists too long for a URL: jsforce's retrieve() of several ids sends this.
  const retrieveBody = z.object({ ids: z.array(z.string()), fields: z.array(z.string()) });
  app.post<{ Params: { v: string; type: string } }>(`${P}/:type`, async (request) => {
    const parsed = retrieveBody.safeParse(request.body ?? {});
    if (!parsed.success) {
      throw new SalesforceApiError(400, 'JSON_PARSER_ERROR', 'the request body needs ids and fields, both lists');
    }
    return retrieve(request, request.params.type, parsed.data.ids, parsed.data.fields.join(','));
  });
}
