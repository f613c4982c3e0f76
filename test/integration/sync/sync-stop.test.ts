/**
 * Honest stopping of `frontback sync` (a pass creating Odoo partners for 40 new HubSpot
 * customers, in pages of 5, with Odoo slowed to 150 ms an answer):
 * - Ctrl-C once says at once that it stops after the pages in hand, ends the pass there
 *   (everything written is linked), records the run `stopped`, gives the mapping's lease
 *   up and exits 130; the next `sync` runs at once and finishes the rest;
 * - Ctrl-C twice, while Odoo holds back the answer to a write (so the pass is certainly in
 *   the middle of a page), stops now: the run is still recorded `stopped`, with the reason,
 *   and the lease given up; the next `sync` finishes with exactly one partner per customer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { passLease, STOPPED_NOW } from '../../../src/sync/runner/index.ts';
import { runFrontback, startFrontback } from '../../support/cli.ts';
import { waitUntil } from '../../faults/worker-rig.ts';
import { startSyncRig, writeCliConfig, type SyncRig } from './support.ts';

let rig: SyncRig;
let config: string;
let emails: string[];

beforeEach(async () => {
  rig = await startSyncRig({ seed: 13, records: 0 });
  config = writeCliConfig(rig, ['sync: { pageSize: 5 }', 'logging: { level: warn }']);
  emails = Array.from({ length: 40 }, (_, i) => `stop.${i}@sync.test`);
  rig.hubspot.store.bulkInsert(
    rig.hubspot.store.requireType('contacts'),
    emails.map((email, i) => ({ email, firstname: 'Stop', lastname: String(i), lifecyclestage: 'customer' })),
    { createdAt: Date.now(), modifiedAt: Date.now() },
  );
  rig.odoo.kit.faults.latencyMs = 150;
});
afterEach(() => rig.close());

/** Odoo partners per new customer email. */
async function partners(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const p of await rig.connectors.erp.find('res.partner', { field: 'email', values: emails })) {
    counts.set(String(p.fields.email), (counts.get(String(p.fields.email)) ?? 0) + 1);
  }
  return counts;
}
const lastRun = async () => (await rig.store.runs.list({ mappingId: 'contacts-partners', limit: 1 }))[0];

describe('frontback sync, stopped by Ctrl-C', () => {
  it('once: stops after the pages in hand, recorded, lease given up, exit 130; the next sync goes on at once', async () => {
    const sync = startFrontback(['sync', 'contacts-partners', '--from', 'crm', '-c', config]);
    expect(await waitUntil(async () => (await partners()).size > 0, 60_000, 20), sync.output()).toBe(true);
    const code = await sync.stop('SIGINT');
    expect(code, sync.output()).toBe(130);
    expect(sync.output()).toContain('stopping after the pages in hand; Ctrl-C again to stop now');
    expect(sync.output()).toMatch(/stopped \(Ctrl-C\) after the pages in hand/);
    const made = (await partners()).size;
    expect(made).toBeLessThan(emails.length);
    // Nothing written and left unrecorded: every partner made is linked.
    expect(await rig.store.links.list('contacts-partners')).toHaveLength(made);
    expect((await lastRun())?.status).toBe('stopped');
    expect(await rig.store.leases.get(passLease('contacts-partners'))).toBeUndefined();
    rig.odoo.kit.faults.latencyMs = 0;
    const next = await runFrontback(['sync', 'contacts-partners', '--from', 'crm', '-c', config]);
    expect(next.code, next.stderr).toBe(0);
    expect([...(await partners()).values()]).toEqual(emails.map(() => 1));
  }, 120_000);

  it('twice: stops now; the run is still recorded stopped and the lease given up; the next sync makes no duplicate', async () => {
    const sync = startFrontback(['sync', 'contacts-partners', '--from', 'crm', '-c', config]);
    expect(await waitUntil(async () => (await partners()).size > 0, 60_000, 20), sync.output()).toBe(true);
    // Odoo commits the next write and holds its answer back: the pass stays in the middle of that page.
    rig.odoo.kit.faults.holdAfterCommit = { count: 1, ms: 120_000 };
    expect(await waitUntil(async () => rig.odoo.kit.faults.holdAfterCommit.count === 0, 60_000, 20)).toBe(true);
    void sync.stop('SIGINT');
    await sync.waitFor('Ctrl-C again to stop now', 10_000);
    const code = await sync.stop('SIGINT');
    expect(code, sync.output()).toBe(130);
    expect(sync.output()).toContain('stopping now: what was written is recorded by the next pass');
    expect(await lastRun()).toMatchObject({ status: 'stopped', error: STOPPED_NOW });
    expect(await rig.store.leases.get(passLease('contacts-partners'))).toBeUndefined();
    rig.odoo.kit.faults.latencyMs = 0;
    const next = await runFrontback(['sync', 'contacts-partners', '--from', 'crm', '-c', config]);
    expect(next.code, next.stderr).toBe(0);
    expect([...(await partners()).values()]).toEqual(emails.map(() => 1));
    expect(await rig.store.links.list('contacts-partners')).toHaveLength(emails.length);
  }, 120_000);
});
