/**
 * The API budget in passes, between the sandboxes: each pass counts the vendor calls it
 * makes per connection, and its run records them with what HubSpot said was left; with
 * HubSpot's window down to the reserve (`sync.budgetReserve`, 0.2), a scheduled pass waits
 * while a webhook-driven pass runs, and the scheduled one goes on when the window refills.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMappings } from '../../../src/mapping/load.ts';
import type { CompiledMapping } from '../../../src/mapping/types.ts';
import { runPass } from '../../../src/sync/pass.ts';
import { projectRoot } from '../../support/env.ts';
import { startSyncRig, type SyncRig } from './support.ts';

let rig: SyncRig;
const mappings = new Map<string, CompiledMapping>();

beforeEach(async () => {
  rig = await startSyncRig({ seed: 7, records: 24 });
  for (const loaded of loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings)
    mappings.set(loaded.mapping.id, loaded.mapping);
});

afterEach(() => rig.close());

const ctx = (id: string) => {
  const mapping = mappings.get(id);
  if (mapping === undefined) throw new Error(`no mapping ${id}`);
  return { mapping, connectors: rig.connectors, store: rig.store, connections: { crm: 'hubspot', erp: 'odoo' } };
};

const calls = (): { hubspot: number; odoo: number } => ({
  hubspot: rig.connectors.crm.budget?.().calls ?? -1,
  odoo: rig.connectors.erp.budget?.().calls ?? -1,
});

/** True once `promise` has settled, after what is pending now has run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('the API budget in sync passes', () => {
  it("counts each pass's calls per connection; its run records them with the budget left", async () => {
    const before = calls();
    const report = await runPass(ctx('contacts-partners'), 'crm', { apply: true });
    const after = calls();
    expect(report.api).toEqual({
      hubspot: {
        calls: after.hubspot - before.hubspot,
        remaining: rig.connectors.crm.budget?.().vendor?.interval?.remaining,
        max: 190,
        dailyRemaining: rig.connectors.crm.budget?.().vendor?.daily?.remaining,
      },
      // Odoo announces no budget: calls only.
      odoo: { calls: after.odoo - before.odoo },
    });
    expect(report.api.hubspot?.calls).toBeGreaterThan(0);
    expect(report.api.odoo?.calls).toBeGreaterThan(0);
    expect((await rig.store.runs.get(report.runId))?.counts.api).toEqual(report.api);

    // A second pass counts only its own calls.
    const again = await runPass(ctx('contacts-partners'), 'crm', { apply: true });
    expect(again.api.hubspot?.calls).toBe(calls().hubspot - after.hubspot);
  });

  it('with the window down to the reserve, a scheduled pass waits and a webhook-driven pass runs', async () => {
    // 100 per 10 minutes: nothing refills while the test runs; 20 are the reserve.
    Object.assign(rig.hubspot.rateLimiter.settings, { max: 100, intervalMs: 600_000 });
    // Calls outside any pass (a person's) are not held: they bring the window down to the reserve.
    while ((rig.connectors.crm.budget?.().vendor?.interval?.remaining ?? 100) > 20)
      await rig.connectors.crm.read('contacts', ['1']);

    const before = calls();
    let scheduledRun: string | undefined;
    const scheduled = runPass(ctx('companies-partners'), 'crm', {
      apply: true,
      onRun: (id) => (scheduledRun = id),
    });
    const webhook = await runPass(ctx('contacts-partners'), 'crm', {
      apply: true,
      actor: 'webhook',
      priority: 'webhook',
    });
    expect(webhook.api.hubspot?.calls).toBeGreaterThan(0);
    // Every HubSpot call since was the webhook-driven pass's: the scheduled one spent none of the reserve.
    expect(calls().hubspot - before.hubspot).toBe(webhook.api.hubspot?.calls);
    expect(rig.connectors.crm.budget?.().vendor?.interval?.remaining).toBe(20 - (webhook.api.hubspot?.calls ?? 0));
    expect((await rig.store.runs.get(webhook.runId))?.status).toBe('succeeded');
    expect(await settled(scheduled)).toBe(false);
    expect(scheduledRun).toBeDefined();
    expect((await rig.store.runs.get(scheduledRun ?? ''))?.status).toBe('running');

    // The window refills (a new one); the next answer says so, and the scheduled pass goes on.
    rig.hubspot.rateLimiter.reset();
    await rig.connectors.crm.read('contacts', ['1']);
    const report = await scheduled;
    expect((await rig.store.runs.get(report.runId))?.status).toBe('succeeded');
    expect(report.api.hubspot?.calls).toBeGreaterThan(0);
  });
});
