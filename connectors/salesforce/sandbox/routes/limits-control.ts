/**
 * Control routes of the API limits: `GET /_sandbox/api-usage` shows usage and settings;
 * `PUT /_sandbox/api-usage` changes them (`used` jumps the rolling count, e.g. to "almost
 * spent"). Bad input gets the house envelope `{error: {code, message, details}}`.
 */
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../../../../src/errors.ts';
import { apiLimitsPatchSchema, type ApiLimits } from '../limits/api-limits.ts';

/** Registers `GET` and `PUT /_sandbox/api-usage`. */
export function registerLimitsControlRoutes(app: FastifyInstance, limits: ApiLimits): void {
  app.get('/_sandbox/api-usage', async () => limits.state());

  app.put('/_sandbox/api-usage', async (request, reply) => {
    const parsed = apiLimitsPatchSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      return reply.code(400).send({
        error: { code: ErrorCode.Validation, message: 'invalid api-usage', details: { issues: parsed.error.issues } },
      });
    }
    return limits.patch(parsed.data);
  });
}
