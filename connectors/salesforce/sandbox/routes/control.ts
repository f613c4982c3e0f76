/**
 * The Salesforce sandbox's own control routes, beside the kit's (`/_sandbox/stats`,
 * `reset`, `faults`, `clock`): edits as a person in the UI would make them (so pollers
 * and push see changes frontback did not make), merges, the duplicate rule, and the
 * push deliveries. No auth, outside Salesforce's paths.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { mergeRecords } from '../merge.ts';
import type { WriteContext } from '../store.ts';
import type { SalesforceRouteContext } from './context.ts';

const mergeSchema = z
  .object({
    type: z.string(),
    masterId: z.string(),
    mergeIds: z.array(z.string()).min(1).max(2),
    fields: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
const valuesSchema = z.record(z.string(), z.unknown());

/** Registers the control routes; `flushPush` delivers due push messages now. */
export function registerSalesforceControlRoutes(
  app: FastifyInstance,
  ctx: SalesforceRouteContext,
  extra: { adminUserId(): string; flushPush(): Promise<unknown> },
): void {
  const { store } = ctx;
  const ui = (): WriteContext => ({ origin: 'control', userId: extra.adminUserId() });
  const bad = (issues: unknown) => ({
    error: { code: 'VALIDATION', message: 'invalid control request', details: { issues } },
  });

  app.post<{ Params: { type: string } }>('/_sandbox/records/:type', async (request, reply) => {
    const values = valuesSchema.safeParse(request.body ?? {});
    if (!values.success) return reply.code(400).send(bad(values.error.issues));
    const row = store.create(request.params.type, values.data, ui());
    return reply.code(201).send({ id: row['Id'] });
  });

  app.patch<{ Params: { type: string; id: string } }>('/_sandbox/records/:type/:id', async (request, reply) => {
    const values = valuesSchema.safeParse(request.body ?? {});
    if (!values.success) return reply.code(400).send(bad(values.error.issues));
    store.update(request.params.type, request.params.id, values.data, ui());
    return reply.code(204).send();
  });

  app.delete<{ Params: { type: string; id: string } }>('/_sandbox/records/:type/:id', async (request, reply) => {
    store.delete(request.params.type, request.params.id, ui());
    return reply.code(204).send();
  });

  app.post('/_sandbox/merge', async (request, reply) => {
    const parsed = mergeSchema.safeParse(request.body ?? {});
    if (!parsed.success) return reply.code(400).send(bad(parsed.error.issues));
    const { type, masterId, mergeIds, fields } = parsed.data;
    return mergeRecords(store, type, masterId, mergeIds, fields ?? {}, ui());
  });

  app.put('/_sandbox/duplicate-rule', async (request, reply) => {
    const parsed = z
      .object({ active: z.boolean() })
      .strict()
      .safeParse(request.body ?? {});
    if (!parsed.success) return reply.code(400).send(bad(parsed.error.issues));
    store.duplicateRuleOnContactEmail = parsed.data.active;
    return { active: store.duplicateRuleOnContactEmail };
  });

  app.post('/_sandbox/push/flush', async () => extra.flushPush());
}
