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
  /** The server's public base URL (what vendors call), when behind a proxy. It trusts no proxy: see `trustProxy`. */
  publicBaseUrl?: string;
  /**
   * Proxies (addresses or CIDRs) whose `X-Forwarded-For`/`-Proto`/`-Host` are believed;
   * `request.ip` is then the nearest address not in the list. Absent or empty: none.
   */
  trustProxy?: readonly string[];
  /** Bearer token `GET /metrics` needs, or every accepted one during a rollover; absent or empty: /metrics is open. */
  metricsToken?: string | readonly string[];
  /** Epoch ms; default Date.now. */
  clock?: () => number;
  /** The admin API (off, answering 404, without a token or without this). */
  admin?: Omit<AdminOptions, 'store' | 'metrics'>;
}

/** Creates the server (not listening yet: call `listen`, or `inject` in tests). */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Requests are logged by method, route and status only (never bodies, never full URLs with tokens).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    // Only the listed peers: `true` would believe any client's X-Forwarded-For (and defeat the admin rate limit).
    trustProxy: trustedProxies(options.trustProxy),
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
  opsRoutes(app, { store: options.store, metrics: options.metrics, metricsToken: options.metricsToken });
  await webhookRoutes(app, {
    connectors: options.connectors,
    store: options.store,
    bodyLimitBytes: options.bodyLimitBytes,
    ...(options.publicBaseUrl === undefined ? {} : { publicBaseUrl: options.publicBaseUrl.replace(/\/+$/, '') }),
    clock: options.clock ?? Date.now,
    metrics: options.metrics,
  });
  await adminRoutes(app, { token: undefined, ...options.admin, store: options.store, metrics: options.metrics });
  return app;
}

/**
 * The operations routes alone (`/healthz`, `/readyz`, `/metrics`), for a `frontback
 * worker` asked to listen: no webhooks, no admin API.
 */
export function buildOpsServer(
  options: Pick<ServerOptions, 'store' | 'logger' | 'metrics' | 'metricsToken' | 'trustProxy'>,
): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: trustedProxies(options.trustProxy),
  });
  useErrorEnvelope(app);
  opsRoutes(app, { store: options.store, metrics: options.metrics, metricsToken: options.metricsToken });
  return app;
}

/** fastify's `trustProxy` for a list: the list itself (fastify compiles it with proxy-addr), or false when empty. */
function trustedProxies(list: readonly string[] | undefined): string[] | false {
  return list !== undefined && list.length > 0 ? [...list] : false;
}
