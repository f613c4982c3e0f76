/**
 * Plans and runs asked for through the admin API as queued jobs (issue #16), as a page
 * would use them: `POST /admin/mappings/:id/plan` (or `/run`) answers 202 with each side's
 * run, the page polls `GET /admin/runs/:id` (queued, running, then finished) and pages the
 * plans. Two compositions:
 * - `start`'s: one process, the loop's in-process queue, the server up (and asked) before
 *   the loop starts, as `start` does it;
 * - distributed: a `serve`-like producer (its own PostgreSQL store handle and BullMQ queue,
 *   no worker) and a `worker`-like consumer (the runner on another handle and queue of the
 *   same Redis) in one test process (needs Redis and PostgreSQL: mandatory under CI=true,
 *   skipped with the reason elsewhere).
 * Every vendor call takes 50 ms (the sandboxes' latency fault).
 */
import { createLogger } from '../../../src/observability/logger.ts';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadMappings, type LoadedMapping } from '../../../src/mapping/load.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { createBullMqQueue, obliterateBullMqQueue } from '../../../src/queue/bullmq/bullmq-queue.ts';
import type { JobQueue } from '../../../src/queue/job-queue.ts';
import { createMemoryQueue } from '../../../src/queue/memory/memory-queue.ts';
import { buildServer } from '../../../src/server/app.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { syncEngine } from '../../../src/sync/engine.ts';
import { queuedAdminJobs } from '../../../src/sync/runner/admin-jobs.ts';
import { startRunner, type Runner } from '../../../src/sync/runner/index.ts';
import { havePostgres, haveRedis, POSTGRES_URL, projectRoot, REDIS_URL } from '../../support/env.ts';
import { startSyncRig, type SyncRig } from '../sync/support.ts';

const TOKEN = 'admin-token-for-the-jobs-test-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
const MAPPING = 'contacts-partners';
const silent = createLogger({ level: 'silent' });
const loaded = (): LoadedMapping[] =>
  loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.filter((m) => m.mapping.id === MAPPING);

/** The server of `serve`/`start` with the admin API asking `queue` for its passes. */
async function adminServer(rig: SyncRig, store: Store, queue: JobQueue): Promise<FastifyInstance> {
  return buildServer({
    connectors: rig.byName,
    store,
    logger: silent,
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    bodyLimitBytes: 1_048_576,
    admin: {
      token: TOKEN,
      engine: syncEngine(
        loaded().map((m) => m.mapping),
        rig.byName,
        store,
      ),
      jobs: queuedAdminJobs({ store, queue }),
    },
  });
}

function runnerOn(rig: SyncRig, store: Store, queue: JobQueue, holder: string): Runner {
  return startRunner({
    mappings: loaded(),
    connectors: rig.byName,
    store,
    queue,
    logger: silent,
    overlapMs: 0,
    pageSize: 10,
    concurrency: 2,
    // Scheduled passes once at start, then not again during the test.
    everyMsOverride: 3_600_000,
    holder,
  });
}

/** A run as `GET /admin/runs/:id` shows it (what these tests read of it). */
interface RunView {
  status: string;
  trigger: string;
  counts: { read: number };
}
/** A plan as `GET /admin/runs/:id/plans` shows it. */
interface PlanView {
  seq: number;
}
interface Page {
  plans: PlanView[];
  next?: string;
}

interface Asked {
  side: string;
  runId: string;
  href: string;
  plans: string;
}

/** Polls `href` as a page would until the run is over; answers the statuses seen, in order, without repeats. */
async function pollRun(app: FastifyInstance, href: string, ms = 60_000): Promise<{ seen: string[]; run: RunView }> {
  const seen: string[] = [];
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) {
    const res = await app.inject({ method: 'GET', url: href, headers: auth });
    expect(res.statusCode).toBe(200);
    const { run } = res.json<{ run: RunView }>();
    if (seen.at(-1) !== run.status) seen.push(run.status);
    if (!['queued', 'running'].includes(run.status)) return { seen, run };
  }
  throw new Error(`timed out polling ${href} (seen ${seen.join(', ')})`);
}

/** Every plan of a run, paged by `limit` following `next`. */
async function allPlans(
  app: FastifyInstance,
  href: string,
  limit: number,
): Promise<{ pages: number; plans: PlanView[] }> {
  const plans: PlanView[] = [];
  let pages = 0;
  for (let url: string | undefined = `${href}?limit=${limit}`; url !== undefined; pages += 1) {
    const res: LightMyRequestResponse = await app.inject({ method: 'GET', url, headers: auth });
    expect(res.statusCode).toBe(200);
    const page = res.json<Page>();
    plans.push(...page.plans);
    url = page.next;
  }
  return { pages, plans };
}

describe('plan and run now as queued jobs, in one process (start)', () => {
  let rig: SyncRig;
  let runner: Runner | undefined;
  let queue: JobQueue;
  let app: FastifyInstance;
  beforeEach(async () => {
    rig = await startSyncRig({ seed: 23, records: 12 });
    rig.hubspot.kit.faults.latencyMs = 50;
    rig.odoo.kit.faults.latencyMs = 50;
    queue = createMemoryQueue('sync');
    app = await adminServer(rig, rig.store, queue);
  });
  afterEach(async () => {
    await app.close();
    await runner?.stop();
    runner = undefined;
    await queue.close();
    await rig.close();
  });

  it('POST plan answers 202 with a run queued until the loop takes it; the page polls it to the end and pages the plans', async () => {
    const asked = await app.inject({
      method: 'POST',
      url: `/admin/mappings/${MAPPING}/plan`,
      headers: auth,
      payload: { from: 'crm', by: 'dana' },
    });
    expect(asked.statusCode).toBe(202);
    const body = asked.json() as { mapping: string; runs: Asked[] };
    const [one] = body.runs;
    expect(body).toEqual({
      mapping: MAPPING,
      runs: [
        {
          side: 'crm',
          runId: one!.runId,
          href: `/admin/runs/${one!.runId}`,
          plans: `/admin/runs/${one!.runId}/plans`,
        },
      ],
    });
    // The server is up before the loop (as in start): the run waits, queued, findable by its id.
    const queued = await app.inject({ method: 'GET', url: one!.href, headers: auth });
    expect(queued.json().run).toMatchObject({ status: 'queued', trigger: 'plan:crm', finishedAt: null });

    runner = runnerOn(rig, rig.store, queue, 'start-1');
    const { seen, run } = await pollRun(app, one!.href);
    expect(seen[0]).toBe('queued');
    expect(run).toMatchObject({ status: 'succeeded', counts: { read: expect.any(Number) } });
    const { pages, plans } = await allPlans(app, one!.plans, 4);
    expect(plans).toHaveLength(run.counts.read);
    expect(pages).toBeGreaterThan(1);
    expect(plans.map((p) => p.seq)).toEqual(plans.map((_, i) => i + 1));
    const audit = await app.inject({ method: 'GET', url: '/admin/audit?action=requested', headers: auth });
    expect(audit.json().entries).toMatchObject([{ runId: one!.runId, actor: 'admin', details: { by: 'dana' } }]);
  });

  it('POST run answers 202; the pass writes, attributed to the admin; bad requests are refused as elsewhere', async () => {
    runner = runnerOn(rig, rig.store, queue, 'start-1');
    const asked = await app.inject({ method: 'POST', url: `/admin/mappings/${MAPPING}/run`, headers: auth });
    expect(asked.statusCode).toBe(202);
    const runs = asked.json().runs as Asked[];
    expect(runs.map((r) => r.side)).toEqual(['crm', 'erp']);
    for (const r of runs) {
      const { run } = await pollRun(app, r.href);
      expect(run).toMatchObject({ status: 'succeeded', trigger: `run-now:${r.side}` });
    }
    expect((await rig.store.links.list(MAPPING)).length).toBeGreaterThan(0);
    const requested = (await rig.store.audit.tail(500)).filter((e) => e.action === 'requested');
    expect(requested.map((e) => [e.runId, e.details?.by])).toEqual(runs.map((r) => [r.runId, 'admin-api']));

    const unknown = await app.inject({ method: 'POST', url: '/admin/mappings/contact-partners/run', headers: auth });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toMatch(/no mapping "contact-partners"/);
    const bad = await app.inject({
      method: 'POST',
      url: `/admin/mappings/${MAPPING}/plan`,
      headers: auth,
      payload: { from: 'all' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/body\.from/);
    const anonymous = await app.inject({ method: 'POST', url: `/admin/mappings/${MAPPING}/plan` });
    expect(anonymous.statusCode).toBe(401);
    // Nothing recorded for the refused requests.
    expect((await rig.store.runs.list({ mappingId: MAPPING })).filter((r) => r.trigger.startsWith('plan:'))).toEqual(
      [],
    );
  });
});

const distributed = (await haveRedis()) && (await havePostgres());
describe.skipIf(!distributed)('plan and run now in distributed mode (a serve producing, a worker consuming)', () => {
  const schema = `fb_adminjobs_${process.pid}_${Date.now().toString(36)}`;
  const prefix = `fbadminjobs${process.pid}`;
  let rig: SyncRig;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    rig = await startSyncRig({ seed: 29, records: 12 });
    rig.hubspot.kit.faults.latencyMs = 50;
    rig.odoo.kit.faults.latencyMs = 50;
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await obliterateBullMqQueue('sync', { redisUrl: REDIS_URL, prefix });
    await rig.close();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });

  it('serve only enqueues; the worker runs the plan and the run; serve pages what the worker stored', async () => {
    // serve: its own store handle and a producer of the shared queue (it never works).
    const serveStore = await createStore({ url: POSTGRES_URL, schema });
    const producer = createBullMqQueue('sync', { redisUrl: REDIS_URL, prefix });
    const app = await adminServer(rig, serveStore, producer);
    closers.push(async () => {
      await app.close();
      await producer.close();
      await serveStore.close();
    });
    const plan = await app.inject({
      method: 'POST',
      url: `/admin/mappings/${MAPPING}/plan`,
      headers: auth,
      payload: { from: 'erp', by: 'dana' },
    });
    expect(plan.statusCode).toBe(202);
    const [planned] = plan.json().runs as Asked[];
    // No worker yet: nothing in serve runs it.
    await new Promise((r) => setTimeout(r, 300));
    expect((await app.inject({ method: 'GET', url: planned!.href, headers: auth })).json().run.status).toBe('queued');

    // worker: another store handle and another queue instance on the same Redis.
    const workerStore = await createStore({ url: POSTGRES_URL, schema });
    const consumer = createBullMqQueue('sync', { redisUrl: REDIS_URL, prefix });
    const runner = runnerOn(rig, workerStore, consumer, 'worker-1');
    closers.push(async () => {
      await runner.stop();
      await consumer.close();
      await workerStore.close();
    });
    const done = await pollRun(app, planned!.href);
    expect(done.run).toMatchObject({ status: 'succeeded', trigger: 'plan:erp' });
    const { plans } = await allPlans(app, planned!.plans, 5);
    expect(plans).toHaveLength(done.run.counts.read);

    const now = await app.inject({
      method: 'POST',
      url: `/admin/mappings/${MAPPING}/run`,
      headers: auth,
      payload: { from: 'crm', by: 'lee' },
    });
    expect(now.statusCode).toBe(202);
    const [ran] = now.json().runs as Asked[];
    expect((await pollRun(app, ran!.href)).run).toMatchObject({ status: 'succeeded', trigger: 'run-now:crm' });
    const entries = (await serveStore.audit.tail(500)).filter((e) => e.runId === ran!.runId);
    expect(entries[0]).toMatchObject({ action: 'requested', details: { by: 'lee' } });
    expect(entries.every((e) => e.actor === 'admin')).toBe(true);
  });
});
