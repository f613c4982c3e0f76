/**
 * Distributed mode in one test process: two runners, as two `frontback worker`s would be,
 * each with its own PostgreSQL store handle and its own BullMQ queue on one Redis, against
 * both sandboxes, polling every 300 ms. Exactly one of them schedules; passes of one
 * mapping (either side) never overlap in time, whichever worker runs them; both workers
 * take jobs; a HubSpot edit reaches its Odoo partner, and no partner is made twice; when
 * the scheduler stops, the other takes over (it says so and holds the lease) and the next
 * edit still arrives.
 *
 * It waits for states, not for times: each step waits (up to a deadline far beyond a
 * loaded machine's pace) for what it needs to see. Leases last 4 s, renewed every 1.3 s,
 * so only an event loop or a database stalled for seconds loses one (a lease running out
 * is another test's subject: test/faults/lost-lock.test.ts); the scheduler is checked
 * after two lease lengths at least, so its renewals are exercised. The handover here is
 * the stopped scheduler giving its lease up. Any lease lost anyway is named in the failure.
 * (Needs Redis and PostgreSQL: mandatory under CI=true, skipped with the reason elsewhere.)
 */
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMappings, type LoadedMapping } from '../../../src/mapping/load.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createBullMqQueue, obliterateBullMqQueue } from '../../../src/queue/bullmq/bullmq-queue.ts';
import type { JobQueue } from '../../../src/queue/job-queue.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { startRunner, type Runner } from '../../../src/sync/runner/index.ts';
import { havePostgres, haveRedis, POSTGRES_URL, projectRoot, REDIS_URL } from '../../support/env.ts';
import { startSyncRig, type SyncRig } from './support.ts';

const ready = (await haveRedis()) && (await havePostgres());
const schema = `fb_dist_${process.pid}_${Date.now().toString(36)}`;
const prefix = `fbdist${process.pid}`;
const QUEUE = 'sync';
/** How long leases last; renewed every third of it. */
const LEASE_MS = 4_000;
/** How long a step may take at most on a loaded machine (it normally takes a second or two). */
const STEP_MS = 60_000;

interface Worker {
  name: string;
  store: Store;
  queue: JobQueue;
  runner: Runner;
  lines: Record<string, unknown>[];
  stopped: boolean;
}

let rig: SyncRig;
let mappings: LoadedMapping[];
const workers: Worker[] = [];

async function startWorker(name: string): Promise<Worker> {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const store = await createStore({ url: POSTGRES_URL, schema });
  const queue = createBullMqQueue(QUEUE, { redisUrl: REDIS_URL, prefix });
  const runner = startRunner({
    mappings,
    connectors: rig.byName,
    store,
    queue,
    logger: createLogger({ level: 'debug', destination }),
    overlapMs: 0,
    concurrency: 2,
    everyMsOverride: 300,
    inboxEveryMs: 300,
    holder: name,
    leaseMs: LEASE_MS,
  });
  const worker = { name, store, queue, runner, lines, stopped: false };
  workers.push(worker);
  return worker;
}

async function stopWorker(w: Worker): Promise<void> {
  if (w.stopped) return;
  w.stopped = true;
  await w.runner.stop();
  await w.queue.close();
  await w.store.close();
}

const says = (w: Worker, msg: string) => w.lines.filter((l) => l.msg === msg);
const SCHEDULES = 'this process schedules the passes and reconciles the inbox now';
/** Warnings a lease running out would log (none expected here), for failure messages. */
const leaseWarnings = (): string =>
  workers
    .flatMap((w) =>
      w.lines
        .filter((l) => l.level === 40 && String(l.msg).includes('lease'))
        .map((l) => `${w.name}: ${String(l.msg)}`),
    )
    .join('\n') || 'no lease lost';

async function until(what: string, check: () => Promise<boolean> | boolean, ms = STEP_MS): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what} (${leaseWarnings()})`);
}

beforeAll(async () => {
  if (!ready) return;
  rig = await startSyncRig({ seed: 21, records: 20 });
  mappings = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.filter(
    (m) => m.mapping.id === 'contacts-partners',
  );
});

afterAll(async () => {
  if (!ready) return;
  for (const w of workers) await stopWorker(w);
  await obliterateBullMqQueue(QUEUE, { redisUrl: REDIS_URL, prefix });
  await rig.close();
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
});

describe.skipIf(!ready)('two workers on one store and one Redis', () => {
  it(
    'one schedules, both work, passes of a side never overlap, edits arrive once; the other takes over scheduling',
    async () => {
      const started = Date.now();
      const [a, b] = [await startWorker('worker-a'), await startWorker('worker-b')];
      const store = a.store;
      // The first passes link every HubSpot customer to its Odoo partner (or create it).
      await until('the first links', async () => (await store.links.list('contacts-partners')).length > 5);
      // Both take pass jobs off the queue (a dropped scheduled pass counts: the side was busy in the other).
      const tookJobs = (w: Worker) =>
        says(w, 'pass done').length + says(w, 'scheduled pass dropped: another process runs this side now').length;
      await until('both workers to take jobs', () => tookJobs(a) > 0 && tookJobs(b) > 0);
      // The scheduler has had to renew its lease a few times by now (a lower bound on time: it cannot flake).
      await until('two lease lengths', () => Date.now() - started >= 2 * LEASE_MS);

      const leaders = [a, b].filter((w) => says(w, SCHEDULES).length > 0);
      expect(leaders, leaseWarnings()).toHaveLength(1);
      const leader = leaders[0]!;
      const follower = leader === a ? b : a;
      expect((await store.leases.get('scheduler'))?.holder, leaseWarnings()).toBe(leader.name);

      // An edit reaches its partner.
      const [pair] = await store.links.list('contacts-partners');
      await rig.connectors.crm.write('contacts', [
        { op: 'update', ref: 'e', id: pair!.crmId, fields: { jobtitle: 'Edited once' } },
      ]);
      await until(
        'the edit in Odoo',
        async () =>
          (await rig.connectors.erp.read('res.partner', [pair!.erpId], ['function']))[0]?.fields.function ===
          'Edited once',
      );

      // The scheduler stops; the other one takes over (at its next lease check, a third of a lease) and the next edit still
      // arrives. The edit waits for the takeover: passes the stopped scheduler had queued may carry it otherwise.
      await stopWorker(leader);
      await until('the other worker to take over scheduling', () => says(follower, SCHEDULES).length > 0);
      expect((await follower.store.leases.get('scheduler'))?.holder).toBe(follower.name);
      await rig.connectors.crm.write('contacts', [
        { op: 'update', ref: 'e2', id: pair!.crmId, fields: { jobtitle: 'Edited twice' } },
      ]);
      await until(
        'the second edit in Odoo',
        async () =>
          (await rig.connectors.erp.read('res.partner', [pair!.erpId], ['function']))[0]?.fields.function ===
          'Edited twice',
      );
      expect(says(follower, SCHEDULES), leaseWarnings()).toHaveLength(1);
      // Enough passes of each side to compare below (they come every 300 ms).
      const finished = async (side: string) =>
        (await follower.store.runs.list({ mappingId: 'contacts-partners', limit: 10_000 })).filter(
          (r) => r.trigger === `pass:${side}` && r.finishedAt !== null,
        ).length;
      await until('three passes of each side', async () => (await finished('crm')) > 2 && (await finished('erp')) > 2);
      await stopWorker(follower);

      // Passes of one mapping (both sides: they link the same pairs), whoever ran them, never overlapped.
      const check = await createStore({ url: POSTGRES_URL, schema });
      const runs = await check.runs
        .list({ mappingId: 'contacts-partners', limit: 10_000 })
        .finally(() => check.close());
      const passes = runs
        .filter((r) => r.trigger.startsWith('pass:'))
        .sort((x, y) => x.startedAt.localeCompare(y.startedAt));
      for (const side of ['crm', 'erp'])
        expect(passes.filter((r) => r.trigger === `pass:${side}`).length, side).toBeGreaterThan(2);
      for (let i = 1; i < passes.length; i++) {
        const before = passes[i - 1]!;
        expect(before.finishedAt, `run ${before.id} unfinished`).not.toBeNull();
        expect(
          passes[i]!.startedAt >= (before.finishedAt ?? ''),
          `runs ${before.id} (${before.trigger}) and ${passes[i]!.id} (${passes[i]!.trigger}) overlap (${leaseWarnings()})`,
        ).toBe(true);
      }
      // No partner was made twice.
      const emails = (
        await rig.connectors.crm.find('contacts', {
          field: 'lifecyclestage',
          values: ['customer', 'opportunity', 'salesqualifiedlead'],
        })
      )
        .map((c) =>
          String(c.fields.email ?? '')
            .trim()
            .toLowerCase(),
        )
        .filter((e) => e !== '');
      const partners = await rig.connectors.erp.find('res.partner', { field: 'email', values: emails });
      const counts = new Map<string, number>();
      for (const p of partners)
        counts.set(String(p.fields.email).toLowerCase(), (counts.get(String(p.fields.email).toLowerCase()) ?? 0) + 1);
      expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    },
    6 * STEP_MS,
  );
});
