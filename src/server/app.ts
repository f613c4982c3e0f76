/**
 * Builds the fastify server of `frontback serve`: webhook intake into the SQL inbox,
 * health, readiness and metrics, the admin API (admin-routes.ts), one error envelope.
 * Stateless: any number of copies can run behind a load balancer against the same store.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Connector } from '../connector/index.ts';
import type { Logger } from '../observability/logger.ts';
import type { Registry } from '../observability/metrics.ts';
import type { Store } from '../store/store.ts';
import { adminRoutes, type AdminOptions } from './admin-routes.ts';
import { useErrorEnvelope } from './error-envelope.ts';
import { opsRoutes } from './ops-routes.ts';
import { webhookRoutes } from './webhook-routes.ts';

/** What the server is built from. */
export interface ServerOptions {
  connectors: ReadonlyMap<string, Connector>;
  store: Store;
  logger: Logger;
  metrics: Registry;
  /** Largest webhook body, bytes. */
  bodyLimitBytes: number;
  /** The server's public base URL (what vendors call), when behind a proxy. */
  publicBaseUrl?: string;
  /** Epoch ms; default Date.now. */
  clock?: () => number;
  /** The admin API (off, answering 404, without a token or without this). */
  admin?: Omit<AdminOptions, 'store'>;
}

/** Creates the server (not listening yet: call `listen`, or `inject` in tests). */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Requests are logged by method, route and status only (never bodies, never full URLs with tokens).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    trustProxy: options.publicBaseUrl !== undefined,
  });
  useErrorEnvelope(app);
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unknown',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
  opsRoutes(app, { store: options.store, metrics: options.metrics });
  await webhookRoutes(app, {
    connectors: options.connectors,
    store: options.store,
    bodyLimitBytes: options.bodyLimitBytes,
    ...(options.publicBaseUrl === undefined ? {} : { publicBaseUrl: options.publicBaseUrl.replace(/\/+$/, '') }),
    clock: options.clock ?? Date.now,
    metrics: options.metrics,
  });
  await adminRoutes(app, { token: undefined, ...options.admin, store: options.store });
  return app;
}

/**
 * The operations routes alone (`/healthz`, `/readyz`, `/metrics`), for a `frontback
 * worker` asked to listen: no webhooks, no admin API.
 */
export function buildOpsServer(options: Pick<ServerOptions, 'store' | 'logger' | 'metrics'>): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  useErrorEnvelope(app);
  opsRoutes(app, { store: options.store, metrics: options.metrics });
  return app;
}
