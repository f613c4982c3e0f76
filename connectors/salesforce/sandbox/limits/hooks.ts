/**
 * Request hooks of the API limits. Registered before the sandbox kit, so a request's
 * in-flight time starts before the kit's latency fault holds it (fastify runs onRequest
 * hooks in registration order). Every REST call under `/services/data/vXX.X/` counts
 * against the daily allowance and is answered with `Sforce-Limit-Info` (REST API Developer
 * Guide, "Limit Info Header": every REST response except the Versions URI). The `/_sandbox/`
 * control API and the OAuth endpoints under `/services/oauth2/` are not API calls.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendSalesforceError } from '../errors.ts';
import type { ApiLimits } from './api-limits.ts';

/** Response header carrying the daily usage. */
export const LIMIT_INFO_HEADER = 'Sforce-Limit-Info';

/** Versioned REST resources (`/services/data/v62.0/...`); the Versions URI itself is free. */
const COUNTED = /^\/services\/data\/v[^/?]+(?:[/?]|$)/;

/** True when a request URL counts against the API limits. */
export function isCountedPath(url: string): boolean {
  return COUNTED.test(url);
}

/** Adds the counting, refusing and header hooks. */
export function registerApiLimitHooks(app: FastifyInstance, limits: ApiLimits): void {
  // Counted requests → the minute bucket of their call (undefined when refused).
  const counted = new WeakMap<FastifyRequest, { minute: number | undefined }>();

  app.addHook('onRequest', async (request, reply) => {
    if (!isCountedPath(request.url)) return;
    const decision = limits.admit(request);
    if ('refused' in decision) {
      counted.set(request, { minute: undefined });
      return sendSalesforceError(reply, decision.refused);
    }
    counted.set(request, { minute: decision.minute });
    // 'close' fires once the answer is out or the connection is gone (a dropped response,
    // a client hanging up): the request can never stay "in flight" forever.
    reply.raw.once('close', () => limits.finish(request));
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const ticket = counted.get(request);
    if (!ticket) return payload;
    // A request without a valid session is not the org's call (no org to charge).
    if (reply.statusCode === 401 && ticket.minute !== undefined) {
      limits.refund(ticket.minute);
      ticket.minute = undefined;
    }
    reply.header(LIMIT_INFO_HEADER, limits.header());
    return payload;
  });

  app.addHook('onResponse', async (request) => limits.finish(request));
  app.addHook('onRequestAbort', async (request) => limits.finish(request));
}
