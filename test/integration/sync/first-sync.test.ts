/**
 * The first sync over two systems that already share their customers, as a new user runs
 * it: both sandboxes seeded alike (seed 7, 300 people, 100 companies, 30 products, 60
 * deals), with the overlap messy on purpose (Odoo upper-cases or pads some emails, drops
 * others, writes `https://www.<domain>` where HubSpot has the bare domain, writes some
 * company names in capitals or with "&" for "and", archives a few people, keeps a few CRM
 * people it never had, and holds the orders and invoices of won deals from before any
 * sync). Every shipped mapping runs once from each side, in a business's order. Exact
 * counts: every overlapping pair linked, nothing held twice by its key on either side,
 * the twins Odoo archived parked for a person, and nothing created by a flow that may not
 * create.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../src/connector/index.ts';
import { loadMappings, type LoadedMapping } from '../../../src/mapping/load.ts';
import { domainKey, emailKey } from '../../../src/mapping/transforms/index.ts';
import { prepareMapping } from '../../../src/sync/prepare.ts';
import type { PassReport } from '../../../src/sync/pass.ts';
import { projectRoot } from '../../support/env.ts';
import { collectPass, startSyncRig, type SyncRig } from './support.ts';

const ORDER = ['companies-partners', 'contacts-partners', 'products', 'deals-orders'];
let rig: SyncRig;
let mappings: LoadedMapping[];
const reports = new Map<string, PassReport>();
const before = new Map<string, number>();

async function all(side: 'crm' | 'erp', object: string): Promise<SourceRecord[]> {
  const byId = new Map<string, SourceRecord>();
  for await (const page of rig.connectors[side].listChanges(object, null, {}))
    for (const r of page.records) byId.set(r.id, r);
  return [...byId.values()];
}

/** Keys held by more than one live record. */
function twice(records: readonly SourceRecord[], key: (r: SourceRecord) => string | undefined): string[] {
  const seen = new Map<string, number>();
  for (const r of records) {
    if (r.archived === true) continue;
    const k = key(r);
    if (k !== undefined) seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

beforeAll(async () => {
  rig = await startSyncRig({ seed: 7, records: 300 });
  const loaded = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings;
  mappings = ORDER.map((id) => loaded.find((m) => m.mapping.id === id) as LoadedMapping);
  for (const [side, object] of [
    ['crm', 'companies'],
    ['crm', 'contacts'],
    ['crm', 'deals'],
    ['erp', 'res.partner'],
    ['erp', 'sale.order'],
  ] as const)
    before.set(`${side} ${object}`, (await all(side, object)).length);
  for (const m of mappings) await prepareMapping(m, rig.connectors);
  for (const m of mappings) {
    for (const from of ['crm', 'erp'] as const) {
      reports.set(
        `${m.mapping.id} ${from}`,
        await collectPass(
          {
            mapping: m.mapping,
            connectors: rig.connectors,
            store: rig.store,
            connections: { crm: 'hubspot', erp: 'odoo' },
          },
          from,
          { apply: true },
        ),
      );
    }
  }
}, 300_000);
afterAll(() => rig.close());

const report = (id: string): PassReport => reports.get(id) as PassReport;

describe('a first sync over two systems that already share customers', () => {
  it('starts from what the seeds hold', () => {
    expect(Object.fromEntries(before)).toEqual({
      'crm companies': 100,
      'crm contacts': 300,
      'crm deals': 60,
      'erp res.partner': 384,
      'erp sale.order': 39,
    });
  });

  it('companies: all 100 linked by their domain (bare host against https://www.), none created on either side', async () => {
    expect(report('companies-partners crm').counts).toMatchObject({ create: 0, failed: 0 });
    expect(report('companies-partners crm').counts.identity.matched).toEqual({ 'crm domain = erp website': 100 });
    expect(report('companies-partners erp').counts).toMatchObject({ create: 0, failed: 0 });
    expect(await rig.store.links.list('companies-partners', { limit: 1000 })).toHaveLength(100);
    const companies = (await all('erp', 'res.partner')).filter((p) => p.fields.is_company === true);
    expect(companies).toHaveLength(100);
    expect(twice(companies, (p) => domainKey(p.fields.website))).toEqual([]);
    expect(twice(await all('crm', 'companies'), (c) => domainKey(c.fields.domain))).toEqual([]);
  });

  it('contacts: matched by email whatever its case and spaces, or by name at the same company where Odoo has none; archived twins parked; only CRM-only customers created', async () => {
    const crm = report('contacts-partners crm');
    // 146 by email (some upper-cased or padded in Odoo), 6 by name + company (Odoo has no email for them).
    expect(crm.counts.identity.matched).toEqual({
      email: 146,
      'all(name, crm associatedcompanyid = erp parent_id via companies-partners)': 6,
    });
    // Odoo archived these people's twins: likely on purpose, so a person decides; nothing is made for them.
    expect(crm.counts.identity.ambiguous).toBe(5);
    // The customers Odoo never had.
    expect(crm.counts.create).toBe(6);
    expect(crm.counts.failed).toBe(0);
    expect(report('contacts-partners erp').counts).toMatchObject({ create: 0, failed: 0 });
    expect(await rig.store.links.list('contacts-partners', { limit: 1000 })).toHaveLength(158);
    const parked = await rig.store.matches.list({ mappingId: 'contacts-partners', status: 'open' });
    expect(parked.map((m) => [m.kind, m.candidates.length])).toEqual(Array.from({ length: 5 }, () => ['ambiguous', 1]));
    const people = (await all('erp', 'res.partner')).filter((p) => p.fields.is_company !== true);
    expect(people).toHaveLength(284 + 6);
    expect(twice(people, (p) => emailKey(p.fields.email))).toEqual([]);
    expect(await all('crm', 'contacts')).toHaveLength(300);
  });

  it("products: linked by SKU; won deals: linked to the orders Odoo already had (company + amount), their invoices' figures on the deal, no deal created", async () => {
    expect(report('products crm').counts.identity.matched).toEqual({ 'crm hs_sku = erp default_code': 30 });
    expect(report('deals-orders crm').counts.identity.matched).toEqual({
      'all(crm associatedcompanyid = erp partner_id via companies-partners, crm amount = erp amount_untaxed)': 17,
    });
    expect(report('deals-orders crm').counts.create).toBe(0);
    expect(await all('erp', 'sale.order')).toHaveLength(39);
    expect(report('deals-orders erp').counts.create).toBe(0);
    expect(await all('crm', 'deals')).toHaveLength(60);
    // Each won deal carries what is still due on its order's posted invoices (Odoo's own figures, summed).
    const links = await rig.store.links.list('deals-orders', { limit: 1000 });
    const deals = new Map(
      (
        await rig.connectors.crm.read(
          'deals',
          links.map((l) => l.crmId),
          ['erp_amount_due', 'erp_invoice_count', 'erp_order_ref'],
        )
      ).map((d) => [d.id, d]),
    );
    const invoices = (await all('erp', 'account.move')).filter(
      (m) => m.fields.move_type === 'out_invoice' && m.fields.state === 'posted',
    );
    for (const link of links) {
      const deal = deals.get(link.crmId);
      const mine = invoices.filter((m) => m.fields.invoice_origin === deal?.fields.erp_order_ref);
      expect(mine.length, `deal ${link.crmId}`).toBeGreaterThan(0);
      expect([deal?.fields.erp_invoice_count, deal?.fields.erp_amount_due], `deal ${link.crmId}`).toEqual([
        mine.length,
        mine.reduce((a, m) => a + Number(m.fields.amount_residual), 0),
      ]);
    }
    expect(await rig.store.deadLetters.list({ status: 'open' })).toEqual([]);
    expect((await rig.store.audit.verify()).ok).toBe(true);
  });
});
