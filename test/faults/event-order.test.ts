/**
 * RELIABILITY fault tests 7 and 8, through the engine's loop fed by the webhook inbox
 * (schedules an hour away, so only deliveries move anything):
 *
 * - 7: deliveries out of order (the later edit's first, a deletion's before an update's):
 *   a delivery is only a hint, every pass reads the record as it is now, so the final
 *   state is the newest; the stale delivery's pass finds nothing to do (counted unchanged in its run, not audited);
 * - 8: the same record edited again while its pass runs (slow Odoo): the newer value still
 *   arrives, through its own delivery's pass, which waits for the running one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMappings } from '../../src/mapping/load.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMemoryQueue } from '../../src/queue/memory/memory-queue.ts';
import type { AuditEntry } from '../../src/store/audit-repository.ts';
import { runPass } from '../../src/sync/pass.ts';
import { startRunner, type Runner } from '../../src/sync/runner/index.ts';
import { projectRoot } from '../support/env.ts';
import { startSyncRig, type SyncRig } from '../integration/sync/support.ts';

let rig: SyncRig;
let runner: Runner;
let deliveries = 0;

beforeEach(async () => {
  rig = await startSyncRig({ seed: 61, records: 12 });
  const loaded = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.find(
    (m) => m.mapping.id === 'contacts-partners',
  )!;
  const ctx = {
    mapping: loaded.mapping,
    connectors: rig.connectors,
    store: rig.store,
    connections: { crm: 'hubspot', erp: 'odoo' },
  };
  await runPass(ctx, 'crm', { apply: true });
  await runPass(ctx, 'erp', { apply: true });
  runner = startRunner({
    mappings: [loaded],
    connectors: rig.byName,
    store: rig.store,
    queue: createMemoryQueue('sync'),
    logger: createLogger({ level: 'silent' }),
    overlapMs: 0,
    concurrency: 2,
    everyMsOverride: 3_600_000,
    inboxEveryMs: 100,
  });
  // The runner's first poll of each side (at start) is over before anything is edited: from here on, only deliveries move things.
  await until('the first polls', async () => {
    const runs = await rig.store.runs.list({ mappingId: 'contacts-partners' });
    return runs.length >= 4 && runs.every((r) => r.status !== 'running');
  });
});
afterEach(async () => {
  await runner.stop();
  await rig.close();
});

const deliver = async (crmId: string): Promise<string> =>
  (
    await rig.store.inbox.accept({
      source: 'hubspot',
      deliveryKey: `d${++deliveries}`,
      payload: { object: 'contacts', id: crmId },
    })
  ).id;
const done = async (ids: string[]): Promise<boolean> =>
  (await Promise.all(ids.map((id) => rig.store.inbox.get(id)))).every((r) => r?.status === 'done');
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (const end = Date.now() + 20_000; Date.now() < end; await sleep(100)) if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
}
const fn = async (erpId: string) => (await rig.connectors.erp.read('res.partner', [erpId], ['function', 'active']))[0];
/** Audit entries of the pair after `seq`. */
async function entriesFor(crmId: string, seq: number): Promise<AuditEntry[]> {
  return (await rig.store.audit.after(seq, 10_000)).filter((e) => e.crmId === crmId);
}
const head = async (): Promise<number> => (await rig.store.audit.head())?.seq ?? 0;
/** The mapping's newest run (the pass of the last delivery handled). */
const newestRun = async () => (await rig.store.runs.list({ mappingId: 'contacts-partners', limit: 1 }))[0];

describe('deliveries out of order, and edits during a pass', () => {
  it('7: the later edit delivered first, then the earlier: the newest value wins; the stale delivery is skipped', async () => {
    const [pair] = await rig.store.links.list('contacts-partners');
    const start = await head();
    await rig.connectors.crm.write('contacts', [
      { op: 'update', ref: 'v1', id: pair!.crmId, fields: { jobtitle: 'Version 1' } },
    ]);
    await rig.connectors.crm.write('contacts', [
      { op: 'update', ref: 'v2', id: pair!.crmId, fields: { jobtitle: 'Version 2' } },
    ]);
    const second = await deliver(pair!.crmId);
    await until('the first delivery done', () => done([second]));
    const first = await deliver(pair!.crmId);
    await until('the stale delivery done', () => done([first]));
    expect((await fn(pair!.erpId))?.fields.function).toBe('Version 2');
    const mine = await entriesFor(pair!.crmId, start);
    // The stale delivery's pass found the pair as last synced: counted in its run (`unchanged`), not audited.
    expect(mine.map((e) => e.action)).toEqual(['applied']);
    expect((await newestRun())?.counts['unchanged']).toBe(1);
  }, 60_000);

  it('7: a deletion delivered before an update: the partner ends archived; the update delivery changes nothing', async () => {
    const [pair] = await rig.store.links.list('contacts-partners');
    const start = await head();
    await rig.connectors.crm.write('contacts', [
      { op: 'update', ref: 'u', id: pair!.crmId, fields: { jobtitle: 'Before leaving' } },
    ]);
    await rig.connectors.crm.write('contacts', [{ op: 'archive', ref: 'd', id: pair!.crmId }]);
    const deletion = await deliver(pair!.crmId);
    await until('the deletion delivery done', () => done([deletion]));
    const update = await deliver(pair!.crmId);
    await until('the update delivery done', () => done([update]));
    expect((await fn(pair!.erpId))?.archived).toBe(true);
    const mine = await entriesFor(pair!.crmId, start);
    expect(mine.filter((e) => e.action === 'applied').map((e) => e.details?.['op'])).toEqual(['archive']);
    // The update delivery's pass found the deletion followed already: counted in its run, not audited.
    // (Its deletions listing re-reads the other archived contacts too, each counted the same way.)
    expect(mine.filter((e) => e.action === 'skipped')).toEqual([]);
    expect((await newestRun())?.counts['unchanged']).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('a delivery put back to pending (its pass stopped early, or a retry asked for) is taken again, not ignored as a finished job', async () => {
    const [pair] = await rig.store.links.list('contacts-partners');
    const id = await deliver(pair!.crmId);
    await until('the delivery done', () => done([id]));
    const before = (await rig.store.inbox.get(id))?.attempts ?? 0;
    await rig.store.inbox.release(id);
    await until(
      'the delivery done again',
      async () =>
        (await rig.store.inbox.get(id))?.status === 'done' && ((await rig.store.inbox.get(id))?.attempts ?? 0) > before,
    );
  }, 60_000);

  it('8: edited again while its pass runs: the newer value still arrives', async () => {
    const [pair] = await rig.store.links.list('contacts-partners');
    await fetch(`${rig.urls.odoo}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 150 }),
    });
    await rig.connectors.crm.write('contacts', [
      { op: 'update', ref: 'a', id: pair!.crmId, fields: { jobtitle: 'First edit' } },
    ]);
    const first = await deliver(pair!.crmId);
    await until('its pass running', async () => (await rig.store.inbox.get(first))?.status === 'processing');
    await rig.connectors.crm.write('contacts', [
      { op: 'update', ref: 'b', id: pair!.crmId, fields: { jobtitle: 'Second edit' } },
    ]);
    const second = await deliver(pair!.crmId);
    await until('both deliveries done', () => done([first, second]));
    expect((await fn(pair!.erpId))?.fields.function).toBe('Second edit');
  }, 60_000);
});
