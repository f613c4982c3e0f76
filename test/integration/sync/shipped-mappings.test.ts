/**
 * Every shipped mapping (mappings/hubspot-odoo) synced between the two sandboxes, in the
 * order a business would: companies, contacts, products, won deals into sales orders,
 * invoices back onto deals. The custom HubSpot properties they declare are created first
 * (once). Nothing is refused, won deals become orders of the right customer with their
 * lines, and a second round of every pass writes nothing: no loops across mappings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMappings, type LoadedMapping } from '../../../src/mapping/load.ts';
import type { Store } from '../../../src/store/store.ts';
import { prepareMapping } from '../../../src/sync/prepare.ts';
import { projectRoot } from '../../support/env.ts';
import { collectPass, startSyncRig, type SyncRig } from './support.ts';

const ORDER = ['companies-partners', 'contacts-partners', 'products', 'deals-orders'];

let rig: SyncRig;
let store: Store;
let connectors: SyncRig['connectors'];
let mappings: LoadedMapping[];

beforeAll(async () => {
  rig = await startSyncRig({ seed: 11, records: 15 });
  ({ store, connectors } = rig);
  const loaded = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings;
  mappings = ORDER.map((id) => loaded.find((m) => m.mapping.id === id) as LoadedMapping);
});

afterAll(() => rig.close());

const pass = (m: LoadedMapping, from: 'crm' | 'erp') =>
  collectPass({ mapping: m.mapping, connectors, store, connections: { crm: 'hubspot', erp: 'odoo' } }, from, {
    apply: true,
  });

describe('every shipped mapping between the sandboxes', () => {
  it('creates the custom HubSpot properties once', async () => {
    const first = [];
    for (const m of mappings) first.push(await prepareMapping(m, connectors));
    expect(first.flatMap((c) => c.crm).sort()).toEqual([
      'erp_amount_due',
      'erp_credit_limit',
      'erp_invoice_count',
      'erp_invoice_date',
      'erp_invoice_number',
      'erp_invoice_status',
      'erp_open_invoices',
      'erp_order_ref',
      'erp_qty_available',
      'frontback_key',
      'frontback_key',
      'frontback_key',
    ]);
    // The idempotency key of creates, unique, on the three HubSpot objects that receive them (contacts have email).
    const described = await connectors.crm.describe();
    const keyed = described
      .filter((o) => o.fields.some((f) => f.name === 'frontback_key' && f.externalId === true))
      .map((o) => o.name)
      .sort();
    expect(keyed).toEqual(['companies', 'deals', 'products']);
    // Two processes preparing at once: whoever comes second finds them there.
    const again = await Promise.all(mappings.map((m) => prepareMapping(m, connectors)));
    expect(again.flatMap((c) => [...c.crm, ...c.erp])).toEqual([]);
  });

  it('syncs each flow with nothing refused; won deals become orders of their customer; a second round writes nothing', async () => {
    for (const m of mappings) {
      for (const from of ['crm', 'erp'] as const) {
        const report = await pass(m, from);
        expect(
          report.applied
            .filter((a) => a.status === 'failed')
            .map((a) => `${m.mapping.id} ${from} ${a.plan.id}: ${a.message ?? ''}`),
        ).toEqual([]);
      }
    }
    const orders = (await store.links.list('deals-orders')).map((l) => l.erpId);
    expect(orders.length).toBeGreaterThan(0);
    const read = await connectors.erp.read('sale.order', orders, ['partner_id', 'order_line', 'client_order_ref']);
    for (const order of read) {
      expect(order.fields.partner_id, `order ${order.id}`).not.toBeNull();
      expect((order.fields.order_line as unknown[]).length, `order ${order.id} lines`).toBeGreaterThan(0);
    }
    for (const m of mappings) {
      for (const from of ['crm', 'erp'] as const) {
        const report = await pass(m, from);
        const writes = report.applied
          .filter((a) => a.status !== 'skipped')
          .map((a) => `${m.mapping.id} ${from} ${a.plan.id}: ${a.plan.reason}`);
        expect(writes).toEqual([]);
      }
    }
    expect((await store.audit.verify()).ok).toBe(true);
  }, 120_000);
});
