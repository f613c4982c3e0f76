/**
 * RELIABILITY fault test 11 (the worker side): SIGTERM reaches a `frontback worker` in the
 * middle of a pass creating Odoo partners for 60 new HubSpot customers (pages of 10, two
 * handled at once: the connectors' default concurrency). It takes no new
 * job, ends the running pass after the page in hand (recorded: every partner written so
 * far is linked), gives up its leases and exits 0 well within a container's grace period.
 * A worker started afterwards goes on from the cursor at once (the leases were given up,
 * not left to run out): every customer ends with exactly one partner.
 * (Needs Redis: mandatory under CI=true, skipped with the reason elsewhere.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveRedis } from '../support/env.ts';
import { startWorkerRig, waitUntil, type WorkerRig } from './worker-rig.ts';

const ready = await haveRedis();
let w: WorkerRig;

beforeAll(async () => {
  if (ready) w = await startWorkerRig('term', 37, { pageSize: 10 });
});
afterAll(async () => {
  if (ready) await w.close();
});

describe.skipIf(!ready)('a worker stopped by SIGTERM in the middle of a pass', () => {
  it('records what it wrote, exits 0 within the grace period, and the next worker finishes the rest', async () => {
    const first = w.worker();
    expect(await waitUntil(async () => (await w.partners()).size > 0, 60_000, 5), first.output()).toBe(true);
    const asked = Date.now();
    expect(await first.stop('SIGTERM'), first.output()).toBe(0);
    expect(Date.now() - asked).toBeLessThan(30_000);
    expect(first.output()).toContain('frontback worker stopped');
    // Nothing written and left unrecorded: every partner it made is linked.
    const made = [...(await w.partners()).values()].reduce((a, b) => a + b, 0);
    expect(await w.linked(), first.output()).toBe(made);
    expect(await w.rig.store.leases.get('scheduler')).toBeUndefined();

    const second = w.worker();
    // Stopped only once it runs (its signal handlers are set) and has linked every customer: the first worker may
    // have written every partner already, so partners alone would not say that the second one did anything yet.
    expect(await second.waitFor('frontback worker: running', 60_000), second.output()).toBe(true);
    expect(
      await waitUntil(
        async () => (await w.partners()).size === w.emails.length && (await w.linked()) === w.emails.length,
        60_000,
        250,
      ),
      second.output(),
    ).toBe(true);
    expect(await second.stop('SIGTERM'), second.output()).toBe(0);
    expect([...(await w.partners())].filter(([, n]) => n !== 1)).toEqual([]);
    expect(await w.linked()).toBe(w.emails.length);
    expect((await w.rig.store.audit.verify()).ok).toBe(true);
  }, 180_000);
});
