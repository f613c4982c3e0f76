/**
 * The HubSpot connection's budget against the sandbox, which announces its limits in every
 * answer's X-HubSpot-RateLimit-* headers (190 per 10 s by default, a Professional app): the
 * connection counts its calls, keeps the latest reading, adopts the announced rate over the
 * declared 100 per 10 s (and a changed one later), unless the connection set its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRig, type SandboxRig } from './support.ts';

let rig: SandboxRig;
afterEach(() => rig.close());

describe('the HubSpot budget against the sandbox', () => {
  it('counts calls, reads the headers and adopts the announced rate limit, then a changed one', async () => {
    rig = await startRig({ records: 3 }, { rateLimit: undefined });
    const declared = rig.connector.budget?.();
    expect(declared).toMatchObject({
      calls: 0,
      rateLimit: { requests: 100, perMs: 10_000 },
      rateLimitFrom: 'declared',
    });
    expect(declared?.vendor).toBeUndefined();

    await rig.connector.read('contacts', ['1', '2']);
    const adopted = rig.connector.budget?.();
    expect(adopted?.calls).toBe(rig.statuses.length);
    expect(adopted).toMatchObject({
      rateLimit: { requests: 190, perMs: 10_000 },
      rateLimitFrom: 'vendor',
      vendor: {
        interval: { max: 190, remaining: 190 - rig.statuses.length, intervalMs: 10_000 },
        daily: { max: 1_000_000, remaining: 1_000_000 - rig.statuses.length },
      },
    });

    const put = await fetch(`${rig.url}/_sandbox/limits`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ max: 120, intervalMs: 5_000 }),
    });
    expect(put.status).toBe(200);
    await rig.connector.read('contacts', ['3']);
    expect(rig.connector.budget?.()).toMatchObject({
      rateLimit: { requests: 120, perMs: 5_000 },
      rateLimitFrom: 'vendor',
      vendor: { interval: { max: 120, intervalMs: 5_000 } },
    });
  });

  it('keeps the rate limit the connection set', async () => {
    rig = await startRig({ records: 3 }, { rateLimit: { requests: 50, perMs: 10_000 } });
    await rig.connector.read('contacts', ['1']);
    expect(rig.connector.budget?.()).toMatchObject({
      rateLimit: { requests: 50, perMs: 10_000 },
      rateLimitFrom: 'connection',
      vendor: { interval: { max: 190 } },
    });
  });
});
