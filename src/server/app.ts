/**
 * Builds the fastify server of `frontback serve`: webhook intake into the SQL inbox,
 * health, readiness and metrics, the admin API (admin-routes.ts), one error envelope.
 * With `server.operations` the operations side (/admin, /metrics) gets a listener of its
 * own (buildServers), so it can stay on a private network while webhooks face the
 * vendors. Stateless: any number of copies can run behind a load balancer against the
 * same store.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Connector } from '../connector/index.ts';
import type { Logger } from '../observability/logger.ts';
import type { Registry } from '../observability/metrics.ts';
import type { Store } from '../store/store.ts';
import { adminRoutes, type AdminOptions } from './admin-routes.ts';
import { consoleRoutes, type ConsoleOptions, type ConsolePage, type ConsoleSessions } from './console/index.ts';
import { useErrorEnvelope } from './error-envelope.ts';
import { healthRoutes, metricsRoute, operationsElsewhere } from './ops-routes.ts';
import { storeAnswers, storeWritable, type ReadinessCheck } from './readiness.ts';
import { registerStoreGauges } from './store-metrics.ts';
import { webhookRoutes } from './webhook-routes.ts';

/** How often the store's gauges are read by default, seconds (`server.storeGaugeSeconds`). */
export const DEFAULT_STORE_GAUGE_SECONDS = 15;

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
  /**
   * Webhook deliveries per second each connection may send, by connection name
   * (`connections.<name>.webhook.rateLimit`); connections not listed are not limited.
   */
  webhookRateLimits?: ReadonlyMap<string, number>;
  /** Read the store's gauges at most once per this many seconds; default 15. */
  storeGaugeSeconds?: number;
  /** Epoch ms; default Date.now. */
  clock?: () => number;
  /** The admin API (off, answering 404, without a token or without this). */
  admin?: Omit<AdminOptions, 'store' | 'metrics'>;
  /**
   * The admin console under /console, beside the admin API (it needs `admin.engine`); off,
   * answering 404, while its directory names no admin.
   */
  console?: Pick<
    ConsoleOptions,
    'directory' | 'sessionSecret' | 'queueKind' | 'queueBoard' | 'checkpoints' | 'mappingFiles' | 'jobs'
  > & {
    /** Pages beyond the overview (the console's other pages; tests may add their own). */
    readonly pages?: readonly ConsolePage[];
  };
}

/** The listeners of {@link buildServers}. */
export interface Servers {
  /** Webhooks, /healthz and /readyz; /admin and /metrics too unless `operations` exists. */
  readonly main: FastifyInstance;
  /** /admin, /metrics, /healthz and /readyz, when asked for (`server.operations`). */
  readonly operations?: FastifyInstance;
}

/** Creates the server (not listening yet: call `listen`, or `inject` in tests): every route on one listener. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  return (await buildServers(options, { separateOperations: false })).main;
}

/**
 * Creates the server's listeners (not listening yet). With `separateOperations`, /admin and
 * /metrics are served by `operations` only, and `main` answers 404 for them.
 */
export async function buildServers(options: ServerOptions, layout: { separateOperations: boolean }): Promise<Servers> {
  const clock = options.clock ?? Date.now;
  const main = newApp(options, options.bodyLimitBytes);
  const operations = layout.separateOperations ? newApp(options, options.bodyLimitBytes) : undefined;
  const ops = operations ?? main;
  gaugesOf(options);
  // A process that takes webhooks is ready when its store takes writes; Redis plays no part (intake needs none).
  const checks = [storeWritable(options.store, { clock })];
  healthRoutes(main, checks);
  await webhookRoutes(main, {
    connectors: options.connectors,
    store: options.store,
    bodyLimitBytes: options.bodyLimitBytes,
    ...(options.publicBaseUrl === undefined ? {} : { publicBaseUrl: options.publicBaseUrl.replace(/\/+$/, '') }),
    clock,
    metrics: options.metrics,
    ...(options.webhookRateLimits === undefined ? {} : { rateLimits: options.webhookRateLimits }),
  });
  if (operations) {
    healthRoutes(operations, checks);
    operationsElsewhere(main);
  }
  metricsRoute(ops, { metrics: options.metrics, metricsToken: options.metricsToken });
  // The reference page of the admin API opens for a signed-in console admin too (late-bound: the console comes after).
  let sessions: ConsoleSessions | undefined;
  await adminRoutes(ops, {
    token: undefined,
    ...options.admin,
    store: options.store,
    metrics: options.metrics,
    signedIn: async (request) =>
      (await options.admin?.signedIn?.(request)) === true || (sessions?.signedIn(request) ?? false),
  });
  if (options.console && options.admin?.engine) {
    const { pages, ...rest } = options.console;
    sessions = await consoleRoutes(
      ops,
      {
        ...rest,
        store: options.store,
        engine: options.admin.engine,
        connectors: options.connectors,
        checks,
        ...(options.clock ? { clock: options.clock } : {}),
      },
      pages,
    );
  }
  return operations ? { main, operations } : { main };
}

/**
 * The operations routes alone (`/healthz`, `/readyz`, `/metrics`), for a `frontback
 * worker` asked to listen: no webhooks, no admin API. Ready when the store answers and
 * every check of `checks` holds (the worker's queue).
 */
export function buildOpsServer(
  options: Pick<
    ServerOptions,
    'store' | 'logger' | 'metrics' | 'metricsToken' | 'trustProxy' | 'storeGaugeSeconds' | 'clock'
  > & { checks?: readonly ReadinessCheck[] },
): FastifyInstance {
  const app = newApp(options);
  gaugesOf(options);
  healthRoutes(app, [storeAnswers(options.store), ...(options.checks ?? [])]);
  metricsRoute(app, { metrics: options.metrics, metricsToken: options.metricsToken });
  return app;
}

/** A fastify instance with the server's logging, proxy trust and error envelope. */
function newApp(options: Pick<ServerOptions, 'logger' | 'trustProxy'>, bodyLimit?: number): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Requests are logged by method, route and status only (never bodies, never full URLs with tokens).
    logController: new LogController({ disableRequestLogging: true }),
    ...(bodyLimit === undefined ? {} : { bodyLimit }),
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
  return app;
}

/** Registers the store's gauges (once per registry: every listener's /metrics reads the same). */
function gaugesOf(options: Pick<ServerOptions, 'store' | 'metrics' | 'logger' | 'storeGaugeSeconds' | 'clock'>): void {
  registerStoreGauges(options.metrics, options.store, {
    everyMs: (options.storeGaugeSeconds ?? DEFAULT_STORE_GAUGE_SECONDS) * 1_000,
    clock: options.clock ?? Date.now,
    logger: options.logger,
  });
}

/** fastify's `trustProxy` for a list: the list itself (fastify compiles it with proxy-addr), or false when empty. */
function trustedProxies(list: readonly string[] | undefined): string[] | false {
  return list !== undefined && list.length > 0 ? [...list] : false;
}
