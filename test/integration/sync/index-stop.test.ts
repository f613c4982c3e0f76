/**
 * Stopping while the other side's key index is being built (Ctrl-C once on a first pass
 * over a large system): the build stops between listing pages, keeps what it listed with
 * its cursor, stays `building`, and the pass matches nothing against half an index: it is
 * recorded `stopped` with nothing planned. The next refresh goes on where it stopped.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMappings } from '../../../src/mapping/load.ts';
import { indexReady, refreshIndex } from '../../../src/sync/key-index.ts';
import { runPass } from '../../../src/sync/pass.ts';
import { projectRoot } from '../../support/env.ts';
import { startSyncRig, type SyncRig } from './support.ts';

const mapping = loadMappings(join(projectRoot, 'mappings/hubspot-odoo')).mappings.find(
  (m) => m.mapping.id === 'contacts-partners',
)!.mapping;

let rig: SyncRig;
beforeEach(async () => {
  rig = await startSyncRig({ seed: 5, records: 0 });
  // 450 HubSpot contacts: three listing pages of 200 for the index of the crm side.
  rig.hubspot.store.bulkInsert(
    rig.hubspot.store.requireType('contacts'),
    Array.from({ length: 450 }, (_, i) => ({ email: `Index.${i}@Stop.test `, lifecyclestage: 'customer' })),
    { createdAt: Date.now() - 60_000, modifiedAt: Date.now() - 60_000 },
  );
});
afterEach(() => rig.close());

const ctx = () => ({
  mapping,
  connectors: rig.connectors,
  store: rig.store,
  connections: { crm: 'hubspot', erp: 'odoo' },
});

describe('stopping while the key index is built', () => {
  it('stops between pages, stays building, and goes on from its cursor next time', async () => {
    const stop = new AbortController();
    stop.abort();
    const first = await refreshIndex(ctx(), 'crm', { stop: stop.signal });
    expect(first).toMatchObject({ pages: 1, listed: 200, built: false, stopped: true });
    expect(await indexReady(ctx(), 'crm')).toBe(false);
    const rest = await refreshIndex(ctx(), 'crm');
    // From its cursor (HubSpot's listings re-read an overlap window behind it: its search index lags).
    expect(rest.listed).toBeGreaterThanOrEqual(250);
    expect(await indexReady(ctx(), 'crm')).toBe(true);
  });

  it('a pass stopped during the build is recorded stopped and decides nothing', async () => {
    const stop = new AbortController();
    stop.abort();
    const plans: unknown[] = [];
    const report = await runPass(ctx(), 'erp', {
      apply: true,
      signal: stop.signal,
      onPage: (p) => void plans.push(...p.plans),
    });
    expect(report.stopped).toBe(true);
    expect(plans).toEqual([]);
    expect((await rig.store.runs.get(report.runId))?.status).toBe('stopped');
    expect(await indexReady(ctx(), 'crm')).toBe(false);
  });
});
