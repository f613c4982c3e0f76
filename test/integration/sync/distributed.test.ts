/**
 * Distributed mode in one test process: two runners, as two `frontback worker`s would be,
 * each with its own PostgreSQL store handle and its own BullMQ queue on one Redis, against
 * both sandboxes, polling every 300 ms. Exactly one of them schedules; passes of one
 * mapping never overlap in time, whichever worker runs them; both workers take
 * jobs (passes of one mapping, either side, never overlap); a HubSpot edit reaches its Odoo partner once; when the scheduler stops, the other
 * takes over and the next edit still arrives. (Needs Redis and PostgreSQL: mandatory
 * under CI=true, skipped with the reason elsewhere.)
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
import { startRunner, type Runner } from '../../../src/sync/runner.ts';
import { havePostgres, haveRedis, POSTGRES_URL, projectRoot, REDIS_URL } from '../../support/env.ts';
import { startSyncRig, type SyncRig } from './support.ts';

const ready = (await haveRedis()) && (await havePostgres());
const schema = `fb_dist_${process.pid}_${Date.now().toString(36)}`;
const prefix = `fbdist${process.pid}`;
const QUEUE = 'sync';

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
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const store = await createStore({ url: POSTGRES_URL, schema });
  const queue = createBullMqQueue(QUEUE, { redisUrl: REDIS_URL, prefix });
  const runner = startRunner({ mappings, connectors: rig.byName, store, queue, logger: createLogger({ level: 'debug', destination }), overlapMs: 0, concurrency: 2, everyMsOverride: 300, inboxEveryMs: 300, holder: name, leaseMs: 1_500 });
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

async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  if (!ready) return;
  rig = await startSyncRig({ seed: 21, records: 20 });
  mappings = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.filter((m) => m.mapping.id === 'contacts-partners');
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
  it('one schedules, both work, passes of a side never overlap, edits arrive once; the other takes over scheduling', async () => {
    const [a, b] = [await startWorker('worker-a'), await startWorker('worker-b')];
    const store = a.store;
    // The first passes link every HubSpot customer to its Odoo partner (or create it).
    await until('the first links', async () => (await store.links.list('contacts-partners')).length > 5);
    await sleep(2_000);

    const leaders = [a, b].filter((w) => says(w, 'this process schedules the passes and reconciles the inbox now').length > 0);
    expect(leaders).toHaveLength(1);
    const leader = leaders[0]!;
    const follower = leader === a ? b : a;
    expect((await store.leases.get('scheduler'))?.holder).toBe(leader.name);
    // Both took pass jobs off the queue (a dropped scheduled pass counts: the side was busy in the other).
    for (const w of [a, b]) expect(says(w, 'pass done').length + says(w, 'scheduled pass dropped: another process runs this side now').length, w.name).toBeGreaterThan(0);

    // An edit reaches its partner.
    const [pair] = await store.links.list('contacts-partners');
    await rig.connectors.crm.write('contacts', [{ op: 'update', ref: 'e', id: pair!.crmId, fields: { jobtitle: 'Edited once' } }]);
    await until('the edit in Odoo', async () => (await rig.connectors.erp.read('res.partner', [pair!.erpId], ['function']))[0]?.fields.function === 'Edited once');

    // The scheduler stops; the other one takes over and the next edit still arrives.
    await stopWorker(leader);
    await rig.connectors.crm.write('contacts', [{ op: 'update', ref: 'e2', id: pair!.crmId, fields: { jobtitle: 'Edited twice' } }]);
    await until('the second edit in Odoo', async () => (await rig.connectors.erp.read('res.partner', [pair!.erpId], ['function']))[0]?.fields.function === 'Edited twice');
    expect(says(follower, 'this process schedules the passes and reconciles the inbox now')).toHaveLength(1);
    await stopWorker(follower);

    // Passes of one mapping (both sides: they link the same pairs), whoever ran them, never overlapped.
    const check = await createStore({ url: POSTGRES_URL, schema });
    const runs = await check.runs.list({ mappingId: 'contacts-partners', limit: 10_000 }).finally(() => check.close());
    const passes = runs.filter((r) => r.trigger.startsWith('pass:')).sort((x, y) => x.startedAt.localeCompare(y.startedAt));
    for (const side of ['crm', 'erp']) expect(passes.filter((r) => r.trigger === `pass:${side}`).length, side).toBeGreaterThan(2);
    for (let i = 1; i < passes.length; i++) {
      const before = passes[i - 1]!;
      expect(before.finishedAt, `run ${before.id} unfinished`).not.toBeNull();
      expect(passes[i]!.startedAt >= (before.finishedAt ?? ''), `runs ${before.id} (${before.trigger}) and ${passes[i]!.id} (${passes[i]!.trigger}) overlap`).toBe(true);
    }
    // No partner was made twice.
    const emails = (await rig.connectors.crm.find('contacts', { field: 'lifecyclestage', values: ['customer', 'opportunity', 'salesqualifiedlead'] })).map((c) => String(c.fields.email ?? '').trim().toLowerCase()).filter((e) => e !== '');
    const partners = await rig.connectors.erp.find('res.partner', { field: 'email', values: emails });
    const counts = new Map<string, number>();
    for (const p of partners) counts.set(String(p.fields.email).toLowerCase(), (counts.get(String(p.fields.email).toLowerCase()) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
  }, 90_000);
});
