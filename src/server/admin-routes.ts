/**
 * The admin API under /admin: what an IT admin (or their tooling) needs to see and to
 * decide. Every route needs `Authorization: Bearer <server.adminToken>` (compared in
 * constant time by @fastify/bearer-auth; a refusal is logged at warn with the client
 * address and counted in `frontback_admin_auth_failures_total`) and is rate limited per
 * client address (`request.ip`, from `server.trustProxy`) (@fastify/rate-limit; shared
 * through Redis when the queue runs on Redis, so N copies of `serve` share one budget, and
 * kept in this process while Redis does not answer: admin-rate-limit-store.ts). Inputs are checked by zod, strictly: an unknown field is a
 * 400 naming it. Without an admin token configured, every /admin route answers 404 with
 * how to turn the API on. docs/server.md lists the routes.
 */
import type { KeyObject } from 'node:crypto';
import type { CheckpointLine } from '../store/audit/checkpoint-file.ts';
import { verifyWithCheckpoints } from '../store/audit/checkpoint-verify.ts';
import { parseAuditFilter } from '../store/audit/filter.ts';
import bearerAuth from '@fastify/bearer-auth';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { z } from 'zod';
import { ErrorCode, FrontbackError } from '../errors.ts';
import type { Side } from '../mapping/spec.ts';
import type { Store } from '../store/store.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { runPass } from '../sync/pass.ts';
import { viewOfStored } from '../sync/plan-view.ts';
import { discardDeadLetter, replayDeadLetter } from '../sync/replay.ts';
import { resolveConflict } from '../sync/resolve.ts';
import { resolveMatch } from '../sync/matches.ts';
import type { MatchDecision } from '../store/match-repository.ts';
import type { Registry } from '../observability/metrics.ts';
import type { Logger } from '../observability/logger.ts';
import { RedisOutageLog } from '../observability/redis-outage-log.ts';
import type { AdminJobs } from '../sync/runner/admin-jobs.ts';
import { adminJobRoutes } from './admin-job-routes.ts';
import { fallbackRateLimitStore } from './admin-rate-limit-store.ts';
import { logAuthFailure, tokenList } from './client-auth.ts';
import { envelope } from './error-envelope.ts';

/** What the admin API is built from. */
export interface AdminOptions {
  /**
   * The bearer token (`server.adminToken`), or every accepted one during a rollover
   * (`server.adminTokens`, the current one first); undefined or empty: the API is off.
   */
  readonly token: string | readonly string[] | undefined;
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
}

/** What `GET /admin/audit/verify` says without checkpoints. */
const NO_CHECKPOINTS =
  'none configured: the chain is internally consistent, which does not show it was not cut, replaced or rewritten as a whole (docs/audit.md)';

const limit = z.coerce.number().int().min(1).max(1000).default(100);
const mappingQuery = z.strictObject({ mapping: z.string().min(1).optional(), limit });
const conflictQuery = mappingQuery.extend({ status: z.enum(['open', 'resolved']).optional() });
const deadLetterQuery = mappingQuery.extend({
  status: z.enum(['open', 'replayed', 'discarded']).optional(),
  side: z.enum(['crm', 'erp']).optional(),
});
const idParams = z.strictObject({ id: z.string().min(1).max(200) });
const by = z.string().trim().min(1).max(200).default('admin-api');
const resolveBody = z.strictObject({ take: z.enum(['crm', 'erp']), by });
const replayBody = z.strictObject({ by }).default({ by: 'admin-api' });
const discardBody = z.strictObject({ reason: z.string().trim().min(1).max(2000), by });
const dryRunBody = z.strictObject({ from: z.enum(['crm', 'erp', 'both']).default('both') }).default({ from: 'both' });
const inboxQuery = z.strictObject({ status: z.enum(['pending', 'processing', 'failed']).optional(), limit });
const plansQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  limit,
  action: z.enum(['sync', 'create', 'archive', 'delete', 'skip']).optional(),
});
const matchQuery = z.strictObject({
  mapping: z.string().min(1).optional(),
  kind: z.enum(['ambiguous', 'waiting']).optional(),
  status: z.enum(['open', 'resolved', 'closed']).optional(),
  after: z.string().min(1).max(200).optional(),
  limit,
});
const matchResolveBody = z
  .strictObject({
    choice: z.enum(['link', 'create', 'never']),
    partnerId: z.string().trim().min(1).max(200).optional(),
    by,
  })
  .refine((b) => (b.choice === 'link') === (b.partnerId !== undefined), {
    message: 'partnerId is needed with choice "link", and only then',
    path: ['partnerId'],
  });
const problemQuery = z.strictObject({
  mapping: z.string().min(1).max(200).optional(),
  field: z.string().min(1).max(200).optional(),
  after: z.string().min(1).max(200).optional(),
  limit,
});
const auditQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  limit,
  action: z.string().max(500).optional(),
  mapping: z.string().max(200).optional(),
  record: z.string().max(300).optional(),
});

/** Parses `value` with `schema`, or throws a 400 that names each bad field of `where`. */
function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value ?? undefined);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (i) => `${where}${i.path.length > 0 ? `.${i.path.join('.')}` : ''}: ${i.message}`,
  );
  throw new FrontbackError(ErrorCode.Validation, problems.join('; '), { details: { problems } });
}

/** Registers the admin routes on `app` (in their own scope). */
export async function adminRoutes(app: FastifyInstance, options: AdminOptions): Promise<void> {
  const { store } = options;
  const tokens = tokenList(options.token);
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
      await admin.register(bearerAuth, {
        // Any configured token: the current one and, during a rollover, the previous one.
        keys: new Set(tokens),
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
      admin.addHook('onSend', async (_request, reply, payload) => {
        if (reply.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="frontback-admin"');
        return payload;
      });
      // Our own hook, not bearer-auth's log option: the plugin drops that for pino child loggers (issue #15).
      // Only bearer-auth answers 401 in this scope.
      admin.addHook('onResponse', async (request, reply) => {
        if (reply.statusCode !== 401) return;
        authFailures.inc();
        logAuthFailure(request, 'admin API');
      });

      admin.get('/mappings', async () => {
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

      admin.post('/mappings/:id/dry-run', async (request) => {
        const { id } = parse(idParams, request.params, 'path');
        const { from } = parse(dryRunBody, request.body, 'body');
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

      adminJobRoutes(admin, { engine, ...(options.jobs === undefined ? {} : { jobs: options.jobs }) });

      admin.get('/runs', async (request) => {
        const q = parse(mappingQuery, request.query, 'query');
        return { runs: await store.runs.list({ ...(q.mapping ? { mappingId: q.mapping } : {}), limit: q.limit }) };
      });

      admin.get('/runs/:id', async (request) => {
        const { id } = parse(idParams, request.params, 'path');
        const run = await store.runs.get(id);
        if (run === undefined) throw new FrontbackError(ErrorCode.NotFound, `no run ${id}`, { details: { run: id } });
        return { run, plans: await store.plans.counts(id) };
      });

      admin.get('/runs/:id/plans', async (request) => {
        const { id } = parse(idParams, request.params, 'path');
        const q = parse(plansQuery, request.query, 'query');
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

      admin.get('/conflicts', async (request) => {
        const q = parse(conflictQuery, request.query, 'query');
        return {
          conflicts: await store.conflicts.list({
            status: q.status ?? 'open',
            ...(q.mapping ? { mappingId: q.mapping } : {}),
            limit: q.limit,
          }),
        };
      });
      admin.get('/conflicts/:id', async (request) => {
        const { id } = parse(idParams, request.params, 'path');
        const conflict = await store.conflicts.get(id);
        if (!conflict) throw new FrontbackError(ErrorCode.NotFound, `no conflict ${id}`);
        return { conflict };
      });
      admin.post('/conflicts/:id/resolve', async (request) => {
        const { id } = parse(idParams, request.params, 'path');
        const body = parse(resolveBody, request.body, 'body');
        const conflict = await store.conflicts.get(id);
        if (!conflict) throw new FrontbackError(ErrorCode.NotFound, `no conflict ${id}`);
        const outcome = await resolveConflict(engine.context(conflict.mappingId), id, body.take, body.by);
        return { conflict: outcome.conflict, runId: outcome.runId, written: outcome.applied.plan.patch };
      });

      admin.get('/matches', async (request) => {
        const q = parse(matchQuery, request.query, 'query');
        const matches = await store.matches.list({
          ...(q.mapping ? { mappingId: q.mapping } : {}),
          ...(q.kind ? { kind: q.kind } : {}),
          ...(q.status ? { status: q.status } : { status: 'open' as const }),
          ...(q.after ? { afterId: q.after } : {}),
          limit: q.limit,
        });
        return { matches };
      });

      admin.post('/matches/:id/resolve', async (request) => {
        const { id } = parse(idParams, request.params, 'path');
        const body = parse(matchResolveBody, request.body, 'body');
        const match = await store.matches.get(id);
        if (!match) throw new FrontbackError(ErrorCode.NotFound, `no match ${id}`);
        const decision: MatchDecision =
          body.choice === 'link' ? { choice: 'link', partnerId: body.partnerId ?? '' } : { choice: body.choice };
        const outcome = await resolveMatch(engine.context(match.mappingId), id, decision, body.by);
        return {
          match: outcome.match,
          ...(outcome.runId ? { runId: outcome.runId } : {}),
          ...(outcome.applied ? { status: outcome.applied.status, partnerId: outcome.applied.partnerId ?? null } : {}),
        };
      });

      admin.post('/mappings/:id/accept', async (request) => {
        const { id } = parse(idParams, request.params, 'path');
        const { by: who } = parse(replayBody, request.body, 'body');
        engine.context(id);
        const hold = await store.transaction(async (tx) => {
          const accepted = await tx.holds.accept(id, who);
          await tx.audit.append({
            mappingId: id,
            action: 'accepted',
            rule: `held: ${accepted.reason}`,
            actor: 'admin',
            details: { run: accepted.runId, counts: accepted.counts, by: who },
          });
          return accepted;
        });
        return { hold };
      });

      admin.get('/dead-letters', async (request) => {
        const q = parse(deadLetterQuery, request.query, 'query');
        const filter = { ...(q.mapping ? { mappingId: q.mapping } : {}), ...(q.side ? { side: q.side } : {}) };
        return { deadLetters: await store.deadLetters.list({ status: q.status ?? 'open', ...filter, limit: q.limit }) };
      });
      admin.get('/dead-letters/:id', async (request) => {
        const { id } = parse(idParams, request.params, 'path');
        const deadLetter = await store.deadLetters.get(id);
        if (!deadLetter) throw new FrontbackError(ErrorCode.NotFound, `no dead letter ${id}`);
        return { deadLetter };
      });
      admin.post('/dead-letters/:id/replay', async (request) => {
        const { id } = parse(idParams, request.params, 'path');
        const body = parse(replayBody, request.body, 'body');
        const deadLetter = await store.deadLetters.get(id);
        if (!deadLetter) throw new FrontbackError(ErrorCode.NotFound, `no dead letter ${id}`);
        const outcome = await replayDeadLetter(engine.context(deadLetter.mappingId), id, body.by);
        return {
          deadLetter: outcome.deadLetter,
          runId: outcome.runId,
          status: outcome.applied.status,
          ...(outcome.applied.message ? { message: outcome.applied.message } : {}),
          reason: outcome.applied.plan.reason,
        };
      });
      admin.post('/dead-letters/:id/discard', async (request) => {
        const { id } = parse(idParams, request.params, 'path');
        const body = parse(discardBody, request.body, 'body');
        return { deadLetter: await discardDeadLetter(store, id, body.by, body.reason) };
      });

      admin.get('/inbox', async (request) => {
        const q = parse(inboxQuery, request.query, 'query');
        return {
          deliveries: await store.inbox.listOpen({
            statuses: q.status ? [q.status] : ['pending', 'processing', 'failed'],
            limit: q.limit,
          }),
        };
      });
      admin.post('/inbox/:id/retry', async (request) => {
        const { id } = parse(idParams, request.params, 'path');
        const row = await store.inbox.get(id);
        if (!row) throw new FrontbackError(ErrorCode.NotFound, `no delivery ${id}`);
        await store.inbox.release(id);
        return { delivery: await store.inbox.get(id), was: row.status };
      });

      admin.get('/problems', async (request) => {
        const q = parse(problemQuery, request.query, 'query');
        const problems = await store.problems.list({
          ...(q.mapping ? { mappingId: q.mapping } : {}),
          ...(q.field ? { field: q.field } : {}),
          ...(q.after ? { afterId: q.after } : {}),
          limit: q.limit,
        });
        const counts = (await store.problems.counts(q.mapping)).filter((c) => !q.field || c.field === q.field);
        return { problems, counts };
      });

      admin.get('/audit', async (request) => {
        const q = parse(auditQuery, request.query, 'query');
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
      admin.get('/audit/verify', async () => {
        const checkpoints = options.checkpoints;
        if (checkpoints === undefined) return { ...(await store.audit.verify()), checkpoints: NO_CHECKPOINTS };
        return verifyWithCheckpoints(store.audit, checkpoints.lines(), checkpoints.trusted);
      });
    },
    { prefix: '/admin' },
  );
}
