/**
 * RELIABILITY fault test 2: a worker loses its lock. Process A (fixtures/blocking-worker.ts,
 * BullMQ locks of 1 s, leases of 1 s) writes the Odoo partners of 30 new HubSpot customers
 * and then blocks its event loop for 8 s before recording anything, as a long CPU-bound
 * stretch or GC pause would: its job lock, its scheduler lease and its pass lease run out.
 * Worker B (this process, the same queue and store) takes over: the stalled job or the next
 * slot runs the pass again, whose creates are idempotent (Odoo external ids). When A wakes
 * up, it goes on recording a page B has recorded already: the link it would make exists
 * (reused, not doubled), its snapshot write loses the compare-and-set, and its job fails
 * and is retried harmlessly. In the end each customer has exactly one partner and one
 * link, and the audit chain is intact. (Needs Redis: mandatory under CI=true.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMappings } from '../../src/mapping/load.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createBullMqQueue, obliterateBullMqQueue } from '../../src/queue/bullmq/bullmq-queue.ts';
import type { JobQueue } from '../../src/queue/job-queue.ts';
import { startRunner, type Runner } from '../../src/sync/runner/index.ts';
import { haveRedis, projectRoot, REDIS_URL } from '../support/env.ts';
import { startSyncRig, type SyncRig } from '../integration/sync/support.ts';
import { waitUntil } from './worker-rig.ts';

const ready = await haveRedis();
const prefix = `fblock${process.pid}`;
const N = 30;
const EMAILS = Array.from({ length: N }, (_, i) => `lock.${i}@lost.test`);

let rig: SyncRig;
let a: ChildProcess | undefined;
let aOutput = '';
let queue: JobQueue | undefined;
let b: Runner | undefined;
let crmIds: Set<string>;

beforeAll(async () => {
  if (!ready) return;
  rig = await startSyncRig({ seed: 81, records: 6 });
  const created = await rig.connectors.crm.write(
    'contacts',
    EMAILS.map((email, i) => ({
      op: 'create' as const,
      ref: `c${i}`,
      fields: { email, firstname: 'Lock', lastname: `Test ${i}`, lifecyclestage: 'customer' },
    })),
  );
  crmIds = new Set(created.flatMap((r) => (r.ok ? [r.id] : [])));
});

afterAll(async () => {
  if (!ready) return;
  a?.kill('SIGKILL');
  await b?.stop();
  await queue?.close();
  await obliterateBullMqQueue('sync', { redisUrl: REDIS_URL, prefix });
  await rig.close();
});

const partners = async (): Promise<Map<string, number>> => {
  const counts = new Map<string, number>();
  for (const p of await rig.connectors.erp.find('res.partner', { field: 'email', values: EMAILS }))
    counts.set(String(p.fields.email), (counts.get(String(p.fields.email)) ?? 0) + 1);
  return counts;
};

describe.skipIf(!ready)('a worker that loses its lock in the middle of a pass', () => {
  it('another runs the job again; the writes stay single', async () => {
    a = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'test/faults/fixtures/blocking-worker.ts')], {
      cwd: projectRoot,
      env: {
        ...process.env,
        FB_HUBSPOT: rig.urls.hubspot,
        FB_ODOO: rig.urls.odoo,
        FB_STORE: rig.storePath,
        FB_REDIS: REDIS_URL,
        FB_PREFIX: prefix,
        FB_BLOCK_MS: '8000',
        FB_ROOT: projectRoot,
      },
    });
    a.stdout?.on('data', (d: Buffer) => (aOutput += d.toString()));
    a.stderr?.on('data', (d: Buffer) => (aOutput += d.toString()));
    expect(await waitUntil(async () => aOutput.includes('blocking'), 60_000), aOutput).toBe(true);

    // A is stuck after its Odoo write; B starts on the same queue and store.
    const mappings = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.filter(
      (m) => m.mapping.id === 'contacts-partners',
    );
    queue = createBullMqQueue('sync', { redisUrl: REDIS_URL, prefix, lockDurationMs: 1_000, stalledIntervalMs: 500 });
    b = startRunner({
      mappings,
      connectors: rig.byName,
      store: rig.store,
      queue,
      logger: createLogger({ level: 'silent' }),
      overlapMs: 0,
      pageSize: 10,
      concurrency: 1,
      everyMsOverride: 1_000,
      holder: 'worker-b',
      leaseMs: 1_000,
    });
    // B links every customer to the partner A wrote (no second one), while A is still blocked.
    const linked = async () =>
      (await rig.store.links.list('contacts-partners')).filter((l) => crmIds.has(l.crmId)).length;
    expect(await waitUntil(async () => (await linked()) === N, 20_000, 100)).toBe(true);
    expect(aOutput).not.toContain('unblocked');
    // A wakes up and goes on; give both a few more passes.
    expect(await waitUntil(async () => aOutput.includes('unblocked'), 20_000), aOutput).toBe(true);
    await new Promise((r) => setTimeout(r, 4_000));

    expect(
      [...(await partners())].filter(([, n]) => n !== 1),
      aOutput,
    ).toEqual([]);
    const links = await rig.store.links.list('contacts-partners');
    expect(new Set(links.map((l) => l.crmId)).size).toBe(links.length);
    expect(new Set(links.map((l) => l.erpId)).size).toBe(links.length);
    const ids = new Set(links.map((l) => l.erpId));
    for (const p of await rig.connectors.erp.find('res.partner', { field: 'email', values: EMAILS }))
      expect(ids.has(p.id), `partner ${p.id} unlinked`).toBe(true);
    expect(await linked()).toBe(N);
    expect((await rig.store.audit.verify()).ok).toBe(true);
  }, 120_000);
});
