/**
 * Operations routes: `GET /healthz` (the process answers), `GET /readyz` (its role's
 * checks hold, readiness.ts: 503 otherwise, naming what failed, so a load balancer stops
 * sending webhooks that could not be kept) and `GET /metrics` (Prometheus text, with the
 * store's gauges: store-metrics.ts), behind its own bearer token when
 * `server.metricsToken` is set. With `server.operations` set, /metrics is served on that
 * listener only (app.ts) and the main listener answers 404 for it.
 */
import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../errors.ts';
import type { Registry } from '../observability/metrics.ts';
import { hasBearerToken, logAuthFailure, tokenList } from './client-auth.ts';
import { envelope } from './error-envelope.ts';
import { readiness, type ReadinessCheck } from './readiness.ts';

/** What `/metrics` is served from. */
export interface MetricsRouteOptions {
  readonly metrics: Registry;
  /**
   * Bearer token `GET /metrics` needs (`server.metricsToken`), or every accepted one during
   * a rollover (`server.metricsTokens`); undefined or empty: /metrics is open.
   */
  readonly metricsToken?: string | readonly string[] | undefined;
}

/** Registers `/healthz` and `/readyz` (answering from `checks`). */
export function healthRoutes(app: FastifyInstance, checks: readonly ReadinessCheck[]): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  // Logged when it changes, not at every probe of the load balancer.
  let lastProblems = '';
  app.get('/readyz', async (request, reply) => {
    const answer = await readiness(checks);
    const problems = answer.problems.join('; ');
    if (problems !== lastProblems) {
      if (answer.ready) request.log.info('ready again');
      else request.log.warn({ problems: answer.problems }, 'not ready');
      lastProblems = problems;
    }
    if (answer.ready) return { status: 'ready', ...answer.checks };
    const code = answer.problems.some((p) => p.startsWith('store:')) ? ErrorCode.Store : ErrorCode.Internal;
    return reply.code(503).send(envelope(code, `not ready: ${problems}`, { checks: answer.checks }));
  });
}

/** Registers `/metrics`. */
export function metricsRoute(app: FastifyInstance, options: MetricsRouteOptions): void {
  const metricsTokens = tokenList(options.metricsToken);
  app.get('/metrics', async (request, reply) => {
    // Checked before the gauges are collected: an unauthenticated scrape costs nothing.
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

/**
 * On the main listener when the operations side has its own (`server.operations`): /admin
 * and /metrics answer 404 here.
 */
export function operationsElsewhere(app: FastifyInstance): void {
  const notHere = envelope(ErrorCode.NotFound, 'not served on this listener (see server.operations)');
  for (const url of ['/metrics', '/admin', '/admin/*'])
    app.all(url, (_request, reply) => reply.code(404).send(notHere));
}
