/**
 * Flow 4 (money): the open invoice amount of an Odoo company reaches its HubSpot company
 * (companies-partners: `erp_open_invoices`, the sum of `amount_residual` over its posted
 * customer invoices). Worked out from the invoices when the company syncs, compared with
 * what HubSpot holds (never with a snapshot), written only when it differs: a draft
 * invoice and a credit note do not count; an invoice paid (the company unchanged) brings
 * its company into the next pass through the invoices' own cursor.
 *
 * Many invoices, one deal (deals-orders): an order's invoices (a down payment, the
 * balance, and one invoice of two orders whose origin reads "S1, S2") roll up onto its won
 * deal as the amount still due, how many, and the newest one's number, date and status;
 * several invoices never make the deal ambiguous, and an invoice never makes a deal.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMappings, type LoadedMapping } from '../../../src/mapping/load.ts';
import { prepareMapping } from '../../../src/sync/prepare.ts';
import { projectRoot } from '../../support/env.ts';
import { collectPass, startSyncRig, type SyncRig } from './support.ts';

let rig: SyncRig;
let companies: LoadedMapping;

beforeEach(async () => {
  rig = await startSyncRig({ seed: 71, records: 6 });
  companies = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.find(
    (m) => m.mapping.id === 'companies-partners',
  )!;
  await prepareMapping(companies, rig.connectors);
});
afterEach(() => rig.close());

const ctx = () => ({
  mapping: companies.mapping,
  connectors: rig.connectors,
  store: rig.store,
  connections: { crm: 'hubspot', erp: 'odoo' },
});

/** Creates (or with `id`, writes) a record in the Odoo sandbox directly: frontback itself never writes invoices. */
async function odoo(model: string, values: Record<string, unknown>, id?: string, agoMs = 0): Promise<string> {
  const writeDate = new Date(Date.now() - agoMs).toISOString().replace('T', ' ').slice(0, 19);
  const res = await fetch(`${rig.urls.odoo}/_sandbox/odoo/late-commit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, values, writeDate, ...(id ? { id: Number(id) } : {}) }),
  });
  const body = (await res.json()) as { id?: number; error?: { message: string } };
  if (!res.ok || body.id === undefined)
    throw new Error(`could not write ${model}: ${body.error?.message ?? res.status}`);
  return String(body.id);
}

describe('the open invoice amount of a company (aggregate)', () => {
  it('sums the posted customer invoices, writes it once, and follows a payment', async () => {
    // Last changed two hours ago: later passes (re-reading only minutes behind their cursor) do not list the company again.
    const partner = await odoo(
      'res.partner',
      { name: 'Open Invoices SA', is_company: true, city: 'Lille' },
      undefined,
      2 * 3_600_000,
    );
    const invoice = (residual: number, extra: Record<string, unknown> = {}) =>
      odoo('account.move', {
        move_type: 'out_invoice',
        partner_id: Number(partner),
        state: 'posted',
        amount_total: residual,
        amount_residual: residual,
        ...extra,
      });
    const first = await invoice(100);
    await invoice(50.5);
    await invoice(1000, { state: 'draft' });
    await invoice(30, { move_type: 'out_refund' });

    const pass = await collectPass(ctx(), 'erp', { apply: true });
    const mine = pass.applied.find((a) => a.plan.id === partner);
    expect(mine?.status).toBe('applied');
    expect(mine?.plan.patch.crm).toMatchObject({ name: 'Open Invoices SA', erp_open_invoices: 150.5 });
    const link = await rig.store.links.findBySide('companies-partners', 'erp', partner);
    const read = async () =>
      (await rig.connectors.crm.read('companies', [link!.crmId], ['erp_open_invoices']))[0]?.fields.erp_open_invoices;
    expect(Number(await read())).toBe(150.5);

    // Nothing changed: nothing written, the figure is up to date.
    const again = await collectPass(ctx(), 'erp', { apply: true });
    expect(again.applied.filter((a) => Object.keys(a.plan.patch.crm).length > 0)).toEqual([]);

    // The first invoice is paid, the company itself unchanged: the invoice's change brings the company into the next pass.
    await odoo('account.move', { amount_residual: 0, payment_state: 'paid' }, first);
    const paid = await collectPass(ctx(), 'erp', { apply: true });
    expect(paid.applied.find((a) => a.plan.id === partner)?.plan.patch.crm).toMatchObject({ erp_open_invoices: 50.5 });
    expect(Number(await read())).toBe(50.5);
    // A sync from HubSpot's side of the company recomputes it as well, and finds it up to date.
    const fromCrm = await collectPass(ctx(), 'crm', { apply: true });
    expect(
      fromCrm.applied.filter((a) => a.plan.id === link!.crmId && Object.keys(a.plan.patch.crm).length > 0),
    ).toEqual([]);
  }, 60_000);
});

describe("an order's invoices on its deal (aggregates keyed by the order's name)", () => {
  it('rolls several invoices up deterministically, follows a payment, parks nothing and creates no deal', async () => {
    const deals = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.find(
      (m) => m.mapping.id === 'deals-orders',
    )!;
    await prepareMapping(deals, rig.connectors);
    const dctx = {
      mapping: deals.mapping,
      connectors: rig.connectors,
      store: rig.store,
      connections: { crm: 'hubspot', erp: 'odoo' },
    };
    const partner = await odoo('res.partner', { name: 'Many Invoices SA', is_company: true }, undefined, 2 * 3_600_000);
    const order = await odoo('sale.order', { partner_id: Number(partner), state: 'sale' }, undefined, 2 * 3_600_000);
    const other = await odoo('sale.order', { partner_id: Number(partner), state: 'sale' }, undefined, 2 * 3_600_000);
    const [mine, theirs] = await rig.connectors.erp.read('sale.order', [order, other], ['name']);
    const name = String(mine?.fields.name);
    const [deal] = await rig.connectors.crm.write('deals', [
      { op: 'create', ref: 'd', fields: { dealname: 'Many invoices', dealstage: 'closedwon', amount: '150' } },
    ]);
    const dealId = deal?.ok ? deal.id : '';
    await rig.store.links.create({ mappingId: 'deals-orders', crmId: dealId, erpId: order });
    const invoice = (values: Record<string, unknown>) =>
      odoo('account.move', { move_type: 'out_invoice', partner_id: Number(partner), state: 'posted', ...values });
    await invoice({
      name: 'INV/1',
      invoice_origin: name,
      amount_residual: 100,
      payment_state: 'not_paid',
      invoice_date: '2026-11-01',
    });
    const balance = await invoice({
      name: 'INV/3',
      invoice_origin: name,
      amount_residual: 40,
      payment_state: 'partial',
      invoice_date: '2026-11-20',
    });
    await invoice({
      name: 'INV/2',
      invoice_origin: `${String(theirs?.fields.name)}, ${name}`,
      amount_residual: 10,
      payment_state: 'not_paid',
      invoice_date: '2026-11-10',
    });
    await invoice({
      name: 'INV/DRAFT',
      invoice_origin: name,
      amount_residual: 999,
      state: 'draft',
      invoice_date: '2026-11-30',
    });
    const figures = async () =>
      (
        await rig.connectors.crm.read(
          'deals',
          [dealId],
          ['erp_amount_due', 'erp_invoice_count', 'erp_invoice_number', 'erp_invoice_date', 'erp_invoice_status'],
        )
      )[0]?.fields;

    const pass = await collectPass(dctx, 'erp', { apply: true });
    expect(pass.counts.failed).toBe(0);
    expect(await figures()).toMatchObject({
      erp_amount_due: 150,
      erp_invoice_count: 3,
      erp_invoice_number: 'INV/3',
      erp_invoice_status: 'Partially paid',
    });
    expect(String((await figures())?.erp_invoice_date)).toMatch(/^2026-11-20/);

    // The balance is paid; the order itself unchanged: the invoice's change brings it into the next pass.
    await odoo('account.move', { amount_residual: 0, payment_state: 'paid' }, balance);
    const paid = await collectPass(dctx, 'erp', { apply: true });
    expect(paid.applied.find((a) => a.plan.id === order)?.plan.patch.crm).toMatchObject({
      erp_amount_due: 110,
      erp_invoice_status: 'Paid',
    });
    expect(await rig.store.matches.list({ mappingId: 'deals-orders' })).toEqual([]);
    expect(pass.counts.create + paid.counts.create).toBe(0);
  }, 60_000);
});
