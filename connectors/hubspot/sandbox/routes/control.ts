/**
 * HubSpot-specific control routes under `/_sandbox/` (outside the vendor's paths; no
 * auth): rate limits and the search index lag while running, webhook flush, simulated UI edits and restores
 * (changeSource CRM_UI), and fast bulk inserts for large test data.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ErrorCode } from '../../../../src/errors.ts';
import { parseBody, propertiesSchema, type SandboxContext } from '../context.ts';
import { hubspotErrors } from '../errors.ts';
import { normaliseProperties } from '../property-values.ts';
import { rateLimitPatchSchema, type RateLimiter } from '../rate-limit.ts';
import { toPublic } from '../record-view.ts';

const uiEditSchema = z.object({ properties: propertiesSchema, changeSource: z.string().optional() }).strict();
const bulkSchema = z
  .object({
    records: z.array(z.record(z.string(), z.string())).max(100_000),
    createdAt: z.number().int().optional(),
    modifiedAt: z.number().int().optional(),
  })
  .strict();

/** Registers the HubSpot control routes. */
export function registerControlRoutes(
  app: FastifyInstance,
  ctx: SandboxContext,
  limiter: RateLimiter,
  flush: () => Promise<Record<string, number>>,
): void {
  app.get('/_sandbox/limits', async () => ({ ...limiter.settings }));

  app.put('/_sandbox/limits', async (request, reply) => {
    const parsed = rateLimitPatchSchema.safeParse(request.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({
        error: { code: ErrorCode.Validation, message: 'invalid limits', details: { issues: parsed.error.issues } },
      });
    Object.assign(limiter.settings, parsed.data);
    return { ...limiter.settings };
  });

  app.post('/_sandbox/webhooks/flush', async () => flush());

  // How far search lags writes, in ms (0: exact); see search-index.ts.
  app.put('/_sandbox/search-lag', async (request) => {
    const body = parseBody(z.object({ maxMs: z.number().int().min(0).max(3_600_000) }).strict(), request.body);
    ctx.store.searchIndex.setLag(body.maxMs);
    return { maxMs: body.maxMs };
  });

  app.patch<{ Params: { objectType: string; objectId: string } }>(
    '/_sandbox/objects/:objectType/:objectId',
    async (request) => {
      const type = ctx.store.requireType(request.params.objectType);
      const body = parseBody(uiEditSchema, request.body);
      const record = ctx.store.findByUnique(type, 'hs_object_id', request.params.objectId);
      if (!record) throw hubspotErrors.notFound();
      const props = normaliseProperties(type, body.properties);
      ctx.store.checkUnique(type, props, record.id);
      ctx.store.update(type, record, props, body.changeSource ?? 'CRM_UI');
      return toPublic(record, Object.keys(record.properties));
    },
  );

  app.post<{ Params: { objectType: string; objectId: string } }>(
    '/_sandbox/objects/:objectType/:objectId/restore',
    async (request) => {
      const type = ctx.store.requireType(request.params.objectType);
      const record = ctx.store.get(type, request.params.objectId);
      if (!record) throw hubspotErrors.notFound();
      ctx.store.restore(type, record, 'CRM_UI');
      return toPublic(record, Object.keys(record.properties));
    },
  );

  app.post<{ Params: { objectType: string } }>('/_sandbox/objects/:objectType/bulk', async (request) => {
    const type = ctx.store.requireType(request.params.objectType);
    const body = parseBody(bulkSchema, request.body);
    const records = ctx.store.bulkInsert(type, body.records, {
      ...(body.createdAt === undefined ? {} : { createdAt: body.createdAt }),
      ...(body.modifiedAt === undefined ? {} : { modifiedAt: body.modifiedAt }),
    });
    return { inserted: records.length, firstId: records[0]?.id ?? null, lastId: records.at(-1)?.id ?? null };
  });
}
