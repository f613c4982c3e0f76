/**
 * The sandbox org's API limits: a daily allowance over a rolling 24 hours with the
 * `Sforce-Limit-Info` header, the cap on concurrent long-running requests, the
 * `/services/data/vXX.X/limits` resource and `/_sandbox/api-usage`. See
 * docs/salesforce-sandbox/limits.md.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiLimits } from './limits/api-limits.ts';
import { registerApiLimitHooks } from './limits/hooks.ts';
import { registerLimitsRoute } from './routes/limits.ts';
import { registerLimitsControlRoutes } from './routes/limits-control.ts';

export {
  ApiLimits,
  apiLimitsPatchSchema,
  concurrentLimitExceeded,
  dailyLimitExceeded,
  defaultApiLimits,
  type ApiLimitsOptions,
  type ApiLimitsPatch,
  type ApiLimitsState,
} from './limits/api-limits.ts';
export { isCountedPath, LIMIT_INFO_HEADER } from './limits/hooks.ts';

/**
 * Adds the limits' hooks and routes. Call it BEFORE registerSandboxKit: the in-flight
 * timing must start before the kit's latency fault delays the request.
 */
export function registerApiLimits(app: FastifyInstance, limits: ApiLimits): void {
  registerApiLimitHooks(app, limits);
  registerLimitsRoute(app, limits);
  registerLimitsControlRoutes(app, limits);
}
