/**
 * What the worker fault tests share: both sandboxes, a SQLite store, a configuration for
 * `frontback worker` on BullMQ (a queue prefix of its own) with contacts-partners and the
 * companies mapping its lookup reads, 60 new HubSpot customers that Odoo does not have
 * yet, and Odoo calls slowed so a pass takes long enough to be interrupted.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { obliterateBullMqQueue } from '../../src/queue/bullmq/bullmq-queue.ts';
import { startFrontback, type RunningFrontback } from '../support/cli.ts';
import { projectRoot, REDIS_URL } from '../support/env.ts';
import { startSyncRig, writeCliConfig, type SyncRig } from '../integration/sync/support.ts';

/** A running worker rig. */
export interface WorkerRig {
  rig: SyncRig;
  config: string;
  /** The new customers' emails and HubSpot ids. */
  emails: string[];
  crmIds: Set<string>;
  /** Starts `frontback worker --every 1s` with extra arguments; stopped (SIGKILL) by close(). */
  worker(args?: string[]): RunningFrontback;
  /** Odoo partners per new customer email. */
  partners(): Promise<Map<string, number>>;
  /** Links of the new customers in the store now. */
  linked(): Promise<number>;
  close(): Promise<void>;
}

/** Options of {@link startWorkerRig}. */
export interface WorkerRigOptions {
  /** New HubSpot customers; default 60. */
  count?: number;
  /** People seeded alike in both sandboxes (companies: a third of it); default 10. */
  records?: number;
  /** `sync.pageSize` of the workers; default unset (the connector's largest page). */
  pageSize?: number;
}

export async function startWorkerRig(name: string, seed: number, options: WorkerRigOptions = {}): Promise<WorkerRig> {
  const count = options.count ?? 60;
  const prefix = `fb${name}${process.pid}`;
  const rig = await startSyncRig({ seed, records: options.records ?? 10 });
  const mappings = join(rig.dir, 'mappings');
  cpSync(join(projectRoot, 'mappings/hubspot-odoo'), mappings, { recursive: true });
  // The other flows only slow the passes down.
  for (const file of ['deals-orders.yaml', 'products.yaml']) rmSync(join(mappings, file));
  // The new customers are all creates on purpose: a guard that lets them through (the default would hold the mapping).
  const contacts = join(mappings, 'contacts-partners.yaml');
  writeFileSync(
    contacts,
    readFileSync(contacts, 'utf8').replace(/^schedule:/m, 'guard: { maxCreates: 1000 }\nschedule:'),
  );
  const config = writeCliConfig(rig, [
    `queue: { redis: "${REDIS_URL}", prefix: ${prefix}, concurrency: 2 }`,
    `mappings: { dir: ${JSON.stringify(mappings)} }`,
    `sync: { leaseSeconds: 2${options.pageSize === undefined ? '' : `, pageSize: ${options.pageSize}`} }`,
    'logging: { level: warn }',
  ]);
  const emails = Array.from({ length: count }, (_, i) => `${name}.${i}@worker.test`);
  const created = await rig.connectors.crm.write(
    'contacts',
    emails.map((email, i) => ({
      op: 'create' as const,
      ref: `c${i}`,
      fields: { email, firstname: 'Worker', lastname: `Test ${i}`, lifecyclestage: 'customer' },
    })),
  );
  const crmIds = new Set(created.flatMap((r) => (r.ok ? [r.id] : [])));
  await fetch(`${rig.urls.odoo}/_sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ latencyMs: 25 }),
  });
  const started: RunningFrontback[] = [];
  return {
    rig,
    config,
    emails,
    crmIds,
    worker(args = []) {
      const p = startFrontback(['worker', '--every', '1s', ...args, '-c', config]);
      started.push(p);
      return p;
    },
    async partners() {
      const counts = new Map<string, number>();
      for (const p of await rig.connectors.erp.find('res.partner', { field: 'email', values: emails }))
        counts.set(String(p.fields.email), (counts.get(String(p.fields.email)) ?? 0) + 1);
      return counts;
    },
    async linked() {
      return (await rig.store.links.list('contacts-partners')).filter((l) => crmIds.has(l.crmId)).length;
    },
    async close() {
      for (const p of started) await p.stop('SIGKILL');
      await obliterateBullMqQueue('sync', { redisUrl: REDIS_URL, prefix });
      await rig.close();
    },
  };
}

/** Waits until `check` holds (polling every `everyMs`), or `ms` passes; answers whether it held. */
export async function waitUntil(check: () => Promise<boolean>, ms: number, everyMs = 100): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, everyMs)))
    if (await check()) return true;
  return check();
}
