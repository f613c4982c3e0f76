/**
 * The admin API under /admin: what an IT admin (or their tooling) needs to see and to
 * decide. Every route needs `Authorization: Bearer <server.adminToken>` (compared in
 * constant time by @fastify/bearer-auth; a refusal is logged at warn with the client
 * address and counted in `frontback_admin_auth_failures_total`) and is rate limited per
 * client address (`request.ip`, from `server.trustProxy`) (@fastify/rate-limit; shared
 * through Redis when the queue runs on Redis, so N copies of `serve` share one budget, and
 * kept in this process while Redis does not answer: admin-rate-limit-store.ts). Inputs are
 * checked by fastify with each route's zod schemas (admin-route-schemas.ts), strictly: an
 * unknown field is a 400 naming it (admin-validation.ts). The same schemas make the
 * OpenAPI 3.1 document at `/admin/openapi.json`, read on the page `/admin/docs`
 * (admin-openapi.ts). Without an admin token configured, every /admin route answers 404
 * with how to turn the API on. docs/server.md lists the routes.
 */
import type { KeyObject } from 'node:crypto';
import type { CheckpointLine } from '../store/audit/checkpoint-file.ts';
import { verifyWithCheckpoints } from '../store/audit/checkpoint-verify.ts';
import { parseAuditFilter } from '../store/audit/filter.ts';
import bearerAuth from '@fastify/bearer-auth';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { ErrorCode, FrontbackError } from '../errors.ts';
import type { Side } from '../mapping/spec.ts';
import type { Store } from '../store/store.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { runPass } from '../sync/pass.ts';
import { viewOfStored } from '../sync/plan-view.ts';
import { acceptHold } from '../sync/guard.ts';
import { discardDeadLetter, replayDeadLetter } from '../sync/replay.ts';
import { resolveConflict } from '../sync/resolve.ts';
import { resolveMatch } from '../sync/matches.ts';
import type { MatchDecision } from '../store/match-repository.ts';
import type { Registry } from '../observability/metrics.ts';
import type { Logger } from '../observability/logger.ts';
import { RedisOutageLog } from '../observability/redis-outage-log.ts';
import { adminOpenApi, bearerGuard, referenceRedirects, referenceRoutes } from './admin-openapi.ts';
import type { AdminJobs } from '../sync/runner/admin-jobs.ts';
import { adminJobRoutes } from './admin-job-routes.ts';
import { fallbackRateLimitStore } from './admin-rate-limit-store.ts';
import * as S from './admin-route-schemas.ts';
import type { AdminScope } from './admin-schemas.ts';
import { useZodValidation } from './admin-validation.ts';
import { ADMIN_TOKEN_NAME } from '../config/defaults.ts';
import type { AdminDirectory } from './admins.ts';
import { bearerToken, logAuthFailure, tokenList } from './client-auth.ts';
import { envelope } from './error-envelope.ts';

/** What the admin API is built from. */
export interface AdminOptions {
  /**
   * The bearer token (`server.adminToken`), or every accepted one during a rollover
   * (`server.adminTokens`, the current one first); undefined or empty: the API is off.
   */
  readonly token: string | readonly string[] | undefined;
  /**
   * The admins by token (`server.admins` and `server.adminToken`): when given, the tokens
   * are checked against it at each request (a rotated token file takes effect while the
   * server runs) and decisions are attributed to the token's admin by name.
   */
  readonly directory?: AdminDirectory;
  readonly store: Store;
  /** Where `frontback_admin_auth_failures_total` is registered. */
  readonly metrics: Registry;
  /** Mappings with their connectors, for resolutions, replays and dry runs (needed with a token). */
  readonly engine?: SyncEngine;
  /**
   * Who runs the passes asked for by `POST /admin/mappings/:id/plan` and `/run`
   * (admin-job-routes.ts); absent: those routes answer 404.
   */
  readonly jobs?: AdminJobs;
  /** Requests per client per minute; default 300. */
  readonly requestsPerMinute?: number;
  /** Redis for a rate-limit budget shared between server copies. */
  readonly redisUrl?: string;
  /** Re-read window behind each cursor for dry runs, ms. */
  readonly overlapMs?: number;
  /**
   * Signed checkpoints `GET /admin/audit/verify` checks the log against (docs/audit.md):
   * the checkpoint lines, read afresh at each request, and the trusted public keys.
   */
  readonly checkpoints?: {
    readonly lines: () => readonly CheckpointLine[];
    readonly trusted: ReadonlyMap<string, KeyObject>;
  };
  /**
   * Whether a request comes from someone signed in to a web console: they may then read
   * `GET /admin/openapi.json` and the reference page `GET /admin/docs` without the bearer
   * token (a browser does not send one). Absent: the token only. The rest of /admin
   * always needs the token.
   */
  readonly signedIn?: (request: FastifyRequest) => boolean | Promise<boolean>;
}

/** What `GET /admin/audit/verify` (and the console's Verify) says without checkpoints. */
export const NO_CHECKPOINTS =
  'none configured: the chain is internally consistent, which does not show it was not cut, replaced or rewritten as a whole (docs/audit.md)';

/** Registers the admin routes on `app` (in their own scope). */
export async function adminRoutes(app: FastifyInstance, options: AdminOptions): Promise<void> {
  const { store } = options;
  const directory = options.directory;
  const tokens = directory ? directory.tokens() : tokenList(options.token);
  /** Who a decision is attributed to: the token's own admin by name (and what the caller said), else what it said. */
  const who = (request: FastifyRequest, said: string | undefined): string => {
    const token = bearerToken(request);
    const admin = directory && token !== undefined ? directory.byToken(token) : undefined;
    if (admin === undefined || admin.name === ADMIN_TOKEN_NAME) return said ?? 'admin-api';
    return said === undefined || said === admin.name ? admin.name : `${admin.name} (${said})`;
  };
  referenceRedirects(app, '/admin');
  if (tokens.length === 0) {
    app.all('/admin', (_request, reply) =>
      reply
        .code(404)
        .send(
          envelope(
            ErrorCode.NotFound,
            'the admin API is off: set server.adminToken (e.g. adminToken: ${FRONTBACK_ADMIN_TOKEN}) to turn it on',
          ),
        ),
    );
    app.all('/admin/*', (_request, reply) =>
      reply
        .code(404)
        .send(
          envelope(
            ErrorCode.NotFound,
            'the admin API is off: set server.adminToken (e.g. adminToken: ${FRONTBACK_ADMIN_TOKEN}) to turn it on',
          ),
        ),
    );
    return;
  }
  const engine = options.engine;
  if (engine === undefined)
    throw new FrontbackError(ErrorCode.Internal, 'the admin API needs the sync engine (mappings and connectors)');
  const redis =
    options.redisUrl === undefined
      ? undefined
      : new Redis(options.redisUrl, { connectTimeout: 500, maxRetriesPerRequest: 1, lazyConnect: false });
  // Listening at once: an `error` without a listener is printed by ioredis outside the JSON log.
  const outage = new RedisOutageLog(app.log as Logger, 'admin rate limit');
  if (redis) outage.watch(redis);
  if (redis) app.addHook('onClose', async () => void (await redis.quit().catch(() => undefined)));

  const authFailures = new Counter({
    name: 'frontback_admin_auth_failures_total',
    help: 'Admin API requests refused for a missing or wrong bearer token.',
    registers: [options.metrics],
  });

  await app.register(
    async (admin) => {
      // Every route checks its input with the zod schemas the OpenAPI document is built from.
      useZodValidation(admin);
      await adminOpenApi(admin);
      // Rate limit first, so that guessing tokens is limited too.
      await admin.register(rateLimit, {
        // Not per route (route hooks run after bearer-auth's, so refused guesses would go uncounted): one scope hook below.
        global: false,
        max: options.requestsPerMinute ?? 300,
        timeWindow: 60_000,
        // The client address fastify computes from server.trustProxy: a spoofed X-Forwarded-For from an untrusted peer is ignored.
        keyGenerator: (request) => request.ip,
        ...(redis ? { store: fallbackRateLimitStore(redis, 'frontback-admin-rl-', outage) } : {}),
        // Thrown by the plugin; the error envelope answers it as 429 (Retry-After is already set).
        errorResponseBuilder: (_request, context) =>
          new FrontbackError(
            ErrorCode.RateLimited,
            `too many admin requests: ${context.max} a minute; try again in ${context.after}`,
          ),
      });
      admin.addHook('onRequest', admin.rateLimit());
      admin.addHook('onSend', async (_request, reply, payload) => {
        if (reply.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="frontback-admin"');
        return payload;
      });
      // Our own hook, not bearer-auth's log option: the plugin drops that for pino child loggers (issue #15).
      // Only the token checks answer 401 in this scope (bearer-auth's, the reference's guard).
      admin.addHook('onResponse', async (request, reply) => {
        if (reply.statusCode !== 401) return;
        authFailures.inc();
        logAuthFailure(request, 'admin API');
      });
      // The document and the reference page: the same token, or a console's signed-in session.
      await referenceRoutes(admin, bearerGuard(tokens, options.signedIn));

      await admin.register(async (scope) => {
        await scope.register(bearerAuth, {
          // Any configured token: the current one and, during a rollover, the previous one.
          keys: new Set(tokens),
          // With the directory: its tokens as they are now (a token file replaced while the server runs).
          ...(directory ? { auth: (key: string) => directory.byToken(key) !== undefined } : {}),
          verifyErrorLogLevel: 'warn',
          // Its types say `{ error: string }`; it sends whatever is returned: our envelope.
          errorResponse: ((err: Error) =>
            envelope(
              ErrorCode.Auth,
              /missing/i.test(err.message)
                ? 'the admin API needs Authorization: Bearer <server.adminToken>'
                : 'the admin token is not valid',
            )) as unknown as (err: Error) => { error: string },
        });
        const api: AdminScope = scope.withTypeProvider<ZodTypeProvider>();
        adminJobRoutes(api, { engine, jobs: options.jobs, who });

        api.get('/mappings', { schema: S.listMappings }, async () => {
          const mappings = [];
          for (const m of engine.mappings) {
            const [last] = await store.runs.list({ mappingId: m.id, limit: 1 });
            const hold = await store.holds.get(m.id);
            mappings.push({
              id: m.id,
              version: m.version,
              sides: m.sides,
              conflicts: m.conflicts,
              deletes: m.deletes,
              schedule: m.schedule,
              lastRun: last ?? null,
              held: hold && hold.acceptedAt === null && hold.mappingVersion === m.version ? hold : null,
            });
          }
          return { mappings };
        });

        api.post('/mappings/:id/dry-run', { schema: S.dryRun }, async (request) => {
          const { id } = request.params;
          const { from } = request.body;
          const ctx = engine.context(id);
          const sides: Side[] = from === 'both' ? ['crm', 'erp'] : [from];
          const passes = [];
          for (const side of sides) {
            // The plans are stored page by page (bounded memory whatever the size); the answer says where to page through them.
            const report = await runPass(ctx, side, {
              apply: false,
              actor: 'admin',
              ...(options.overlapMs === undefined ? {} : { overlapMs: options.overlapMs }),
            });
            const { sync, create, archive, skip } = report.counts;
            passes.push({
              from: side,
              runId: report.runId,
              read: report.read,
              counts: { sync, create, archive, delete: report.counts.delete, skip },
              identity: report.counts.identity,
              // A real pass would stop at the mapping's create guard.
              guarded: report.guarded,
              plans: `/admin/runs/${report.runId}/plans`,
            });
          }
          return { mapping: id, dryRun: true, passes };
        });

        api.get('/runs', { schema: S.listRuns }, async (request) => {
          const q = request.query;
          return { runs: await store.runs.list({ ...(q.mapping ? { mappingId: q.mapping } : {}), limit: q.limit }) };
        });

        api.get('/runs/:id', { schema: S.getRun }, async (request) => {
          const { id } = request.params;
          const run = await store.runs.get(id);
          if (run === undefined) throw new FrontbackError(ErrorCode.NotFound, `no run ${id}`, { details: { run: id } });
          return { run, plans: await store.plans.counts(id) };
        });

        api.get('/runs/:id/plans', { schema: S.listPlans }, async (request) => {
          const { id } = request.params;
          const q = request.query;
          if ((await store.runs.get(id)) === undefined)
            throw new FrontbackError(ErrorCode.NotFound, `no run ${id}`, { details: { run: id } });
          const rows = await store.plans.list(id, {
            afterSeq: q.after ?? 0,
            limit: q.limit,
            ...(q.action ? { action: q.action } : {}),
          });
          const last = rows.at(-1);
          return {
            run: id,
            plans: rows.map((row) => ({ seq: row.seq, ...viewOfStored(row) })),
            ...(rows.length === q.limit && last
              ? {
                  next: `/admin/runs/${id}/plans?after=${last.seq}&limit=${q.limit}${q.action ? `&action=${q.action}` : ''}`,
                }
              : {}),
          };
        });

        api.get('/conflicts', { schema: S.listConflicts }, async (request) => {
          const q = request.query;
          return {
            conflicts: await store.conflicts.list({
              status: q.status ?? 'open',
              ...(q.mapping ? { mappingId: q.mapping } : {}),
              limit: q.limit,
            }),
          };
        });
        api.get('/conflicts/:id', { schema: S.getConflict }, async (request) => {
          const { id } = request.params;
          const conflict = await store.conflicts.get(id);
          if (!conflict) throw new FrontbackError(ErrorCode.NotFound, `no conflict ${id}`);
          return { conflict };
        });
        api.post('/conflicts/:id/resolve', { schema: S.resolveConflict }, async (request) => {
          const { id } = request.params;
          const body = request.body;
          const conflict = await store.conflicts.get(id);
          if (!conflict) throw new FrontbackError(ErrorCode.NotFound, `no conflict ${id}`);
          const outcome = await resolveConflict(
            engine.context(conflict.mappingId),
            id,
            body.take,
            who(request, body.by),
          );
          return { conflict: outcome.conflict, runId: outcome.runId, written: outcome.applied.plan.patch };
        });

        api.get('/matches', { schema: S.listMatches }, async (request) => {
          const q = request.query;
          const matches = await store.matches.list({
            ...(q.mapping ? { mappingId: q.mapping } : {}),
            ...(q.kind ? { kind: q.kind } : {}),
            ...(q.status ? { status: q.status } : { status: 'open' as const }),
            ...(q.after ? { afterId: q.after } : {}),
            limit: q.limit,
          });
          return { matches };
        });

        api.post('/matches/:id/resolve', { schema: S.resolveMatch }, async (request) => {
          const { id } = request.params;
          const body = request.body;
          const match = await store.matches.get(id);
          if (!match) throw new FrontbackError(ErrorCode.NotFound, `no match ${id}`);
          const decision: MatchDecision =
            body.choice === 'link' ? { choice: 'link', partnerId: body.partnerId ?? '' } : { choice: body.choice };
          const outcome = await resolveMatch(engine.context(match.mappingId), id, decision, who(request, body.by));
          return {
            match: outcome.match,
            ...(outcome.runId ? { runId: outcome.runId } : {}),
            ...(outcome.applied
              ? { status: outcome.applied.status, partnerId: outcome.applied.partnerId ?? null }
              : {}),
          };
        });

        api.post('/mappings/:id/accept', { schema: S.acceptHold }, async (request) => {
          const { id } = request.params;
          const by = who(request, request.body.by);
          engine.context(id);
          return { hold: await acceptHold(store, id, by) };
        });

        api.get('/dead-letters', { schema: S.listDeadLetters }, async (request) => {
          const q = request.query;
          const filter = { ...(q.mapping ? { mappingId: q.mapping } : {}), ...(q.side ? { side: q.side } : {}) };
          return {
            deadLetters: await store.deadLetters.list({ status: q.status ?? 'open', ...filter, limit: q.limit }),
          };
        });
        api.get('/dead-letters/:id', { schema: S.getDeadLetter }, async (request) => {
          const { id } = request.params;
          const deadLetter = await store.deadLetters.get(id);
          if (!deadLetter) throw new FrontbackError(ErrorCode.NotFound, `no dead letter ${id}`);
          return { deadLetter };
        });
        api.post('/dead-letters/:id/replay', { schema: S.replayDeadLetter }, async (request) => {
          const { id } = request.params;
          const body = request.body;
          const deadLetter = await store.deadLetters.get(id);
          if (!deadLetter) throw new FrontbackError(ErrorCode.NotFound, `no dead letter ${id}`);
          const outcome = await replayDeadLetter(engine.context(deadLetter.mappingId), id, who(request, body.by));
          return {
            deadLetter: outcome.deadLetter,
            runId: outcome.runId,
            status: outcome.applied.status,
            ...(outcome.applied.message ? { message: outcome.applied.message } : {}),
            reason: outcome.applied.plan.reason,
          };
        });
        api.post('/dead-letters/:id/discard', { schema: S.discardDeadLetter }, async (request) => {
          const { id } = request.params;
          const body = request.body;
          return { deadLetter: await discardDeadLetter(store, id, who(request, body.by), body.reason) };
        });

        api.get('/inbox', { schema: S.listInbox }, async (request) => {
          const q = request.query;
          return {
            deliveries: await store.inbox.listOpen({
              statuses: q.status ? [q.status] : ['pending', 'processing', 'failed'],
              limit: q.limit,
            }),
          };
        });
        api.post('/inbox/:id/retry', { schema: S.retryDelivery }, async (request) => {
          const { id } = request.params;
          const row = await store.inbox.get(id);
          if (!row) throw new FrontbackError(ErrorCode.NotFound, `no delivery ${id}`);
          await store.inbox.release(id);
          return { delivery: await store.inbox.get(id), was: row.status };
        });

        api.get('/problems', { schema: S.listProblems }, async (request) => {
          const q = request.query;
          const problems = await store.problems.list({
            ...(q.mapping ? { mappingId: q.mapping } : {}),
            ...(q.field ? { field: q.field } : {}),
            ...(q.after ? { afterId: q.after } : {}),
            limit: q.limit,
          });
          const counts = (await store.problems.counts(q.mapping)).filter((c) => !q.field || c.field === q.field);
          return { problems, counts };
        });

        api.get('/audit', { schema: S.listAudit }, async (request) => {
          const q = request.query;
          const filter = parseAuditFilter(q, {
            action: 'query.action',
            mapping: 'query.mapping',
            record: 'query.record',
          });
          return {
            entries:
              q.after === undefined
                ? await store.audit.tail(q.limit, filter)
                : await store.audit.after(q.after, q.limit, filter),
          };
        });
        api.get('/audit/verify', { schema: S.verifyAudit }, async () => {
          const checkpoints = options.checkpoints;
          if (checkpoints === undefined) return { ...(await store.audit.verify()), checkpoints: NO_CHECKPOINTS };
          return verifyWithCheckpoints(store.audit, checkpoints.lines(), checkpoints.trusted);
        });
      });
    },
    { prefix: '/admin' },
  );
}
