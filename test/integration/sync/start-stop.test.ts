/**
 * Honest stopping of `frontback start` and `frontback worker`, by real signals to the
 * real process, on the in-process queue (test/faults/worker-sigterm.test.ts runs workers
 * on Redis): a pass creates Odoo partners for 48 new HubSpot customers (under the create
 * guard's 50) in pages of 5, Odoo slowed to 150 ms an answer.
 * - Ctrl-C once says at once that it stops after the pages in hand, ends the pass there
 *   (everything written is linked), records the run `stopped`, gives every lease up
 *   (the mapping's and the scheduler's) and exits 0; the next `sync` runs at once and
 *   finishes the rest;
 * - Ctrl-C twice, while Odoo holds back the answer to a write (so the pass is certainly in
 *   the middle of a page): stops now, exit 130; the run is recorded `stopped` with the
 *   reason, every lease given up; the next `sync` runs at once and makes no duplicate.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { passLease, SCHEDULER_LEASE, STOPPED_NOW } from '../../../src/sync/runner/index.ts';
import { freePort, runFrontback, startFrontback } from '../../support/cli.ts';
import { waitUntil } from '../../faults/worker-rig.ts';
import { startSyncRig, writeCliConfig, type SyncRig } from './support.ts';

let rig: SyncRig;
let config: string;
let emails: string[];

beforeEach(async () => {
  rig = await startSyncRig({ seed: 14, records: 0 });
  config = writeCliConfig(rig, [
    'sync: { pageSize: 5 }',
    'logging: { level: warn }',
    `server: { port: ${await freePort()} }`,
  ]);
  emails = Array.from({ length: 48 }, (_, i) => `start.${i}@stop.test`);
  rig.hubspot.store.bulkInsert(
    rig.hubspot.store.requireType('contacts'),
    emails.map((email, i) => ({ email, firstname: 'Start', lastname: String(i), lifecyclestage: 'customer' })),
    { createdAt: Date.now(), modifiedAt: Date.now() },
  );
  rig.odoo.kit.faults.latencyMs = 150;
});
afterEach(() => rig.close());

/** Odoo partners per new customer email. */
async function partners(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const p of await rig.connectors.erp.find('res.partner', { field: 'email', values: emails }))
    counts.set(String(p.fields.email), (counts.get(String(p.fields.email)) ?? 0) + 1);
  return counts;
}
/** The run of the start's pass of contacts-partners from HubSpot (the one creating the partners). */
const crmRun = async () =>
  (await rig.store.runs.list({ mappingId: 'contacts-partners', limit: 100 })).find((r) => r.trigger === 'pass:crm');
/** Mapping leases and the scheduler lease still in the store. */
const leasesLeft = async () => {
  const names = [
    SCHEDULER_LEASE,
    ...['contacts-partners', 'companies-partners', 'deals-orders', 'products'].map(passLease),
  ];
  const left = [];
  for (const name of names) {
    const lease = await rig.store.leases.get(name);
    if (lease) left.push(`${name}: ${lease.holder}`);
  }
  return left;
};
/** The next `sync` of the customers, with Odoo at full speed: it must run at once, not be refused. */
async function nextSync(): Promise<void> {
  rig.odoo.kit.faults.latencyMs = 0;
  const next = await runFrontback(['sync', 'contacts-partners', '--from', 'crm', '-c', config]);
  expect(next.stderr).not.toContain('is running elsewhere');
  expect(next.code, next.stdout + next.stderr).toBe(0);
  expect([...(await partners()).values()]).toEqual(emails.map(() => 1));
  expect(await rig.store.links.list('contacts-partners')).toHaveLength(emails.length);
}

describe.each(['start', 'worker'])('frontback %s, stopped by Ctrl-C', (command) => {
  it('once: the pass stops after the pages in hand, recorded; every lease given up; exit 0; the next sync at once', async () => {
    const start = startFrontback([command, '--every', '30m', '-c', config]);
    expect(await waitUntil(async () => (await partners()).size > 0, 60_000, 20), start.output()).toBe(true);
    const code = await start.stop('SIGINT');
    expect(code, start.output()).toBe(0);
    expect(start.output()).toContain('stopping after the pages in hand; Ctrl-C again to stop now');
    expect(start.output()).toContain(`frontback ${command} stopped`);
    const made = (await partners()).size;
    expect(made).toBeLessThan(emails.length);
    // Nothing written and left unrecorded: every partner made is linked.
    expect(await rig.store.links.list('contacts-partners')).toHaveLength(made);
    expect(await crmRun()).toMatchObject({ status: 'stopped' });
    expect(await leasesLeft()).toEqual([]);
    await nextSync();
  }, 120_000);

  it('twice: stops now, exit 130; the run in hand recorded stopped with the reason; every lease given up', async () => {
    const start = startFrontback([command, '--every', '30m', '-c', config]);
    expect(await waitUntil(async () => (await partners()).size > 0, 60_000, 20), start.output()).toBe(true);
    // Odoo commits the next write and holds its answer back: the pass stays in the middle of that page.
    rig.odoo.kit.faults.holdAfterCommit = { count: 1, ms: 120_000 };
    expect(await waitUntil(async () => rig.odoo.kit.faults.holdAfterCommit.count === 0, 60_000, 20)).toBe(true);
    void start.stop('SIGINT');
    expect(await start.waitFor('Ctrl-C again to stop now', 10_000), start.output()).toBe(true);
    const code = await start.stop('SIGINT');
    expect(code, start.output()).toBe(130);
    expect(start.output()).toContain('stopping now: what was written is recorded by the next pass');
    expect(start.output()).not.toContain(`frontback ${command} stopped`);
    expect(await crmRun()).toMatchObject({ status: 'stopped', error: STOPPED_NOW });
    expect(await leasesLeft()).toEqual([]);
    await nextSync();
  }, 120_000);
});
