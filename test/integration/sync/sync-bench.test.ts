/**
 * The core of the sync benchmark (bench/sync-rig.ts), small and fast, for correctness only
 * (its speed is the benchmark's business): a write-heavy first sync of 240 HubSpot customers
 * whose Odoo partners hold other values under messy emails, and 60 that Odoo lacks. Every
 * pair is updated with HubSpot's values, every create made once, no person twice, and the
 * calls the benchmark divides by records are the calls the sandboxes answered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runEngine, startVendors, type Vendors } from '../../../bench/sync-rig.ts';

let vendors: Vendors | undefined;
afterEach(async () => {
  await vendors?.close();
  vendors = undefined;
});

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

describe('the sync benchmark core', () => {
  it.each([0, 5])('at %i ms: every pair updated, every create made once, the calls counted', async (latencyMs) => {
    vendors = await startVendors({ updates: 240, creates: 60, latencyMs });
    const before = vendors.requests();
    const engine = await runEngine({ urls: vendors.urls, rateLimits: 'none' });
    const after = vendors.requests();

    expect(engine.read).toBe(300);
    expect(engine.guarded).toBe(false);
    expect(engine.counts).toMatchObject({ sync: 240, create: 60, failed: 0, conflicted: 0, guarded: 0 });
    const v = vendors.verify();
    expect(v.wrong).toEqual([]);
    expect(v).toMatchObject({ updated: 240, created: 60, duplicates: 0, partnersBefore: 240, partnersAfter: 300 });
    // What the client counted by route is what each sandbox answered.
    expect(sum(engine.calls['hubspot'] ?? {})).toBe(sum(after.hubspot) - sum(before.hubspot));
    expect(sum(engine.calls['odoo'] ?? {})).toBe(sum(after.odoo) - sum(before.odoo));
    expect(Object.keys(engine.calls['odoo'] ?? {})).toContain('POST res.partner.load');
    expect(engine.peakRssMb).toBeGreaterThan(0);
  });
});
