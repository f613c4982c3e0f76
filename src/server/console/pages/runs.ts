/**
 * The console's runs. GET /console/runs lists sync runs (newest first, by mapping, paged):
 * trigger, status, counts, how long. GET /console/runs/:id shows one: status, counts,
 * timings, error and, while it runs, its progress per stream, re-read by htmx every two
 * seconds until it ends (a run just queued by the console may not exist yet: with
 * `?queued=1` the page waits for it instead of answering 404); a dry run's (or a pass's)
 * stored plans, paged and filtered by action, and a dry run's identity summary, as
 * `frontback plan` prints it.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ErrorCode, FrontbackError } from '../../../errors.ts';
import type { JsonObject, JsonValue } from '../../../store/json.ts';
import type { Run } from '../../../store/run-repository.ts';
import { describeIdentity, type IdentitySummary } from '../../../sync/identity-summary.ts';
import { describePlan, viewOfStored } from '../../../sync/plan-view.ts';
import type { ConsolePages } from '../index.ts';
import { parseInput } from '../input.ts';
import { duration } from './overview.ts';

/** Runs per page of the list. */
export const RUNS_PAGE = 50;
/** Pages of the list one can go back (the store lists the newest runs first, without a cursor). */
const RUNS_PAGES = 20;
/** Plans per page of a run. */
export const PLANS_PAGE = 50;
/** How often a running (or queued) run's page re-reads it, seconds. */
export const RUN_REFRESH_SECONDS = 2;
/** Statuses during which the page keeps re-reading the run. */
const LIVE = new Set(['running', 'queued']);
/** The counts a list row shows, in this order, when the run has them. */
const LISTED_COUNTS = ['read', 'applied', 'planned', 'sync', 'create', 'archive', 'skipped', 'conflicted', 'failed'];

const listQuery = z.object({
  mapping: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).max(RUNS_PAGES).default(1),
});
const idParams = z.object({ id: z.string().min(1).max(200) });
const runQuery = z.object({
  queued: z.enum(['1']).optional(),
  after: z.coerce.number().int().min(0).default(0),
  action: z.enum(['sync', 'create', 'archive', 'delete', 'skip']).optional(),
});

/** A run's counts other than the identity summary, each as text. */
function countLines(counts: JsonObject): Array<{ name: string; value: string }> {
  return Object.entries(counts)
    .filter(([name]) => name !== 'identity')
    .map(([name, value]) => ({ name, value: typeof value === 'object' ? JSON.stringify(value) : String(value) }));
}

/** A dry run's (or a pass's) identity summary as stored in its counts, with its one line. */
function identityOf(counts: JsonObject): { line: string; summary: JsonObject } | undefined {
  const identity = counts.identity as JsonValue | undefined;
  if (identity === undefined || identity === null || typeof identity !== 'object' || Array.isArray(identity))
    return undefined;
  const summary = { examples: {}, ...identity } as unknown as IdentitySummary;
  return { line: describeIdentity({ ...summary, matched: summary.matched ?? {} }), summary: identity };
}

/** What the live part of a run's page shows: the run (or that it is queued), and whether to re-read it. */
function liveOf(pages: ConsolePages, id: string, run: Run | undefined, queued: boolean): Record<string, unknown> {
  const now = (pages.clock ?? Date.now)();
  const live = run === undefined ? queued : LIVE.has(run.status);
  const streams = (run?.progress as { streams?: JsonValue[] } | null | undefined)?.streams ?? [];
  return {
    id,
    run,
    queued,
    live,
    refresh: RUN_REFRESH_SECONDS,
    took: run ? duration(run, now) : '',
    counts: run ? countLines(run.counts) : [],
    timings: run ? Object.entries(run.timings).map(([name, ms]) => ({ name, ms: String(ms) })) : [],
    streams,
    identity: run ? identityOf(run.counts) : undefined,
  };
}

/** A page of run `id`'s stored plans (after `q.after`, of `q.action`), with the counts by action and the page links. */
async function plansOf(pages: ConsolePages, id: string, q: z.infer<typeof runQuery>): Promise<Record<string, unknown>> {
  const counts = await pages.store.plans.counts(id);
  const rows = await pages.store.plans.list(id, {
    afterSeq: q.after,
    limit: PLANS_PAGE,
    ...(q.action ? { action: q.action } : {}),
  });
  const last = rows.at(-1);
  const link = (more: Record<string, string>) => {
    const params = new URLSearchParams({ ...(q.action ? { action: q.action } : {}), ...more });
    return `/console/runs/${encodeURIComponent(id)}?${params}`;
  };
  return {
    counts: Object.entries(counts).map(([action, n]) => ({ action, n })),
    total: Object.values(counts).reduce((a, b) => a + b, 0),
    action: q.action,
    rows: rows.map((row) => {
      const view = viewOfStored(row);
      const detail = { patch: view.patch, decisions: view.decisions, problems: view.problems };
      return { seq: row.seq, view, line: describePlan(view), detail: JSON.stringify(detail, null, 2) };
    }),
    first: q.after > 0 ? link({}) : undefined,
    next: rows.length === PLANS_PAGE && last ? link({ after: String(last.seq) }) : undefined,
  };
}

/** Registers the runs pages. */
export function runsPage(app: FastifyInstance, pages: ConsolePages): void {
  pages.nav({ href: '/console/runs', label: 'Runs' });

  app.get('/runs', async (request, reply) => {
    const q = parseInput(listQuery, request.query, 'query');
    const now = (pages.clock ?? Date.now)();
    const runs = await pages.store.runs.list({
      ...(q.mapping ? { mappingId: q.mapping } : {}),
      limit: q.page * RUNS_PAGE + 1,
    });
    const shown = runs.slice((q.page - 1) * RUNS_PAGE, q.page * RUNS_PAGE).map((run) => ({
      run,
      took: duration(run, now),
      counts: LISTED_COUNTS.filter((k) => typeof run.counts[k] === 'number').map((k) => `${run.counts[k]} ${k}`),
    }));
    const link = (page: number) =>
      `/console/runs?${new URLSearchParams({ ...(q.mapping ? { mapping: q.mapping } : {}), page: String(page) })}`;
    return pages.page(
      request,
      reply,
      'runs',
      'Runs',
      {
        q,
        mappings: pages.engine.mappings.map((m) => m.id),
        runs: shown,
        newer: q.page > 1 ? link(q.page - 1) : undefined,
        older: runs.length > q.page * RUNS_PAGE && q.page < RUNS_PAGES ? link(q.page + 1) : undefined,
      },
      '/console/runs',
    );
  });

  app.get('/runs/:id', async (request, reply) => {
    const { id } = parseInput(idParams, request.params, 'path');
    const q = parseInput(runQuery, request.query, 'query');
    const run = await pages.store.runs.get(id);
    if (run === undefined && q.queued === undefined)
      throw new FrontbackError(ErrorCode.NotFound, `no run ${id}`, { details: { run: id } });
    const live = liveOf(pages, id, run, q.queued !== undefined);
    const plans = run === undefined ? undefined : await plansOf(pages, id, q);
    const title = run ? `Run of ${run.mappingId}` : 'Run';
    return pages.page(request, reply, 'run', title, { ...live, plans }, '/console/runs');
  });

  app.get('/runs/:id/live', async (request, reply) => {
    const { id } = parseInput(idParams, request.params, 'path');
    const q = parseInput(runQuery, request.query, 'query');
    const run = await pages.store.runs.get(id);
    if (run === undefined && q.queued === undefined)
      throw new FrontbackError(ErrorCode.NotFound, `no run ${id}`, { details: { run: id } });
    return pages.fragment(request, reply, 'run-live', {
      ...liveOf(pages, id, run, q.queued !== undefined),
      fresh: true,
    });
  });
}
