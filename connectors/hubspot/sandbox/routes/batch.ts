/**
 * Batch routes of CRM v3: read (207 when some ids are missing), create (fails as a whole:
 * one invalid value is a 400, one existing email a 409 naming the first clash), update,
 * upsert by a unique `idProperty` (results carry `new`), archive. More than 100 inputs is
 * a 400 (CONNECTORS.md "Batch").
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  checkIdProperty,
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
import { propertyList, selectedProperties, toPublic } from '../record-view.ts';

/** HubSpot's batch input limit. */
export const BATCH_LIMIT = 100;

const id = z.union([z.string(), z.number()]).transform(String);
const readSchema = z.object({
  inputs: z.array(z.object({ id })),
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().optional(),
});
const createSchema = z.object({
  inputs: z.array(
    z.object({
      properties: propertiesSchema,
      associations: createAssociationsSchema,
      objectWriteTraceId: z.string().optional(),
    }),
  ),
});
const updateSchema = z.object({
  inputs: z.array(
    z.object({
      id,
      idProperty: z.string().optional(),
      properties: propertiesSchema,
      objectWriteTraceId: z.string().optional(),
    }),
  ),
});
const upsertSchema = z.object({
  inputs: z.array(
    z.object({ id, idProperty: z.string(), properties: propertiesSchema, objectWriteTraceId: z.string().optional() }),
  ),
});
const archiveSchema = z.object({ inputs: z.array(z.object({ id })) });

interface TypeParams {
  objectType: string;
}

function limitInputs(n: number): void {
  if (n > BATCH_LIMIT)
    throw hubspotErrors.validation(`Batch input exceeds the limit of ${BATCH_LIMIT} inputs (got ${n}).`);
}

function noDuplicates(ids: string[]): void {
  const dupes = ids.filter((x, i) => ids.indexOf(x) !== i);
  if (dupes.length > 0)
    throw hubspotErrors.validation(
      `Duplicate IDs found in batch input: [${[...new Set(dupes)].join(', ')}]. IDs must be unique`,
    );
}

function envelope(
  startedAt: string,
  results: unknown[],
  missing: { type: ObjectTypeDef; verb: string; ids: string[] } | undefined,
): { status: number; body: Record<string, unknown> } {
  const body: Record<string, unknown> = {
    status: 'COMPLETE',
    results,
    startedAt,
    completedAt: new Date().toISOString(),
  };
  if (!missing || missing.ids.length === 0) return { status: 200, body };
  body.numErrors = 1;
  body.errors = [
    {
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: `Could not ${missing.verb} some ${missing.type.messageName} objects, they may be deleted or not exist. Check that ids are valid.`,
      context: { ids: missing.ids },
      errors: [],
      links: {},
    },
  ];
  return { status: 207, body };
}

/** Registers the batch routes. */
export function registerBatchRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const path = (op: string): string => `/crm/v3/objects/:objectType/batch/${op}`;
  const committed = (request: FastifyRequest, n: number): void => ctx.kit.recordWrite(request, n);

  app.post<{ Params: TypeParams; Querystring: { archived?: string } }>(path('read'), async (request, reply) => {
    const startedAt = new Date().toISOString();
    const type = ctx.store.requireType(request.params.objectType);
    const body = parseBody(readSchema, request.body);
    limitInputs(body.inputs.length);
    const archived = request.query.archived === 'true';
    checkIdProperty(type, body.idProperty);
    const names = selectedProperties(type, propertyList(body.properties));
    const found: StoredRecord[] = [];
    const missing: string[] = [];
    for (const input of body.inputs) {
      const r =
        archived && !body.idProperty ? ctx.store.get(type, input.id) : findRecord(ctx, type, input.id, body.idProperty);
      if (r && r.archived === archived) found.push(r);
      else missing.push(input.id);
    }
    // Unknown names are ignored, as for `properties`.
    const history = body.propertiesWithHistory?.filter((n) => type.properties.has(n));
    const { status, body: out } = envelope(
      startedAt,
      found.map((r) => toPublic(r, names, history)),
      { type, verb: 'get', ids: missing },
    );
    return reply.code(status).send(out);
  });

  app.post<{ Params: TypeParams }>(path('create'), async (request, reply) => {
    const startedAt = new Date().toISOString();
    const type = ctx.store.requireType(request.params.objectType);
    const body = parseBody(createSchema, request.body);
    limitInputs(body.inputs.length);
    const records = createRecords(ctx, type, body.inputs);
    committed(request, records.length);
    if (ctx.kit.afterCommit(request, reply)) return reply;
    const results = records.map((r) =>
      toPublic(r, [...new Set([...selectedProperties(type, undefined), ...Object.keys(r.properties)])]),
    );
    return reply.code(201).send(envelope(startedAt, results, undefined).body);
  });

  app.post<{ Params: TypeParams }>(path('update'), async (request, reply) => {
    const startedAt = new Date().toISOString();
    const type = ctx.store.requireType(request.params.objectType);
    const body = parseBody(updateSchema, request.body);
    limitInputs(body.inputs.length);
    noDuplicates(body.inputs.map((i) => i.id));
    // Validate everything before writing anything: one invalid value fails the batch.
    const planned = body.inputs.map((input) => ({
      input,
      record: findRecord(ctx, type, input.id, input.idProperty),
      props: normaliseProperties(type, input.properties),
    }));
    for (const p of planned) if (p.record) ctx.store.checkUnique(type, p.props, p.record.id);
    const missing: string[] = [];
    let written = 0;
    for (const p of planned) {
      if (!p.record) {
        missing.push(p.input.id);
        continue;
      }
      ctx.store.update(type, p.record, p.props, ctx.apiChangeSource);
      written += 1;
    }
    committed(request, written);
    if (ctx.kit.afterCommit(request, reply)) return reply;
    const rendered = planned.flatMap((p) =>
      p.record
        ? [toPublic(p.record, [...new Set([...selectedProperties(type, undefined), ...Object.keys(p.props)])])]
        : [],
    );
    const { status, body: out } = envelope(startedAt, rendered, { type, verb: 'update', ids: missing });
    return reply.code(status).send(out);
  });

  app.post<{ Params: TypeParams }>(path('upsert'), async (request, reply) => {
    const startedAt = new Date().toISOString();
    const type = ctx.store.requireType(request.params.objectType);
    const body = parseBody(upsertSchema, request.body);
    limitInputs(body.inputs.length);
    for (const input of body.inputs) {
      if (checkIdProperty(type, input.idProperty) === 'hs_object_id')
        throw hubspotErrors.validation('Upsert requires an idProperty with unique values other than hs_object_id.');
    }
    noDuplicates(body.inputs.map((i) => `${i.idProperty}:${i.idProperty === 'email' ? i.id.toLowerCase() : i.id}`));
    const planned = body.inputs.map((input) => {
      const record = findRecord(ctx, type, input.id, input.idProperty);
      const props = normaliseProperties(
        type,
        record ? input.properties : { ...input.properties, [input.idProperty]: input.id },
      );
      return { input, record, props };
    });
    for (const p of planned) ctx.store.checkUnique(type, p.props, p.record?.id);
    const results = planned.map((p) => {
      if (p.record) {
        ctx.store.update(type, p.record, p.props, ctx.apiChangeSource);
        return { record: p.record, isNew: false, props: p.props };
      }
      const created = ctx.store.create(type, p.props, ctx.apiChangeSource);
      return { record: created, isNew: true, props: p.props };
    });
    committed(request, results.length);
    if (ctx.kit.afterCommit(request, reply)) return reply;
    const rendered = results.map((r) => ({
      ...toPublic(r.record, [...new Set([...selectedProperties(type, undefined), ...Object.keys(r.props)])]),
      new: r.isNew,
    }));
    return reply.code(200).send(envelope(startedAt, rendered, undefined).body);
  });

  app.post<{ Params: TypeParams }>(path('archive'), async (request, reply) => {
    const type = ctx.store.requireType(request.params.objectType);
    const body = parseBody(archiveSchema, request.body);
    limitInputs(body.inputs.length);
    let n = 0;
    for (const input of body.inputs) {
      const r = findRecord(ctx, type, input.id);
      if (!r) continue;
      ctx.store.archive(type, r, ctx.apiChangeSource);
      n += 1;
    }
    committed(request, n);
    if (ctx.kit.afterCommit(request, reply)) return reply;
    return reply.code(204).send();
  });
}
