/**
 * Renders the shared seeded World into Odoo records: reference data with Odoo's own
 * external ids (`base.us`, `base.res_partner_industry_J`), company partners
 * (`is_company`) with their people (`parent_id`), products with stock in WH/Stock, a few
 * sale orders and posted invoices. The overlap with the HubSpot sandbox is imperfect on
 * purpose, as between real systems: some emails are upper-cased, padded or missing,
 * some names are formatted differently, a few people exist only in the CRM and a few
 * partners are archived. Deterministic for a seed.
 */
import { generateWorld, seededRandom, type World } from '../../../src/connector/sandbox/seed/world.ts';
import type { Env } from './orm/env.ts';
import type { OdooOrm } from './orm/orm.ts';
import { create } from './orm/records.ts';
import { formatDatetime } from './orm/datetime.ts';

/** Odoo's standard industries (base/data/res_partner_industry_data.xml), letter = xid suffix. */
export const ODOO_INDUSTRIES: readonly (readonly [string, string, string])[] = [
  ['A', 'Agriculture', 'A - AGRICULTURE, FORESTRY AND FISHING'],
  ['B', 'Mining', 'B - MINING AND QUARRYING'],
  ['C', 'Manufacturing', 'C - MANUFACTURING'],
  ['D', 'Energy supply', 'D - ELECTRICITY, GAS, STEAM AND AIR CONDITIONING SUPPLY'],
  ['E', 'Water supply', 'E - WATER SUPPLY; SEWERAGE, WASTE MANAGEMENT AND REMEDIATION ACTIVITIES'],
  ['F', 'Construction', 'F - CONSTRUCTION'],
  ['G', 'Wholesale/Retail', 'G - WHOLESALE AND RETAIL TRADE; REPAIR OF MOTOR VEHICLES AND MOTORCYCLES'],
  ['H', 'Transportation/Logistics', 'H - TRANSPORTATION AND STORAGE'],
  ['I', 'Food/Hospitality', 'I - ACCOMMODATION AND FOOD SERVICE ACTIVITIES'],
  ['J', 'IT/Communication', 'J - INFORMATION AND COMMUNICATION'],
  ['K', 'Finance/Insurance', 'K - FINANCIAL AND INSURANCE ACTIVITIES'],
  ['L', 'Real Estate', 'L - REAL ESTATE ACTIVITIES'],
  ['M', 'Scientific', 'M - PROFESSIONAL, SCIENTIFIC AND TECHNICAL ACTIVITIES'],
  ['N', 'Administrative', 'N - ADMINISTRATIVE AND SUPPORT SERVICE ACTIVITIES'],
  ['O', 'Public Administration', 'O - PUBLIC ADMINISTRATION AND DEFENCE; COMPULSORY SOCIAL SECURITY'],
  ['P', 'Education', 'P - EDUCATION'],
  ['Q', 'Health/Social', 'Q - HUMAN HEALTH AND SOCIAL WORK ACTIVITIES'],
  ['R', 'Entertainment', 'R - ARTS, ENTERTAINMENT AND RECREATION'],
  ['S', 'Other Services', 'S - OTHER SERVICE ACTIVITIES'],
  ['T', 'Households', 'T - ACTIVITIES OF HOUSEHOLDS AS EMPLOYERS'],
  ['U', 'Extraterritorial', 'U - ACTIVITIES OF EXTRATERRITORIAL ORGANISATIONS AND BODIES'],
];

/** Which Odoo industry (by name) the sandbox gives each HubSpot industry value of the World. */
export const HUBSPOT_TO_ODOO_INDUSTRY: Readonly<Record<string, string>> = {
  COMPUTER_SOFTWARE: 'IT/Communication',
  INFORMATION_TECHNOLOGY_AND_SERVICES: 'IT/Communication',
  RETAIL: 'Wholesale/Retail',
  WHOLESALE: 'Wholesale/Retail',
  MACHINERY: 'Manufacturing',
  AUTOMOTIVE: 'Manufacturing',
  FOOD_BEVERAGES: 'Food/Hospitality',
  CONSTRUCTION: 'Construction',
  HOSPITAL_HEALTH_CARE: 'Health/Social',
  LOGISTICS_AND_SUPPLY_CHAIN: 'Transportation/Logistics',
};

const BASE_COUNTRIES = [
  'US',
  'CA',
  'MX',
  'BR',
  'GB',
  'IE',
  'FR',
  'DE',
  'BE',
  'NL',
  'LU',
  'ES',
  'PT',
  'IT',
  'CH',
  'AT',
  'DK',
  'SE',
  'NO',
  'FI',
  'PL',
  'IN',
  'CN',
  'JP',
  'AU',
];

/** Options of {@link seedOdoo}. */
export interface SeedOptions {
  /** World seed. */
  seed: number;
  /** Number of people (contacts); companies = ceil(records / 3). The HubSpot sandbox reads it the same way. */
  records: number;
}

/**
 * The World for a seed and record count: the same formula as the HubSpot sandbox, so
 * both sandboxes started with the same `--seed` and `--records` hold the same customers.
 */
export function worldFor(options: SeedOptions): World {
  const n = Math.max(0, Math.floor(options.records));
  return generateWorld({
    seed: options.seed,
    companies: Math.ceil(n / 3),
    peoplePerCompany: 3,
    products: n === 0 ? 0 : Math.max(3, Math.ceil(n / 10)),
    deals: Math.ceil(n / 5),
  });
}

function xid(env: Env, module: string, name: string, model: string, resId: number): void {
  create(env, 'ir.model.data', { module, name, model, res_id: resId, noupdate: true });
}

/** Seeds an empty ORM. Records get spread-out create/write dates ending at the clock's now. */
export function seedOdoo(orm: OdooOrm, options: SeedOptions): void {
  const world = worldFor(options);
  const rnd = seededRandom(options.seed ^ 0x0d00);
  const system = { uid: 1, canWrite: true };
  const nowMs = orm.clock.now();
  const at = (minutesAgo: number) => ({ ...system, now: formatDatetime(nowMs - minutesAgo * 60_000) });
  const horizon = world.companies.length + world.products.length + world.deals.length + 10;

  const refs = orm.transaction(at(horizon), (env) => {
    create(env, 'res.users', { name: 'OdooBot', login: '__system__', active: false });
    create(env, 'res.users', { name: 'Mitchell Admin', login: 'admin' });
    create(env, 'res.users', { name: 'Read Only', login: 'readonly' });
    const regions = new Intl.DisplayNames(['en'], { type: 'region' });
    const countries = new Map<string, number>();
    for (const code of [...new Set([...BASE_COUNTRIES, ...world.companies.map((c) => c.country)])].sort()) {
      const id = create(env, 'res.country', { name: regions.of(code) ?? code, code });
      countries.set(code, id);
      xid(env, 'base', code.toLowerCase(), 'res.country', id);
    }
    const states = new Map<string, number>();
    for (const c of world.companies) {
      const key = `${c.country}:${c.state}`;
      const country = countries.get(c.country);
      if (c.state === '' || states.has(key) || country === undefined) continue;
      states.set(key, create(env, 'res.country.state', { name: c.state, code: c.state, country_id: country }));
    }
    const industries = new Map<string, number>();
    for (const [letter, name, fullName] of ODOO_INDUSTRIES) {
      const id = create(env, 'res.partner.industry', { name, full_name: fullName });
      industries.set(name, id);
      xid(env, 'base', `res_partner_industry_${letter}`, 'res.partner.industry', id);
    }
    const tags = ['VIP', 'Reseller', 'Prospect'].map((name) => create(env, 'res.partner.category', { name }));
    const view = (name: string) => create(env, 'stock.location', { name, usage: 'view' });
    const physical = view('Physical Locations');
    const partners = view('Partners');
    const virtual = view('Virtual Locations');
    const wh = create(env, 'stock.location', { name: 'WH', usage: 'view', location_id: physical });
    const stock = create(env, 'stock.location', { name: 'Stock', usage: 'internal', location_id: wh });
    create(env, 'stock.location', { name: 'Customers', usage: 'customer', location_id: partners });
    create(env, 'stock.location', { name: 'Vendors', usage: 'supplier', location_id: partners });
    create(env, 'stock.location', { name: 'Inventory adjustment', usage: 'inventory', location_id: virtual });
    xid(env, 'stock', 'stock_location_stock', 'stock.location', stock);
    return { countries, states, industries, tags, stock };
  }).value;

  const companyIds = new Map<string, number>();
  const personIds = new Map<string, number>();
  world.companies.forEach((c, i) => {
    orm.transaction(at(horizon - 1 - i), (env) => {
      const roll = rnd();
      const name =
        roll < 0.1 ? c.name.toUpperCase() : roll < 0.2 ? c.name.replaceAll(',', '').replace(/ and /g, ' & ') : c.name;
      const id = create(env, 'res.partner', {
        name,
        is_company: true,
        email: `info@${c.domain}`,
        phone: c.phone,
        street: c.street,
        city: c.city,
        zip: c.zip,
        state_id: refs.states.get(`${c.country}:${c.state}`) ?? false,
        country_id: refs.countries.get(c.country) ?? false,
        vat: c.vat ?? false,
        website: `https://www.${c.domain}`,
        industry_id: refs.industries.get(HUBSPOT_TO_ODOO_INDUSTRY[c.industry] ?? 'Other Services') ?? false,
        category_id: rnd() < 0.2 ? [[6, 0, [refs.tags[0]]]] : [],
        customer_rank: 1,
      });
      companyIds.set(c.key, id);
      for (const p of world.people.filter((x) => x.companyKey === c.key)) {
        const r = rnd();
        // A few people exist only in the CRM.
        if (r < 0.05) continue;
        const e = rnd();
        const email = e < 0.1 ? p.email.toUpperCase() : e < 0.15 ? `  ${p.email} ` : e < 0.2 ? false : p.email;
        const n = rnd();
        const personName =
          n < 0.1
            ? `${p.firstName} ${p.lastName.toUpperCase()}`
            : n < 0.15
              ? `${p.firstName}  ${p.lastName}`
              : `${p.firstName} ${p.lastName}`;
        personIds.set(
          p.key,
          create(env, 'res.partner', {
            name: personName,
            parent_id: id,
            type: 'contact',
            email,
            phone: p.phone,
            mobile: p.mobile,
            function: p.jobTitle,
            country_id: refs.countries.get(c.country) ?? false,
            active: rnd() >= 0.03,
          }),
        );
      }
    });
  });

  const productIds = new Map<string, number>();
  world.products.forEach((g, i) => {
    orm.transaction(at(horizon - 1 - world.companies.length - i), (env) => {
      const tmpl = create(env, 'product.template', {
        name: g.name,
        list_price: g.price,
        description_sale: g.description,
        type: 'consu',
        is_storable: true,
        default_code: g.sku,
      });
      const variant = [...env.rows('product.product')].find((p) => p['product_tmpl_id'] === tmpl);
      if (!variant) return;
      productIds.set(g.key, variant.id);
      if (g.stockQty > 0)
        create(env, 'stock.quant', { product_id: variant.id, location_id: refs.stock, quantity: g.stockQty });
    });
  });

  const ORDER_STATE: Record<string, string> = {
    closedwon: 'sale',
    contractsent: 'sent',
    closedlost: 'cancel',
    decisionmakerboughtin: 'draft',
  };
  world.deals.forEach((d) => {
    const state = ORDER_STATE[d.stage];
    const partner = companyIds.get(d.companyKey);
    if (!state || partner === undefined || d.lines.length === 0) return;
    orm.transaction({ ...system, now: `${d.closeDate} 10:00:00` }, (env) => {
      const lines = d.lines.flatMap((l) => {
        const product = productIds.get(l.productKey);
        return product === undefined
          ? []
          : [[0, 0, { product_id: product, product_uom_qty: l.quantity, price_unit: l.price }]];
      });
      const order = create(env, 'sale.order', {
        partner_id: partner,
        date_order: `${d.closeDate} 10:00:00`,
        state,
        client_order_ref: d.name,
        order_line: lines,
      });
      if (state !== 'sale') return;
      const row = env.row('sale.order', order);
      const total = typeof row?.['amount_total'] === 'number' ? row['amount_total'] : 0;
      const p = rnd();
      const [paymentState, residual] =
        p < 0.5 ? ['paid', 0] : p < 0.8 ? ['not_paid', total] : ['partial', Math.round(total * 50) / 100];
      create(env, 'account.move', {
        move_type: 'out_invoice',
        partner_id: partner,
        invoice_date: d.closeDate,
        date: d.closeDate,
        invoice_origin: String(row?.['name'] ?? ''),
        state: 'posted',
        amount_untaxed: total,
        amount_total: total,
        amount_residual: residual,
        payment_state: paymentState,
      });
    });
  });
}
