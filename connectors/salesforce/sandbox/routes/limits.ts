/**
 * `GET /services/data/vXX.X/limits`: the org's limits, `{Name: {Max, Remaining}}` (REST API
 * Developer Guide, "Limits"). The call itself counts against the daily allowance like any
 * REST call (only the Versions URI is documented as free), so Remaining already includes it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiLimits } from '../limits/api-limits.ts';
import { apiVersion } from './context.ts';

/** Registers the Limits resource (with and without the trailing slash). */
export function registerLimitsRoute(app: FastifyInstance, limits: ApiLimits): void {
  const handler = async (request: FastifyRequest<{ Params: { v: string } }>): Promise<unknown> => {
    apiVersion(request.params.v);
    return limits.document();
  };
  app.get('/services/data/:v/limits', handler);
  app.get('/services/data/:v/limits/', handler);
}
