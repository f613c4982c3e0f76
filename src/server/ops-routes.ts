/**
 * Operations routes: `GET /healthz` (the process answers), `GET /readyz` (and its store
 * answers: 503 otherwise, so a load balancer stops sending webhooks that could not be
 * kept) and `GET /metrics` (Prometheus text, with the store's gauges: store-metrics.ts).
 */
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../errors.ts';
import type { Registry } from '../observability/metrics.ts';
import type { Store } from '../store/store.ts';
import { envelope } from './error-envelope.ts';
import { registerStoreGauges } from './store-metrics.ts';

/** Registers the operations routes. */
export function opsRoutes(app: FastifyInstance, options: { store: Store; metrics: Registry }): void {
  registerStoreGauges(options.metrics, options.store);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const up = await options.store.ping().catch(() => false);
    return up
      ? { status: 'ready', store: options.store.kind }
      : reply.code(503).send(envelope(ErrorCode.Store, 'the store does not answer'));
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(options.metrics.contentType).send(await options.metrics.metrics()),
  );
}
