/**
 * Associations v4: default and labelled links between two records, listing a record's
 * links, and the batch create / associate-default / read / archive / labels-archive
 * endpoints (CONNECTORS.md "Associations v4").
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findAssociationType, type LinkType } from '../association-store.ts';
import {
  associate,
  associationSpecsSchema,
  dissociate,
  findRecord,
  parseBody,
  requireDefaultType,
  type SandboxContext,
} from '../context.ts';
import { hubspotErrors } from '../errors.ts';
import type { ObjectTypeDef } from '../properties.ts';

const id = z.union([z.string(), z.number()]).transform(String);
const objectId = z.object({ id });
const batchCreateSchema = z.object({
  inputs: z.array(z.object({ from: objectId, to: objectId, types: associationSpecsSchema })),
});
const batchDefaultSchema = z.object({ inputs: z.array(z.object({ from: objectId, to: objectId })) });
const batchReadSchema = z.object({ inputs: z.array(z.object({ id, after: z.string().optional() })) });
const batchArchiveSchema = z.object({ inputs: z.array(z.object({ from: objectId, to: z.array(objectId) })) });

interface PairParams {
  fromObjectType: string;
  toObjectType: string;
}

function labelOf(from: string, t: LinkType): string | undefined {
  return findAssociationType(from, t.typeId)?.label;
}

function toSpecWithLabel(from: ObjectTypeDef, to: ObjectTypeDef, t: LinkType): Record<string, unknown> {
  const label = labelOf(from.name, t);
  return { category: t.category, typeId: t.typeId, ...(label === undefined ? {} : { label }) };
}

/** Registers the v4 association routes. */
export function registerAssociationRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const need = (type: ObjectTypeDef, rid: string): void => {
    if (!findRecord(ctx, type, rid)) throw hubspotErrors.notFound(`${type.messageName} ${rid} not found`);
  };
  const now = (): string => new Date().toISOString();
  const defaultPairResults = (
    from: ObjectTypeDef,
    fromId: string,
    to: ObjectTypeDef,
    toId: string,
  ): Record<string, unknown>[] => {
    const fwd = requireDefaultType(from.name, to.name);
    const back = requireDefaultType(to.name, from.name);
    return [
      {
        from: { id: fromId },
        to: { id: toId },
        associationSpec: { associationCategory: fwd.category, associationTypeId: fwd.typeId },
      },
      {
        from: { id: toId },
        to: { id: fromId },
        associationSpec: { associationCategory: back.category, associationTypeId: back.typeId },
      },
    ];
  };
  const labelsPair = (
    from: ObjectTypeDef,
    fromId: string,
    to: ObjectTypeDef,
    toId: string,
  ): Record<string, unknown> => {
    const link = ctx.associations.list(from.name, fromId, to.name).find((l) => l.toId === toId);
    const labels = (link?.types ?? []).map((t) => labelOf(from.name, t)).filter((l): l is string => l !== undefined);
    return {
      fromObjectTypeId: from.objectTypeId,
      fromObjectId: fromId,
      toObjectTypeId: to.objectTypeId,
      toObjectId: toId,
      labels,
    };
  };

  app.put<{ Params: { fromObjectType: string; fromObjectId: string; toObjectType: string; toObjectId: string } }>(
    '/crm/v4/objects/:fromObjectType/:fromObjectId/associations/default/:toObjectType/:toObjectId',
    async (request) => {
      const startedAt = now();
      const p = request.params;
      const from = ctx.store.requireType(p.fromObjectType);
      const to = ctx.store.requireType(p.toObjectType);
      need(from, p.fromObjectId);
      need(to, p.toObjectId);
      associate(ctx, from.name, p.fromObjectId, to.name, p.toObjectId, [requireDefaultType(from.name, to.name)]);
      ctx.kit.recordWrite(request);
      return {
        status: 'COMPLETE',
        results: defaultPairResults(from, p.fromObjectId, to, p.toObjectId),
        startedAt,
        completedAt: now(),
      };
    },
  );

  app.put<{ Params: { objectType: string; objectId: string; toObjectType: string; toObjectId: string } }>(
    '/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId',
    async (request, reply) => {
      const p = request.params;
      const from = ctx.store.requireType(p.objectType);
      const to = ctx.store.requireType(p.toObjectType);
      const specs = parseBody(associationSpecsSchema, request.body);
      need(from, p.objectId);
      need(to, p.toObjectId);
      associate(
        ctx,
        from.name,
        p.objectId,
        to.name,
        p.toObjectId,
        specs.map((s) => ({ category: s.associationCategory, typeId: s.associationTypeId })),
      );
      ctx.kit.recordWrite(request);
      return reply.code(201).send(labelsPair(from, p.objectId, to, p.toObjectId));
    },
  );

  app.delete<{ Params: { objectType: string; objectId: string; toObjectType: string; toObjectId: string } }>(
    '/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId',
    async (request, reply) => {
      const p = request.params;
      const from = ctx.store.requireType(p.objectType);
      const to = ctx.store.requireType(p.toObjectType);
      dissociate(ctx, from.name, p.objectId, to.name, p.toObjectId);
      ctx.kit.recordWrite(request);
      return reply.code(204).send();
    },
  );

  app.get<{
    Params: { objectType: string; objectId: string; toObjectType: string };
    Querystring: { limit?: string; after?: string };
  }>('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType', async (request) => {
    const p = request.params;
    const from = ctx.store.requireType(p.objectType);
    const to = ctx.store.requireType(p.toObjectType);
    const limit = Math.min(Number(request.query.limit ?? 500), 500);
    const offset = Number(request.query.after ?? 0);
    const all = ctx.associations.list(from.name, p.objectId, to.name);
    const results = all
      .slice(offset, offset + limit)
      .map((l) => ({ toObjectId: l.toId, associationTypes: l.types.map((t) => toSpecWithLabel(from, to, t)) }));
    const next = offset + limit;
    return next < all.length
      ? {
          results,
          paging: {
            next: { after: String(next), link: `${ctx.baseUrl()}${request.url.split('?')[0] ?? ''}?after=${next}` },
          },
        }
      : { results };
  });

  const batch = (op: string): string => `/crm/v4/associations/:fromObjectType/:toObjectType/batch/${op}`;

  app.post<{ Params: PairParams }>(batch('create'), async (request, reply) => {
    const startedAt = now();
    const from = ctx.store.requireType(request.params.fromObjectType);
    const to = ctx.store.requireType(request.params.toObjectType);
    const body = parseBody(batchCreateSchema, request.body);
    for (const i of body.inputs) {
      need(from, i.from.id);
      need(to, i.to.id);
    }
    for (const i of body.inputs)
      associate(
        ctx,
        from.name,
        i.from.id,
        to.name,
        i.to.id,
        i.types.map((s) => ({ category: s.associationCategory, typeId: s.associationTypeId })),
      );
    ctx.kit.recordWrite(request, body.inputs.length);
    return reply.code(201).send({
      status: 'COMPLETE',
      results: body.inputs.map((i) => labelsPair(from, i.from.id, to, i.to.id)),
      startedAt,
      completedAt: now(),
    });
  });

  app.post<{ Params: PairParams }>(batch('associate/default'), async (request) => {
    const startedAt = now();
    const from = ctx.store.requireType(request.params.fromObjectType);
    const to = ctx.store.requireType(request.params.toObjectType);
    const body = parseBody(batchDefaultSchema, request.body);
    const type = requireDefaultType(from.name, to.name);
    for (const i of body.inputs) {
      need(from, i.from.id);
      need(to, i.to.id);
    }
    for (const i of body.inputs) associate(ctx, from.name, i.from.id, to.name, i.to.id, [type]);
    ctx.kit.recordWrite(request, body.inputs.length);
    return {
      status: 'COMPLETE',
      results: body.inputs.flatMap((i) => defaultPairResults(from, i.from.id, to, i.to.id)),
      startedAt,
      completedAt: now(),
    };
  });

  app.post<{ Params: PairParams }>(batch('read'), async (request, reply) => {
    const startedAt = now();
    const from = ctx.store.requireType(request.params.fromObjectType);
    const to = ctx.store.requireType(request.params.toObjectType);
    const body = parseBody(batchReadSchema, request.body);
    const results: Record<string, unknown>[] = [];
    const missing: string[] = [];
    for (const i of body.inputs) {
      const links = ctx.associations.list(from.name, i.id, to.name);
      if (links.length === 0) missing.push(i.id);
      else
        results.push({
          from: { id: i.id },
          to: links.map((l) => ({
            toObjectId: l.toId,
            associationTypes: l.types.map((t) => toSpecWithLabel(from, to, t)),
          })),
        });
    }
    const out: Record<string, unknown> = { status: 'COMPLETE', results, startedAt, completedAt: now() };
    if (missing.length === 0) return out;
    out.numErrors = missing.length;
    out.errors = missing.map((m) => ({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: `No ${to.messageName} is associated with ${from.messageName} ${m}.`,
      context: { fromObjectId: [m] },
      errors: [],
      links: {},
    }));
    return reply.code(207).send(out);
  });

  app.post<{ Params: PairParams }>(batch('archive'), async (request, reply) => {
    const from = ctx.store.requireType(request.params.fromObjectType);
    const to = ctx.store.requireType(request.params.toObjectType);
    const body = parseBody(batchArchiveSchema, request.body);
    for (const i of body.inputs) for (const t of i.to) dissociate(ctx, from.name, i.from.id, to.name, t.id);
    ctx.kit.recordWrite(request, body.inputs.length);
    return reply.code(204).send();
  });

  app.post<{ Params: PairParams }>(batch('labels/archive'), async (request, reply) => {
    const from = ctx.store.requireType(request.params.fromObjectType);
    const to = ctx.store.requireType(request.params.toObjectType);
    const body = parseBody(batchCreateSchema, request.body);
    for (const i of body.inputs)
      dissociate(
        ctx,
        from.name,
        i.from.id,
        to.name,
        i.to.id,
        i.types.map((s) => ({ category: s.associationCategory, typeId: s.associationTypeId })),
      );
    ctx.kit.recordWrite(request, body.inputs.length);
    return reply.code(204).send();
  });
}
