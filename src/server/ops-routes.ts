/**
 * Operations routes: `GET /healthz` (the process answers), `GET /readyz` (and its store
 * answers: 503 otherwise, so a load balancer stops sending webhooks that could not be
 * kept) and `GET /metrics` (Prometheus text, with the store's gauges: store-metrics.ts),
 * behind its own bearer token when `server.metricsToken` is set.
 */
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../errors.ts';
import type { Registry } from '../observability/metrics.ts';
import type { Store } from '../store/store.ts';
import { hasBearerToken, logAuthFailure, tokenList } from './client-auth.ts';
import { envelope } from './error-envelope.ts';
import { registerStoreGauges } from './store-metrics.ts';

/** What the operations routes are built from. */
export interface OpsOptions {
  readonly store: Store;
  readonly metrics: Registry;
  /**
   * Bearer token `GET /metrics` needs (`server.metricsToken`), or every accepted one during
   * a rollover (`server.metricsTokens`); undefined or empty: /metrics is open.
   */
  readonly metricsToken?: string | readonly string[] | undefined;
}

/** Registers the operations routes. */
export function opsRoutes(app: FastifyInstance, options: OpsOptions): void {
  const metricsTokens = tokenList(options.metricsToken);
  registerStoreGauges(options.metrics, options.store);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const up = await options.store.ping().catch(() => false);
    return up
      ? { status: 'ready', store: options.store.kind }
      : reply.code(503).send(envelope(ErrorCode.Store, 'the store does not answer'));
  });
  app.get('/metrics', async (request, reply) => {
    // Checked before the store is asked for its gauges: an unauthenticated scrape costs nothing.
    if (metricsTokens.length > 0 && !hasBearerToken(request, metricsTokens)) {
      logAuthFailure(request, 'metrics');
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="frontback-metrics"')
        .send(envelope(ErrorCode.Auth, '/metrics needs Authorization: Bearer <server.metricsToken>'));
    }
    return reply.type(options.metrics.contentType).send(await options.metrics.metrics());
  });
}
