/**
 * The console's overview (GET /console): each mapping with its last run per side, open
 * conflicts, ambiguous and waiting matches, dead letters and left-out fields; the webhook
 * inbox backlog; each connection's API budget as this process sees it; store and queue
 * health; running passes with their progress. The live part (GET /console/overview/live)
 * is re-read by htmx every few seconds.
 */
import type { FastifyInstance } from 'fastify';
import type { Run } from '../../../store/run-repository.ts';
import type { ConsolePages } from '../index.ts';

/** How often the live part of the overview is re-read, seconds. */
export const OVERVIEW_REFRESH_SECONDS = 5;
/** Runs of a mapping read to find the last one of each side. */
const RUNS_LOOKED_AT = 30;

/** The side a pass run read, from its trigger (`pass:crm`, `dry-run:erp`). */
function sideOf(run: Run): string | undefined {
  return /^(?:pass|dry-run):(crm|erp)$/.exec(run.trigger)?.[1];
}

/** How long a run took (or has been running), readable. */
export function duration(run: Pick<Run, 'startedAt' | 'finishedAt'>, now: number): string {
  const ms = (run.finishedAt ? Date.parse(run.finishedAt) : now) - Date.parse(run.startedAt);
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** Reads everything the overview shows. */
async function overview(pages: ConsolePages): Promise<Record<string, unknown>> {
  const { store, engine } = pages;
  const now = (pages.clock ?? Date.now)();
  const [conflicts, deadLetters, matches, problems, held, inbox] = await Promise.all([
    store.conflicts.countOpen(),
    store.deadLetters.countOpen(),
    store.matches.countOpen(),
    store.problems.countByMapping(),
    store.holds.listHeld(),
    store.inbox.countOpen(),
  ]);
  const running: Array<{ mapping: string; run: Run; side: string | undefined; took: string }> = [];
  const mappings = [];
  for (const m of engine.mappings) {
    const runs = await store.runs.list({ mappingId: m.id, limit: RUNS_LOOKED_AT });
    const last = (side: string) => runs.find((r) => sideOf(r) === side && !r.trigger.startsWith('dry-run'));
    for (const r of runs)
      if (r.status === 'running') running.push({ mapping: m.id, run: r, side: sideOf(r), took: duration(r, now) });
    const matchCount = (kind: string) =>
      matches.filter((x) => x.mappingId === m.id && x.kind === kind).reduce((n, x) => n + x.count, 0);
    mappings.push({
      id: m.id,
      crm: m.sides.crm,
      erp: m.sides.erp,
      schedule: 'everyMs' in m.schedule ? `every ${Math.round(m.schedule.everyMs / 1000)} s` : m.schedule.cron,
      lastRuns: (['crm', 'erp'] as const).map((side) => {
        const r = last(side);
        return { side, run: r, took: r ? duration(r, now) : '', synced: r ? Number(r.counts.applied ?? 0) : 0 };
      }),
      conflicts: conflicts[m.id] ?? 0,
      ambiguous: matchCount('ambiguous'),
      waiting: matchCount('waiting'),
      deadLetters: deadLetters[m.id] ?? 0,
      problems: problems.find((p) => p.mappingId === m.id)?.count ?? 0,
      held: held.some((h) => h.mappingId === m.id),
    });
  }
  const health = await Promise.all(
    pages.checks.map(async (c) => {
      try {
        return { name: c.name, ok: true, says: await c.check() };
      } catch (err) {
        return { name: c.name, ok: false, says: (err as Error).message };
      }
    }),
  );
  const budgets = [...pages.connectors.entries()].flatMap(([name, c]) => {
    const b = c.budget?.();
    if (b === undefined) return [];
    return [
      {
        connection: name,
        calls: b.calls,
        limit: `${b.rateLimit.requests} per ${b.rateLimit.perMs / 1000} s (${b.rateLimitFrom})`,
        reserve: Math.round(b.reserve * 100),
        vendor: b.vendor,
        seen: b.vendor ? new Date(b.vendor.observedAt).toISOString() : undefined,
      },
    ];
  });
  return {
    mappings,
    running,
    inbox: { pending: inbox.pending ?? 0, processing: inbox.processing ?? 0, failed: inbox.failed ?? 0 },
    health,
    queueKind: pages.queueKind,
    budgets,
    refresh: OVERVIEW_REFRESH_SECONDS,
    at: new Date(now).toISOString(),
  };
}

/** Registers the overview. */
export function overviewPage(app: FastifyInstance, pages: ConsolePages): void {
  pages.nav({ href: '/console', label: 'Overview' });
  app.get('/', async (request, reply) =>
    pages.page(request, reply, 'overview', 'Overview', await overview(pages), '/console'),
  );
  app.get('/overview/live', async (request, reply) =>
    pages.fragment(request, reply, 'overview-live', await overview(pages)),
  );
}
