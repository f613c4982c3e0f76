/**
 * Passes asked for through the admin API as jobs (src/sync/runner/admin-jobs.ts) and the
 * pass worker running them (pass-worker.ts, queued-run.ts), between the two sandboxes on
 * the in-process queue: a plan stores its plans and writes nothing; a run now writes,
 * attributed to the admin; the run is recorded `queued` with who asked before any job
 * runs; a job delivered twice runs the pass once; a run left `running` by a process that is
 * gone is recorded failed by the next delivery, not run again; a job that cannot be queued,
 * a held mapping and a process stopping leave no run `queued`; a job the queue lost is added again by the
 * scheduler's process (queued-run-reconciler.ts); a run now waits behind a
 * scheduled pass of the mapping instead of being dropped. And the in-process variant of
 * embedded `serve` (in-process-admin-jobs.ts), answering before the pass is done.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMappings } from '../../../../src/mapping/load.ts';
import { createMetricsRegistry } from '../../../../src/observability/metrics.ts';
import { createMemoryQueue } from '../../../../src/queue/memory/memory-queue.ts';
import { syncEngine } from '../../../../src/sync/engine.ts';
import { queuedAdminJobs } from '../../../../src/sync/runner/admin-jobs.ts';
import { startRunner } from '../../../../src/sync/runner/index.ts';
import { inProcessAdminJobs } from '../../../../src/sync/runner/in-process-admin-jobs.ts';
import { mappingLeases } from '../../../../src/sync/runner/mapping-lease.ts';
import { adminJobId, PASS_JOB, type PassJob } from '../../../../src/sync/runner/pass-job.ts';
import { passOptions, startPassWorker, type PassWorker } from '../../../../src/sync/runner/pass-worker.ts';
import { LOST_RUN, NOT_STARTED } from '../../../../src/sync/runner/queued-run.ts';
import { projectRoot } from '../../../support/env.ts';
import { startSyncRig, type SyncRig } from '../../../integration/sync/support.ts';
import { recordingLogger } from './fakes.ts';

const MAPPING = 'contacts-partners';
const mappings = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot })
  .mappings.filter((m) => m.mapping.id === MAPPING)
  .map((m) => m.mapping);
const EMAILS = Array.from({ length: 30 }, (_, i) => `asked.${i}@unit.test`);

let rig: SyncRig;
let worker: PassWorker | undefined;
beforeEach(async () => {
  rig = await startSyncRig({ seed: 19, records: 0 });
  rig.hubspot.store.bulkInsert(
    rig.hubspot.store.requireType('contacts'),
    EMAILS.map((email, i) => ({ email, firstname: 'Asked', lastname: String(i), lifecyclestage: 'customer' })),
    { createdAt: Date.now(), modifiedAt: Date.now() },
  );
});
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  await rig.close();
});

function startWorker(queue = createMemoryQueue('sync'), waitMs?: number) {
  const stop = new AbortController();
  const log = recordingLogger();
  const leases = mappingLeases({
    leases: rig.store.leases,
    holder: 'w1',
    leaseMs: 30_000,
    logger: log.logger,
    ...(waitMs === undefined ? {} : { waitMs }),
  });
  worker = startPassWorker({
    mappings,
    connectors: rig.byName,
    store: rig.store,
    queue,
    logger: log.logger,
    leases,
    concurrency: 2,
    signal: stop.signal,
    overlapMs: 0,
    pageSize: 5,
    metrics: createMetricsRegistry({ defaultMetrics: false }),
  });
  return { queue, stop, log, worker };
}

const run = async (id: string) => rig.store.runs.get(id);
const partnersMade = async () =>
  (await rig.connectors.erp.find('res.partner', { field: 'email', values: EMAILS })).length;
async function until(what: string, check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; !(await check()); await new Promise((r) => setTimeout(r, 20)))
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}
const ended = (id: string) => async () => !['queued', 'running'].includes((await run(id))?.status ?? 'queued');

describe('admin passes as jobs', () => {
  it('a plan: its run is queued with who asked before any worker, then stores its plans and writes nothing', async () => {
    const queue = createMemoryQueue('sync');
    const jobs = queuedAdminJobs({ store: rig.store, queue });
    const [asked] = await jobs.plan(MAPPING, 'crm', 'dana');
    expect(asked?.side).toBe('crm');
    const id = asked!.runId;
    // Nobody works yet: the run is there to poll, queued, and the request is audited with its asker.
    expect(await run(id)).toMatchObject({ status: 'queued', trigger: 'plan:crm', mappingId: MAPPING });
    expect(await rig.store.audit.tail(1)).toMatchObject([
      { action: 'requested', actor: 'admin', runId: id, details: { by: 'dana', side: 'crm', dryRun: true } },
    ]);
    startWorker(queue);
    await until('the plan done', ended(id));
    expect(await run(id)).toMatchObject({ status: 'succeeded', counts: { read: EMAILS.length } });
    expect(Object.values(await rig.store.plans.counts(id)).reduce((a, b) => a + b, 0)).toBe(EMAILS.length);
    expect(await partnersMade()).toBe(0);
    expect(await rig.store.links.list(MAPPING)).toEqual([]);
    // Nothing written to either system.
    expect([rig.hubspot.kit.counters().writes, rig.odoo.kit.counters().writes]).toEqual([{}, {}]);
  });

  it('a run now writes, attributed to the admin, under the queued run', async () => {
    const { queue } = startWorker();
    const [asked] = await queuedAdminJobs({ store: rig.store, queue }).runNow(MAPPING, 'crm', 'lee');
    await until('the pass done', ended(asked!.runId));
    expect(await run(asked!.runId)).toMatchObject({ status: 'succeeded', trigger: 'run-now:crm' });
    expect(await partnersMade()).toBe(EMAILS.length);
    const written = (await rig.store.audit.tail(100)).filter((e) => e.runId === asked!.runId);
    expect(written.length).toBeGreaterThan(1);
    expect(new Set(written.map((e) => e.actor))).toEqual(new Set(['admin']));
  });

  it('both sides, one run each, in the order the scheduler runs them', async () => {
    const { queue } = startWorker();
    const asked = await queuedAdminJobs({ store: rig.store, queue }).plan(MAPPING, 'both', 'dana');
    expect(asked.map((a) => a.side)).toEqual(['crm', 'erp']);
    expect(new Set(asked.map((a) => a.runId)).size).toBe(2);
    for (const a of asked) await until(`the ${a.side} plan`, ended(a.runId));
    expect((await Promise.all(asked.map((a) => run(a.runId)))).map((r) => [r?.trigger, r?.status])).toEqual([
      ['plan:crm', 'succeeded'],
      ['plan:erp', 'succeeded'],
    ]);
  });

  it('a job delivered twice runs the pass once under its run', async () => {
    rig.odoo.kit.faults.latencyMs = 50;
    const queue = createMemoryQueue('sync');
    const [asked] = await queuedAdminJobs({ store: rig.store, queue }).runNow(MAPPING, 'crm', 'lee');
    const id = asked!.runId;
    // The same job again under another queue id: what a redelivery after a lost lock looks like to the handler.
    const again: PassJob = { mapping: MAPPING, side: 'crm', admin: { run: id, dryRun: false, by: 'lee' } };
    await queue.add(PASS_JOB, again, { jobId: `${adminJobId(id)}-again` });
    const { log } = startWorker(queue);
    await until('both jobs done', async () => (await queue.counts()).completed === 2);
    expect(await run(id)).toMatchObject({ status: 'succeeded' });
    expect((await rig.store.runs.list({ mappingId: MAPPING })).map((r) => r.id)).toEqual([id]);
    expect(await partnersMade()).toBe(EMAILS.length);
    expect(log.said('pass asked for not run: another delivery of its job took it')).toBe(1);
  });

  it('a run left running by a process that is gone is recorded failed by the next delivery, not run again', async () => {
    const queue = createMemoryQueue('sync');
    const [asked] = await queuedAdminJobs({ store: rig.store, queue }).runNow(MAPPING, 'crm', 'lee');
    // A worker took it and died mid-pass (SIGKILL): the row says running, the job comes back.
    expect(await rig.store.runs.claim(asked!.runId)).toBe(true);
    startWorker(queue);
    await until('the job done', async () => (await queue.counts()).completed === 1);
    expect(await run(asked!.runId)).toMatchObject({ status: 'failed', error: LOST_RUN });
    expect(await partnersMade()).toBe(0);
  });

  it('a job that cannot be queued leaves its run failed, not queued', async () => {
    const queue = createMemoryQueue('sync');
    await queue.close();
    await expect(queuedAdminJobs({ store: rig.store, queue }).plan(MAPPING, 'crm', 'dana')).rejects.toThrow(/closed/);
    const [only] = await rig.store.runs.list({ mappingId: MAPPING });
    expect(only).toMatchObject({ status: 'failed', error: expect.stringMatching(/^could not be queued: .*closed/) });
  });

  it('a held mapping: a run now is skipped as a scheduled pass is, its run guarded with the reason', async () => {
    await rig.store.holds.hold({
      mappingId: MAPPING,
      mappingVersion: mappings[0]!.version,
      runId: 'r0',
      reason: 'created too many',
      counts: {},
    });
    const { queue, log } = startWorker();
    const [asked] = await queuedAdminJobs({ store: rig.store, queue }).runNow(MAPPING, 'crm', 'lee');
    await until('the run ended', ended(asked!.runId));
    expect(await run(asked!.runId)).toMatchObject({ status: 'guarded', error: expect.stringMatching(/held/) });
    expect(await partnersMade()).toBe(0);
    expect(log.lines.some((l) => String(l.msg).startsWith('pass skipped:'))).toBe(true);
  });

  it('a process stopping before the pass starts ends its run stopped, not queued', async () => {
    const queue = createMemoryQueue('sync');
    const [asked] = await queuedAdminJobs({ store: rig.store, queue }).runNow(MAPPING, 'crm', 'lee');
    const { stop, worker: w } = startWorker(queue);
    stop.abort();
    await until('the job done', async () => (await queue.counts()).completed === 1);
    await w.close();
    expect(await run(asked!.runId)).toMatchObject({ status: 'stopped', error: NOT_STARTED });
    expect(await partnersMade()).toBe(0);
  });

  it('a run now waits behind a scheduled pass of the mapping (at 50 ms a call), and is not dropped', async () => {
    rig.hubspot.kit.faults.latencyMs = 50;
    rig.odoo.kit.faults.latencyMs = 50;
    const { queue } = startWorker();
    await queue.add(PASS_JOB, { mapping: MAPPING, side: 'crm' } satisfies PassJob);
    await until(
      'the scheduled pass running',
      async () => (await rig.store.runs.list({ status: 'running' })).length > 0,
    );
    const [asked] = await queuedAdminJobs({ store: rig.store, queue }).runNow(MAPPING, 'crm', 'lee');
    // Waiting for the mapping: still queued while the scheduled pass runs.
    expect(await run(asked!.runId)).toMatchObject({ status: 'queued' });
    await until('the run now done', ended(asked!.runId), 60_000);
    const all = await rig.store.runs.list({ mappingId: MAPPING });
    expect(all.map((r) => [r.trigger, r.status]).sort()).toEqual([
      ['pass:crm', 'succeeded'],
      ['run-now:crm', 'succeeded'],
    ]);
    const [scheduled] = all.filter((r) => r.trigger === 'pass:crm');
    // One after the other: the run now started when the scheduled pass had finished.
    expect((await run(asked!.runId))!.startedAt >= scheduled!.finishedAt!).toBe(true);
    expect(await partnersMade()).toBe(EMAILS.length);
  });

  it('a run now waits while another process runs the same side of the mapping, and is not dropped', async () => {
    // Another process's pass of the crm side holds the mapping (a scheduled pass would be dropped now).
    expect(await rig.store.leases.acquire(`pass:${MAPPING}`, 'other-process/crm', 30_000)).toBe(true);
    const { queue } = startWorker();
    const [asked] = await queuedAdminJobs({ store: rig.store, queue }).runNow(MAPPING, 'crm', 'lee');
    await until('the job taken', async () => (await queue.counts()).active === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await run(asked!.runId)).toMatchObject({ status: 'queued' });
    expect((await queue.counts()).active).toBe(1);
    await rig.store.leases.release(`pass:${MAPPING}`, 'other-process/crm');
    await until('the run now done', ended(asked!.runId));
    expect(await run(asked!.runId)).toMatchObject({ status: 'succeeded' });
    expect(await partnersMade()).toBe(EMAILS.length);
  });

  it("a job the queue lost: the scheduler's process adds it again and the run ends done, not queued", async () => {
    const queue = createMemoryQueue('sync');
    // The run is recorded, the job never reaches the queue (Redis emptied, a process gone with its memory queue).
    const losing = { add: () => Promise.resolve({ id: 'lost' }) };
    const [asked] = await queuedAdminJobs({ store: rig.store, queue: losing }).plan(MAPPING, 'crm', 'dana');
    const runner = startRunner({
      mappings: loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.filter(
        (m) => m.mapping.id === MAPPING,
      ),
      connectors: rig.byName,
      store: rig.store,
      queue,
      logger: recordingLogger().logger,
      overlapMs: 0,
      concurrency: 2,
      everyMsOverride: 3_600_000,
      holder: 'start-2',
      queuedRuns: { everyMs: 200 },
    });
    try {
      await until('the plan done', ended(asked!.runId));
      expect(await run(asked!.runId)).toMatchObject({ status: 'succeeded', trigger: 'plan:crm' });
    } finally {
      await runner.stop();
    }
  });

  it('a worker that does not know the mapping ends the run failed, saying so, not queued', async () => {
    const { queue } = startWorker();
    const [asked] = await queuedAdminJobs({ store: rig.store, queue }).runNow('not-here', 'crm', 'lee');
    await until('the run ended', ended(asked!.runId));
    expect(await run(asked!.runId)).toMatchObject({
      status: 'failed',
      error: 'this worker cannot run mapping not-here',
    });
  });

  it('a job whose attempts ran out waiting for its mapping ends its run failed with the reason, not queued', async () => {
    expect(await rig.store.leases.acquire(`pass:${MAPPING}`, 'other-process/erp', 30_000)).toBe(true);
    const queue = createMemoryQueue('sync');
    const losing = { add: () => Promise.resolve({ id: 'x' }) };
    const [asked] = await queuedAdminJobs({ store: rig.store, queue: losing }).runNow(MAPPING, 'crm', 'lee');
    // Its one attempt waits 300 ms for the mapping, which another process keeps busy.
    const job: PassJob = { mapping: MAPPING, side: 'crm', admin: { run: asked!.runId, dryRun: false, by: 'lee' } };
    await queue.add(PASS_JOB, job, { jobId: adminJobId(asked!.runId), attempts: 1 });
    startWorker(queue, 300);
    await until('the run ended', ended(asked!.runId));
    expect(await run(asked!.runId)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/kept this mapping's passes busy/),
    });
    expect(await partnersMade()).toBe(0);
  });

  it("makes an admin job's pass options: a plan writes nothing, both are the admin's, under the queued run", () => {
    const signal = new AbortController().signal;
    const onRun = (): void => undefined;
    const admin = { run: 'r1', dryRun: true, by: 'dana' };
    expect(passOptions({ mapping: 'm', side: 'crm', admin }, { overlapMs: 0 }, signal, onRun)).toMatchObject({
      apply: false,
      actor: 'admin',
      runId: 'r1',
    });
    expect(
      passOptions({ mapping: 'm', side: 'crm', admin: { ...admin, dryRun: false } }, { overlapMs: 0 }, signal, onRun),
    ).toMatchObject({ apply: true, actor: 'admin', runId: 'r1' });
  });
});

describe('admin passes in the asking process (embedded serve)', () => {
  it('two passes of one mapping side asked at once run one after the other, not side by side', async () => {
    rig.hubspot.kit.faults.latencyMs = 50;
    rig.odoo.kit.faults.latencyMs = 50;
    const jobs = inProcessAdminJobs({
      engine: syncEngine(mappings, rig.byName, rig.store),
      holder: 'serve-1',
      logger: recordingLogger().logger,
      overlapMs: 0,
      pageSize: 5,
    });
    const [[first], [second]] = await Promise.all([
      jobs.plan(MAPPING, 'crm', 'dana'),
      jobs.runNow(MAPPING, 'crm', 'lee'),
    ]);
    await until('both done', async () => (await ended(first!.runId)()) && (await ended(second!.runId)()));
    await jobs.close();
    const [a, b] = [await run(first!.runId), await run(second!.runId)];
    expect([a?.status, b?.status]).toEqual(['succeeded', 'succeeded']);
    expect(b!.startedAt >= a!.finishedAt!).toBe(true);
    expect(await partnersMade()).toBe(EMAILS.length);
  });

  it('answers at once with the queued run, runs the plan in the background, and stops cleanly', async () => {
    rig.hubspot.kit.faults.latencyMs = 50;
    rig.odoo.kit.faults.latencyMs = 50;
    const jobs = inProcessAdminJobs({
      engine: syncEngine(mappings, rig.byName, rig.store),
      holder: 'serve-1',
      logger: recordingLogger().logger,
      overlapMs: 0,
      pageSize: 5,
    });
    const [asked] = await jobs.plan(MAPPING, 'crm', 'dana');
    // Answered before the pass is done (every call takes 50 ms).
    expect(['queued', 'running']).toContain((await run(asked!.runId))?.status);
    await until('the plan done', ended(asked!.runId));
    expect(await run(asked!.runId)).toMatchObject({ status: 'succeeded', trigger: 'plan:crm' });
    expect(Object.values(await rig.store.plans.counts(asked!.runId)).reduce((a, b) => a + b, 0)).toBe(EMAILS.length);
    expect(await partnersMade()).toBe(0);

    // A run now, stopped while it runs: it ends stopped after the page in hand, not running.
    const [now] = await jobs.runNow(MAPPING, 'crm', 'lee');
    await until('the run now running', async () => (await run(now!.runId))?.status === 'running');
    await jobs.close();
    expect(await run(now!.runId)).toMatchObject({ status: 'stopped' });
    expect(await rig.store.leases.get(`pass:${MAPPING}`)).toBeUndefined();
  });
});
