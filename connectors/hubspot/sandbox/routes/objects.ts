/**
 * Basic object routes of CRM v3: list with paging (`after`) and archived listing, get,
 * create, update and archive by id or `idProperty`, and contact merge.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findAssociationType } from '../association-store.ts';
import {
  createAssociationsSchema,
  createRecords,
  findRecord,
  parseBody,
  propertiesSchema,
  type SandboxContext,
} from '../context.ts';
import type { StoredRecord } from '../data-store.ts';
import { hubspotErrors } from '../errors.ts';
import { normaliseProperties } from '../property-values.ts';
import type { ObjectTypeDef } from '../properties.ts';
import { propertyList, selectedProperties, toPublic, type PublicObject } from '../record-view.ts';

interface TypeParams {
  objectType: string;
}
interface ObjectParams {
  objectType: string;
  objectId: string;
}
type Query = Record<string, string | string[] | undefined>;

const flag = (v: unknown): boolean => v === 'true' || (Array.isArray(v) && v.includes('true'));
const one = (v: unknown): string | undefined =>
  Array.isArray(v) ? (v[0] as string | undefined) : (v as string | undefined);

const createSchema = z.object({ properties: propertiesSchema, associations: createAssociationsSchema });
const updateSchema = z.object({ properties: propertiesSchema });
const mergeSchema = z.object({ primaryObjectId: z.coerce.string(), objectIdToMerge: z.coerce.string() });

/** Adds `associations` (v3 form) to a rendered record. */
export function withAssociations(
  ctx: SandboxContext,
  type: ObjectTypeDef,
  record: StoredRecord,
  view: PublicObject,
  toTypes: string[] | undefined,
): PublicObject {
  if (!toTypes) return view;
  const out: Record<string, { results: { id: string; type: string }[] }> = {};
  for (const ref of toTypes) {
    const to = ctx.store.resolveType(ref);
    if (!to) continue;
    const results = ctx.associations.list(type.name, record.id, to.name).flatMap((l) =>
      l.types.map((t) => ({
        id: l.toId,
        type: findAssociationType(type.name, t.typeId)?.name ?? `${type.name}_to_${to.name}`,
      })),
    );
    if (results.length > 0) out[to.name] = { results };
  }
  return Object.keys(out).length > 0 ? ({ ...view, associations: out } as PublicObject) : view;
}

/** Registers the basic object routes. */
export function registerObjectRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  app.get<{ Params: TypeParams; Querystring: Query }>('/crm/v3/objects/:objectType', async (request) => {
    const type = ctx.store.requireType(request.params.objectType);
    const q = request.query;
    const limit = Number(one(q.limit) ?? 10);
    if (!Number.isInteger(limit) || limit < 1)
      throw hubspotErrors.validation(`limit must be a positive integer, got ${one(q.limit)}`);
    const size = Math.min(limit, 100);
    const afterRaw = one(q.after);
    const after = afterRaw === undefined ? 0 : Number(afterRaw);
    if (!Number.isFinite(after)) throw hubspotErrors.validation(`Invalid after: ${afterRaw}`);
    const archived = flag(q.archived);
    const names = selectedProperties(type, propertyList(q.properties));
    const assoc = propertyList(q.associations);
    const ordered = ctx.store.ordered(type);
    const page: StoredRecord[] = [];
    let next: StoredRecord | undefined;
    for (let i = ctx.store.indexFrom(type, after); i < ordered.length; i += 1) {
      const r = ordered[i];
      if (!r || r.archived !== archived) continue;
      if (page.length === size) {
        next = r;
        break;
      }
      page.push(r);
    }
    const results = page.map((r) => withAssociations(ctx, type, r, toPublic(r, names), assoc));
    if (!next) return { results };
    const link = `${ctx.baseUrl()}/crm/v3/objects/${type.name}?after=${next.id}`;
    return { results, paging: { next: { after: next.id, link } } };
  });

  app.get<{ Params: ObjectParams; Querystring: Query }>('/crm/v3/objects/:objectType/:objectId', async (request) => {
    const type = ctx.store.requireType(request.params.objectType);
    const q = request.query;
    const archived = flag(q.archived);
    const idProperty = one(q.idProperty);
    const record =
      archived && !idProperty
        ? ctx.store.get(type, request.params.objectId)
        : findRecord(ctx, type, request.params.objectId, idProperty);
    if (!record || record.archived !== archived) throw hubspotErrors.notFound();
    return withAssociations(
      ctx,
      type,
      record,
      toPublic(record, selectedProperties(type, propertyList(q.properties))),
      propertyList(q.associations),
    );
  });

  app.post<{ Params: TypeParams }>('/crm/v3/objects/:objectType', async (request, reply) => {
    const type = ctx.store.requireType(request.params.objectType);
    const input = parseBody(createSchema, request.body);
    const [record] = createRecords(ctx, type, [input]);
    if (!record) throw hubspotErrors.validation('nothing created');
    ctx.kit.recordWrite(request);
    if (ctx.kit.afterCommit(request, reply)) return reply;
    const names = selectedProperties(type, undefined).concat(Object.keys(record.properties));
    return reply.code(201).send(toPublic(record, [...new Set(names)]));
  });

  app.patch<{ Params: ObjectParams; Querystring: Query }>(
    '/crm/v3/objects/:objectType/:objectId',
    async (request, reply) => {
      const type = ctx.store.requireType(request.params.objectType);
      const input = parseBody(updateSchema, request.body);
      const record = findRecord(ctx, type, request.params.objectId, one(request.query.idProperty));
      if (!record) throw hubspotErrors.notFound();
      const props = normaliseProperties(type, input.properties);
      ctx.store.checkUnique(type, props, record.id);
      ctx.store.update(type, record, props, ctx.apiChangeSource);
      ctx.kit.recordWrite(request);
      if (ctx.kit.afterCommit(request, reply)) return reply;
      return toPublic(record, [...new Set([...selectedProperties(type, undefined), ...Object.keys(props)])]);
    },
  );

  app.delete<{ Params: ObjectParams }>('/crm/v3/objects/:objectType/:objectId', async (request, reply) => {
    const type = ctx.store.requireType(request.params.objectType);
    const record = findRecord(ctx, type, request.params.objectId);
    // Archiving a missing or already archived record answers 204 too (HubSpot is idempotent here).
    if (record) {
      ctx.store.archive(type, record, ctx.apiChangeSource);
      ctx.kit.recordWrite(request);
      if (ctx.kit.afterCommit(request, reply)) return reply;
    }
    return reply.code(204).send();
  });

  app.post<{ Params: TypeParams }>('/crm/v3/objects/:objectType/merge', async (request, reply) => {
    const type = ctx.store.requireType(request.params.objectType);
    const input = parseBody(mergeSchema, request.body);
    const primary = findRecord(ctx, type, input.primaryObjectId);
    const merged = findRecord(ctx, type, input.objectIdToMerge);
    if (!primary || !merged) throw hubspotErrors.notFound(`Could not find ${type.messageName} to merge.`);
    if (primary.id === merged.id) throw hubspotErrors.validation('Cannot merge an object with itself.');
    // The primary keeps its values; empty ones are filled from the merged record.
    const fill: Record<string, string> = {};
    for (const [k, v] of Object.entries(merged.properties)) {
      if (
        (primary.properties[k] ?? '') === '' &&
        !type.properties.get(k)?.readOnlyValue &&
        !type.properties.get(k)?.hasUniqueValue
      )
        fill[k] = v;
    }
    ctx.store.archive(type, merged, ctx.apiChangeSource);
    ctx.store.update(type, primary, fill, ctx.apiChangeSource);
    ctx.store.announceMerge(type, primary, [merged.id], ctx.apiChangeSource);
    ctx.kit.recordWrite(request);
    if (ctx.kit.afterCommit(request, reply)) return reply;
    return toPublic(primary, selectedProperties(type, undefined));
  });
}
