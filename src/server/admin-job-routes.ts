/**
 * The admin routes that ask for passes without running them in the server (issue #16):
 * `POST /admin/mappings/:id/plan` (a dry run) and `POST /admin/mappings/:id/run` (a pass
 * that writes, attributed to the admin), each answering 202 at once with the run of each
 * side, recorded `queued`, to poll (`GET /admin/runs/:id`) and, for a plan, to page
 * (`GET /admin/runs/:id/plans`). Who runs them is the AdminJobs given: the queue's workers
 * (src/sync/runner/admin-jobs.ts), or this process in the background in an embedded
 * `serve` (in-process-admin-jobs.ts). Registered inside the admin scope (token, rate limit)
 * by admin-routes.ts. docs/server.md lists the routes.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ErrorCode, FrontbackError } from '../errors.ts';
import type { SyncEngine } from '../sync/engine.ts';
import type { AdminJobs, QueuedRun } from '../sync/runner/admin-jobs.ts';

const idParams = z.strictObject({ id: z.string().min(1).max(200) });
const passBody = z
  .strictObject({
    from: z.enum(['crm', 'erp', 'both']).default('both'),
    by: z.string().trim().min(1).max(200).default('admin-api'),
  })
  .default({ from: 'both', by: 'admin-api' });

/** Parses `value` with `schema`, or throws a 400 that names each bad field of `where` (as admin-routes.ts does). */
function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value ?? undefined);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (i) => `${where}${i.path.length > 0 ? `.${i.path.join('.')}` : ''}: ${i.message}`,
  );
  throw new FrontbackError(ErrorCode.Validation, problems.join('; '), { details: { problems } });
}

/** Where each queued run is polled and, for a plan, paged. */
const answer = (mapping: string, runs: readonly QueuedRun[]): object => ({
  mapping,
  runs: runs.map(({ side, runId }) => ({
    side,
    runId,
    href: `/admin/runs/${runId}`,
    plans: `/admin/runs/${runId}/plans`,
  })),
});

/** Registers the plan and run routes on the admin scope `admin` (prefix `/admin`). */
export function adminJobRoutes(admin: FastifyInstance, options: { engine: SyncEngine; jobs?: AdminJobs }): void {
  const { engine } = options;
  const jobsOrSay = (): AdminJobs => {
    if (options.jobs) return options.jobs;
    throw new FrontbackError(
      ErrorCode.NotFound,
      'plans and runs on demand are not available in this process (it was built without a way to run passes)',
    );
  };

  admin.post('/mappings/:id/plan', async (request, reply) => {
    const { id } = parse(idParams, request.params, 'path');
    const body = parse(passBody, request.body, 'body');
    // A clear 404 for an unknown mapping (or one whose connection has no connector), before anything is recorded.
    engine.context(id);
    const runs = await jobsOrSay().plan(id, body.from, body.by);
    return reply.code(202).send(answer(id, runs));
  });

  admin.post('/mappings/:id/run', async (request, reply) => {
    const { id } = parse(idParams, request.params, 'path');
    const body = parse(passBody, request.body, 'body');
    engine.context(id);
    const runs = await jobsOrSay().runNow(id, body.from, body.by);
    return reply.code(202).send(answer(id, runs));
  });
}
