/**
 * The pass worker (src/sync/runner/pass-worker.ts) between the two sandboxes, on the
 * in-process queue: a job runs a pass under the mapping's lease and settles its inbox
 * rows; stopping ends the pass in hand after its page (recorded and counted `stopped`)
 * and starts no pass waiting behind it; stopping now records the run in hand `stopped`
 * with the reason and gives its rows back without waiting. And the one place where a
 * job's pass options are made.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMappings } from '../../../../src/mapping/load.ts';
import { createMetricsRegistry } from '../../../../src/observability/metrics.ts';
import { createMemoryQueue } from '../../../../src/queue/memory/memory-queue.ts';
import { mappingLeases } from '../../../../src/sync/runner/mapping-lease.ts';
import { passOptions, startPassWorker, type PassWorker } from '../../../../src/sync/runner/pass-worker.ts';
import { STOPPED_NOW } from '../../../../src/sync/runner/runs-in-hand.ts';
import { projectRoot } from '../../../support/env.ts';
import { startSyncRig, type SyncRig } from '../../../integration/sync/support.ts';
import { recordingLogger } from './fakes.ts';

const mappings = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot })
  .mappings.filter((m) => m.mapping.id === 'contacts-partners')
  .map((m) => m.mapping);
const EMAILS = Array.from({ length: 40 }, (_, i) => `worker.${i}@unit.test`);

let rig: SyncRig;
let worker: PassWorker | undefined;
beforeEach(async () => {
  rig = await startSyncRig({ seed: 17, records: 0 });
  rig.hubspot.store.bulkInsert(
    rig.hubspot.store.requireType('contacts'),
    EMAILS.map((email, i) => ({ email, firstname: 'Unit', lastname: String(i), lifecyclestage: 'customer' })),
    { createdAt: Date.now(), modifiedAt: Date.now() },
  );
});
afterEach(async () => {
  await worker?.close();
  worker = undefined;
  await rig.close();
});

function start() {
  const queue = createMemoryQueue('sync');
  const stop = new AbortController();
  const log = recordingLogger();
  const metrics = createMetricsRegistry({ defaultMetrics: false });
  const leases = mappingLeases({ leases: rig.store.leases, holder: 'p1', leaseMs: 30_000, logger: log.logger });
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
    metrics,
  });
  return { queue, stop, log, metrics, leases, worker };
}

const runs = async () => rig.store.runs.list({ mappingId: 'contacts-partners', limit: 100 });
const partnersMade = async () =>
  (await rig.connectors.erp.find('res.partner', { field: 'email', values: EMAILS })).length;
async function until(what: string, check: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; !(await check()); await new Promise((r) => setTimeout(r, 20)))
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

describe('pass worker', () => {
  it('runs a webhook job under the mapping lease: the run succeeds, its rows are done, the lease given up, counted', async () => {
    const { queue, metrics } = start();
    const row = (
      await rig.store.inbox.accept({ source: 'hubspot', deliveryKey: 'd1', payload: { object: 'contacts' } })
    ).id;
    let holder: string | undefined;
    const seen = rig.store.leases.get.bind(rig.store.leases);
    await queue.add('pass', { mapping: 'contacts-partners', side: 'crm', inbox: [row] });
    await until('the row done', async () => {
      holder ??= (await seen('pass:contacts-partners'))?.holder;
      return (await rig.store.inbox.get(row))?.status === 'done';
    });
    expect(holder).toBe('p1/crm');
    expect((await runs()).map((r) => [r.trigger, r.status])).toEqual([['pass:crm', 'succeeded']]);
    expect(await partnersMade()).toBe(EMAILS.length);
    expect(await rig.store.leases.get('pass:contacts-partners')).toBeUndefined();
    expect(await metrics.metrics()).toMatch(
      /frontback_passes_total\{mapping="contacts-partners",side="crm",outcome="succeeded"\} 1/,
    );
  });

  it('stopping: the pass in hand ends after its page, recorded stopped; the one waiting behind it does not start', async () => {
    rig.odoo.kit.faults.latencyMs = 100;
    const { queue, stop, metrics, log, worker: w } = start();
    const row = (
      await rig.store.inbox.accept({ source: 'odoo', deliveryKey: 'd2', payload: { object: 'res.partner' } })
    ).id;
    await queue.add('pass', { mapping: 'contacts-partners', side: 'crm' });
    await until('the first partners', async () => (await partnersMade()) > 0);
    // The other side's pass of the mapping waits behind it in this process.
    await queue.add('pass', { mapping: 'contacts-partners', side: 'erp', inbox: [row] });
    await until('the erp job taken', async () => (await queue.counts()).active === 2);
    stop.abort();
    await w.close();
    const all = await runs();
    expect(all.map((r) => [r.trigger, r.status])).toEqual([['pass:crm', 'stopped']]);
    expect(await partnersMade()).toBeLessThan(EMAILS.length);
    // What it wrote is recorded: every partner made is linked.
    expect(await rig.store.links.list('contacts-partners')).toHaveLength(await partnersMade());
    expect(await rig.store.inbox.get(row)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await rig.store.leases.get('pass:contacts-partners')).toBeUndefined();
    expect(await metrics.metrics()).toMatch(
      /frontback_passes_total\{mapping="contacts-partners",side="crm",outcome="stopped"\} 1/,
    );
    expect(
      log.said('pass stopped after the page in hand (the process is stopping); the next pass goes on from the cursor'),
    ).toBe(1);
  });

  it('stopping now: the run in hand is recorded stopped with the reason, its rows given back, without waiting', async () => {
    const { queue, stop, worker: w } = start();
    const row = (
      await rig.store.inbox.accept({ source: 'hubspot', deliveryKey: 'd3', payload: { object: 'contacts' } })
    ).id;
    // Odoo commits the first write and keeps its answer back: the pass stays in the middle of its page.
    rig.odoo.kit.faults.holdAfterCommit = { count: 1, ms: 5_000 };
    await queue.add('pass', { mapping: 'contacts-partners', side: 'crm', inbox: [row] });
    await until('the answer held', async () => rig.odoo.kit.faults.holdAfterCommit.count === 0);
    stop.abort();
    await w.stopNow();
    const [run] = await runs();
    expect(run).toMatchObject({ trigger: 'pass:crm', status: 'stopped', error: STOPPED_NOW });
    expect(await rig.store.inbox.get(row)).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('makes the pass options of a job in one place: actor, priority, stop signal, run id, page size', () => {
    const signal = new AbortController().signal;
    const onRun = (): void => undefined;
    expect(passOptions({ mapping: 'm', side: 'crm' }, { overlapMs: 60_000 }, signal, onRun)).toEqual({
      apply: true,
      actor: 'poll',
      priority: 'scheduled',
      overlapMs: 60_000,
      signal,
      onRun,
    });
    expect(
      passOptions({ mapping: 'm', side: 'erp', inbox: ['r1'] }, { overlapMs: 0, pageSize: 50 }, signal, onRun),
    ).toMatchObject({ actor: 'webhook', priority: 'webhook', pageSize: 50, signal });
  });
});
