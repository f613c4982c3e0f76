/**
 * RELIABILITY fault test 10, for the HubSpot objects that have no natural unique key
 * (companies; deals and products alike): HubSpot commits the create of a company for a
 * new Odoo company and the connection drops before the answer. Whatever happens next (the
 * HTTP client's retry, or the pass failing and running again) the company exists once,
 * because creates there go through an upsert by the unique `frontback_key` property that
 * `prepareMapping` made (`<mapping>_<side>_<id>`). Without it, the same fault makes two:
 * the match by name that would find the first goes through HubSpot's search index, which
 * lags writes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMappings, type LoadedMapping } from '../../src/mapping/load.ts';
import { prepareMapping } from '../../src/sync/prepare.ts';
import { runPass } from '../../src/sync/pass.ts';
import { projectRoot } from '../support/env.ts';
import { startSyncRig, type SyncRig } from '../integration/sync/support.ts';

let rig: SyncRig;
let companies: LoadedMapping;

beforeEach(async () => {
  // HubSpot's search index lags writes (by seconds in real life): the match by name cannot see the dropped create.
  rig = await startSyncRig({ seed: 41, records: 8, hubspot: { searchLag: 30_000 } });
  const loaded = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.find(
    (m) => m.mapping.id === 'companies-partners',
  );
  if (!loaded) throw new Error('companies-partners not loaded');
  companies = loaded;
});
afterEach(() => rig.close());

const NAME = 'Lost Response SARL';
const ctx = () => ({
  mapping: companies.mapping,
  connectors: rig.connectors,
  store: rig.store,
  connections: { crm: 'hubspot', erp: 'odoo' },
});
const named = () =>
  rig.hubspot.store.records(rig.hubspot.store.requireType('companies')).filter((r) => r.properties.name === NAME);
const dropNextWrite = () =>
  fetch(`${rig.hubspot.url}/_sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dropAfterCommit: 1 }),
  });

/** Runs passes from Odoo until one goes through (a dropped answer may fail one). */
async function syncFromOdoo(): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      await runPass(ctx(), 'erp', { apply: true, pageSize: 3 });
      return;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

describe('a create whose answer is lost (HubSpot companies)', () => {
  it('makes the company once, through the frontback_key upsert', async () => {
    await prepareMapping(companies, rig.connectors);
    await runPass(ctx(), 'erp', { apply: true, pageSize: 3 });
    await rig.connectors.erp.write('res.partner', [
      { op: 'create', ref: 'c', fields: { name: NAME, is_company: true, city: 'Lille' } },
    ]);
    const [odoo] = await rig.connectors.erp.find('res.partner', { field: 'name', values: [NAME] });
    await dropNextWrite();
    await syncFromOdoo();
    await syncFromOdoo();
    expect(named()).toHaveLength(1);
    expect(named()[0]?.properties.frontback_key).toBe(`companies-partners_erp_${odoo!.id}`);
    const link = await rig.store.links.findBySide('companies-partners', 'erp', odoo!.id);
    expect(link?.crmId).toBe(named()[0]?.id);
  }, 60_000);

  it('without the key, the same fault makes two: what the key prevents', async () => {
    // The mapping's own custom properties, but not frontback_key.
    await rig.connectors.crm.ensureFields?.('companies', [
      { name: 'erp_credit_limit', type: 'number' },
      { name: 'erp_open_invoices', type: 'number' },
    ]);
    await runPass(ctx(), 'erp', { apply: true, pageSize: 3 });
    await rig.connectors.erp.write('res.partner', [
      { op: 'create', ref: 'c', fields: { name: NAME, is_company: true, city: 'Lille' } },
    ]);
    await dropNextWrite();
    await syncFromOdoo();
    await syncFromOdoo();
    expect(named().length).toBeGreaterThan(1);
  }, 60_000);
});
