/**
 * The admin routes that ask for passes without running them in the server (issue #16):
 * `POST /admin/mappings/:id/plan` (a dry run) and `POST /admin/mappings/:id/run` (a pass
 * that writes, attributed to the admin), each answering 202 at once with the run of each
 * side, recorded `queued`, to poll (`GET /admin/runs/:id`) and, for a plan, to page
 * (`GET /admin/runs/:id/plans`). Who runs them is the AdminJobs given: the queue's workers
 * (src/sync/runner/admin-jobs.ts), or this process in the background in an embedded
 * `serve` (in-process-admin-jobs.ts). Registered on the admin API's scope (token, rate
 * limit, zod validation) by admin-routes.ts; described in admin-route-schemas.ts.
 */
import type { FastifyRequest } from 'fastify';
import { ErrorCode, FrontbackError } from '../errors.ts';
import type { SyncEngine } from '../sync/engine.ts';
import type { AdminJobs, QueuedRun } from '../sync/runner/admin-jobs.ts';
import * as S from './admin-route-schemas.ts';
import type { AdminScope } from './admin-schemas.ts';

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

/** Registers the plan and run routes on the admin API's scope. */
export function adminJobRoutes(
  api: AdminScope,
  options: {
    engine: SyncEngine;
    jobs?: AdminJobs | undefined;
    /** Who a request acts for (the token's admin, what the body says). */
    who: (request: FastifyRequest, said: string | undefined) => string;
  },
): void {
  const { engine, who } = options;
  const jobsOrSay = (): AdminJobs => {
    if (options.jobs) return options.jobs;
    throw new FrontbackError(
      ErrorCode.NotFound,
      'plans and runs on demand are not available in this process (it was built without a way to run passes)',
    );
  };

  api.post('/mappings/:id/plan', { schema: S.planMapping }, async (request, reply) => {
    const { id } = request.params;
    // A clear 404 for an unknown mapping (or one whose connection has no connector), before anything is recorded.
    engine.context(id);
    const runs = await jobsOrSay().plan(id, request.body.from, who(request, request.body.by));
    return reply.code(202).send(answer(id, runs));
  });

  api.post('/mappings/:id/run', { schema: S.runMapping }, async (request, reply) => {
    const { id } = request.params;
    engine.context(id);
    const runs = await jobsOrSay().runNow(id, request.body.from, who(request, request.body.by));
    return reply.code(202).send(answer(id, runs));
  });
}
