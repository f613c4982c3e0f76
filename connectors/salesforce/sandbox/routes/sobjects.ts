/**
 * sObject routes under `/services/data/vXX.X/` (REST API Developer Guide, "sObject
 * Basic Information", "sObject Describe", "Describe Global", "sObject Rows", "sObject
 * Rows by External ID"): describe, create, retrieve, update, delete, and read or upsert
 * by an External ID field.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SANDBOX_ORG_ID } from '../auth.ts';
import { notFound, SalesforceApiError } from '../errors.ts';
import { normalizeId } from '../ids.ts';
import { findField, type SObjectType } from '../schema.ts';
import { MultipleMatchesError, upsertByExternalId } from '../upsert.ts';
import { apiVersion, apiWrite, recordUrl, renderRecord, versionList, type SalesforceRouteContext } from './context.ts';
import { describeSummary, describeType } from './describe.ts';

type Params = { v: string; type: string; id: string; field: string; value: string };

function body(request: FastifyRequest): Record<string, unknown> {
  const b = request.body;
  if (b === null || typeof b !== 'object' || Array.isArray(b)) {
    throw new SalesforceApiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object of field values');
  }
  return b as Record<string, unknown>;
}

/** The `fields` query parameter as canonical names of `type` (INVALID_FIELD for unknown ones). */
export function selectedFields(type: SObjectType, raw: unknown): string[] | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  return raw.split(',').map((name) => {
    const f = findField(type, name.trim());
    if (!f)
      throw new SalesforceApiError(400, 'INVALID_FIELD', `No such column '${name.trim()}' on entity '${type.name}'.`);
    return f.name;
  });
}

function multipleChoices(reply: FastifyReply, version: string, type: string, err: MultipleMatchesError): FastifyReply {
  // REST API Developer Guide, "Status Codes": 300 lists the matching records' URLs.
  return reply.code(300).send(err.ids.map((id) => recordUrl(version, type, id)));
}

/** Registers the sObject routes. */
export function registerSObjectRoutes(app: FastifyInstance, ctx: SalesforceRouteContext): void {
  const { store, kit } = ctx;
  const P = '/services/data/:v';

  app.get('/services/data', async () => versionList());
  app.get('/services/data/', async () => versionList());

  const versionResources = async (request: FastifyRequest<{ Params: Params }>) => {
    const v = apiVersion(request.params.v);
    const base = `/services/data/v${v}`;
    return {
      sobjects: `${base}/sobjects`,
      query: `${base}/query`,
      queryAll: `${base}/queryAll`,
      limits: `${base}/limits`,
      composite: `${base}/composite`,
      tooling: `${base}/tooling`,
      // The caller's identity URL (jsforce's identity() reads it when it has no userInfo).
      identity: `${ctx.baseUrl()}/id/${SANDBOX_ORG_ID}/${ctx.userId()}`,
    };
  };
  app.get<{ Params: Params }>(P, versionResources);
  app.get<{ Params: Params }>(`${P}/`, versionResources);

  app.get<{ Params: Params }>(`${P}/sobjects`, async (request) => {
    const v = apiVersion(request.params.v);
    return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: store.types().map((t) => describeSummary(v, t)) };
  });

  app.get<{ Params: Params }>(`${P}/sobjects/:type`, async (request) => {
    const v = apiVersion(request.params.v);
    const type = store.requireType(request.params.type);
    return { objectDescribe: describeSummary(v, type), recentItems: [] };
  });

  app.get<{ Params: Params }>(`${P}/sobjects/:type/describe`, async (request) => {
    const v = apiVersion(request.params.v);
    return describeType(v, store.requireType(request.params.type));
  });

  app.post<{ Params: Params }>(`${P}/sobjects/:type`, async (request, reply) => {
    apiVersion(request.params.v);
    const type = store.requireType(request.params.type);
    const values = body(request);
    if (Object.keys(values).some((k) => k.toLowerCase() === 'id')) {
      throw new SalesforceApiError(400, 'INVALID_FIELD', 'Unable to create/update fields: Id.', ['Id']);
    }
    const row = store.create(type.name, values, apiWrite(ctx, request));
    kit.recordWrite(request);
    if (kit.afterCommit(request, reply)) return reply;
    return reply.code(201).send({ id: row['Id'], success: true, errors: [] });
  });

  app.get<{ Params: Params; Querystring: { fields?: string } }>(`${P}/sobjects/:type/:id`, async (request) => {
    const v = apiVersion(request.params.v);
    const type = store.requireType(request.params.type);
    const id = normalizeId(request.params.id);
    if (!id) throw notFound();
    const found = store.byId(id, false);
    if (!found || found.type !== type.name) throw notFound();
    return renderRecord(v, type.name, found.row, selectedFields(type, request.query.fields));
  });

  app.patch<{ Params: Params }>(`${P}/sobjects/:type/:id`, async (request, reply) => {
    apiVersion(request.params.v);
    const type = store.requireType(request.params.type);
    const id = normalizeId(request.params.id);
    if (!id) throw notFound();
    store.update(type.name, id, body(request), apiWrite(ctx, request));
    kit.recordWrite(request);
    if (kit.afterCommit(request, reply)) return reply;
    return reply.code(204).send();
  });

  app.delete<{ Params: Params }>(`${P}/sobjects/:type/:id`, async (request, reply) => {
    apiVersion(request.params.v);
    const type = store.requireType(request.params.type);
    const id = normalizeId(request.params.id);
    if (!id) throw notFound();
    store.delete(type.name, id, apiWrite(ctx, request));
    kit.recordWrite(request);
    if (kit.afterCommit(request, reply)) return reply;
    return reply.code(204).send();
  });

  app.get<{ Params: Params; Querystring: { fields?: string } }>(
    `${P}/sobjects/:type/:field/:value`,
    async (request, reply) => {
      const v = apiVersion(request.params.v);
      const type = store.requireType(request.params.type);
      const f = findField(type, request.params.field);
      if (!f || (!f.externalId && f.name !== 'Id')) throw notFound();
      const rows = store.findBy(type.name, f, request.params.value);
      if (rows.length > 1) {
        const ids = rows.map((r) => String(r['Id']));
        return multipleChoices(reply, v, type.name, new MultipleMatchesError(f.name, request.params.value, ids));
      }
      const [row] = rows;
      if (!row) throw notFound();
      return renderRecord(v, type.name, row, selectedFields(type, request.query.fields));
    },
  );

  app.patch<{ Params: Params }>(`${P}/sobjects/:type/:field/:value`, async (request, reply) => {
    const v = apiVersion(request.params.v);
    const type = store.requireType(request.params.type);
    try {
      const { row, created } = upsertByExternalId(
        store,
        type.name,
        request.params.field,
        request.params.value,
        body(request),
        apiWrite(ctx, request),
      );
      kit.recordWrite(request);
      if (kit.afterCommit(request, reply)) return reply;
      // 201 on create; an update answers 200 with the same body from API 46.0 on, 204 with no body before
      // (REST API Developer Guide, "Upsert Records Using sObject Rows by External ID").
      if (!created && Number(v.split('.')[0]) < 46) return reply.code(204).send();
      return reply.code(created ? 201 : 200).send({ id: row['Id'], success: true, errors: [], created });
    } catch (err) {
      if (err instanceof MultipleMatchesError) return multipleChoices(reply, v, type.name, err);
      throw err;
    }
  });
}
