/**
 * Renders the shared seed world into HubSpot records: companies, contacts associated to
 * their company (primary + unlabeled, with `associatedcompanyid`), products, deals
 * associated to their company and contact, and line items associated to their deal.
 * Timestamps are fixed from `seedEpochMs`, so the same seed serves identical records.
 */
import { generateWorld } from '../../../src/connector/sandbox/seed/world.ts';
import type { AssociationStore } from './association-store.ts';
import type { HubSpotStore } from './data-store.ts';

/** What to seed. */
export interface HubSpotSeedOptions {
  /** Faker seed. */
  seed: number;
  /** Number of contacts; companies = ceil(records/3), products = max(3, ceil(records/10)), deals = ceil(records/5). */
  records: number;
  /** Creation time of the first seeded record, epoch ms; each next record is 1 s later. */
  seedEpochMs: number;
}

/** Counts of what was seeded. */
export interface SeedCounts {
  companies: number;
  contacts: number;
  products: number;
  deals: number;
  lineItems: number;
}

/** Seeds `store` and `associations` (which should be empty). */
export function seedHubSpot(
  store: HubSpotStore,
  associations: AssociationStore,
  options: HubSpotSeedOptions,
): SeedCounts {
  const n = Math.max(0, Math.floor(options.records));
  const world = generateWorld({
    seed: options.seed,
    companies: Math.ceil(n / 3),
    peoplePerCompany: 3,
    products: n === 0 ? 0 : Math.max(3, Math.ceil(n / 10)),
    deals: Math.ceil(n / 5),
  });
  let at = options.seedEpochMs;
  const insert = (typeName: string, props: Record<string, string>): string => {
    const type = store.requireType(typeName);
    const [record] = store.bulkInsert(type, [props], { createdAt: at });
    at += 1000;
    if (!record) throw new Error('seed insert returned nothing');
    return record.id;
  };
  const hs = { category: 'HUBSPOT_DEFINED' as const };

  const companyIds = new Map<string, string>();
  const companyByKey = new Map(world.companies.map((c) => [c.key, c]));
  for (const c of world.companies) {
    companyIds.set(
      c.key,
      insert('companies', {
        name: c.name,
        domain: c.domain,
        website: `https://www.${c.domain}`,
        phone: c.phone,
        address: c.street,
        city: c.city,
        zip: c.zip,
        state: c.state,
        country: c.country,
        industry: c.industry,
        numberofemployees: String(c.employees),
        annualrevenue: String(c.annualRevenue),
        lifecyclestage: 'customer',
      }),
    );
  }
  const contactIds = new Map<string, string>();
  for (const p of world.people.slice(0, n)) {
    const company = companyByKey.get(p.companyKey);
    const companyId = companyIds.get(p.companyKey) ?? '';
    const id = insert('contacts', {
      email: p.email,
      firstname: p.firstName,
      lastname: p.lastName,
      phone: p.phone,
      mobilephone: p.mobile,
      jobtitle: p.jobTitle,
      company: company?.name ?? '',
      address: company?.street ?? '',
      city: company?.city ?? '',
      zip: company?.zip ?? '',
      state: company?.state ?? '',
      country: company?.country ?? '',
      lifecyclestage: p.lifecycleStage,
      associatedcompanyid: companyId,
    });
    contactIds.set(p.key, id);
    if (companyId)
      associations.add('contacts', id, 'companies', companyId, [
        { ...hs, typeId: 1 },
        { ...hs, typeId: 279 },
      ]);
  }
  const productIds = new Map<string, string>();
  const productByKey = new Map(world.products.map((g) => [g.key, g]));
  for (const g of world.products) {
    productIds.set(
      g.key,
      insert('products', { name: g.name, description: g.description, price: g.price.toFixed(2), hs_sku: g.sku }),
    );
  }
  let lineItems = 0;
  for (const d of world.deals) {
    const dealId = insert('deals', {
      dealname: d.name,
      amount: d.amount.toFixed(2),
      dealstage: d.stage,
      pipeline: 'default',
      closedate: `${d.closeDate}T00:00:00.000Z`,
    });
    const companyId = companyIds.get(d.companyKey);
    if (companyId)
      associations.add('deals', dealId, 'companies', companyId, [
        { ...hs, typeId: 5 },
        { ...hs, typeId: 341 },
      ]);
    const contactId = contactIds.get(d.contactKey);
    if (contactId) associations.add('deals', dealId, 'contacts', contactId, [{ ...hs, typeId: 3 }]);
    for (const line of d.lines) {
      const product = productByKey.get(line.productKey);
      const lineId = insert('line_items', {
        name: product?.name ?? line.productKey,
        quantity: String(line.quantity),
        price: line.price.toFixed(2),
        amount: (line.quantity * line.price).toFixed(2),
        hs_product_id: productIds.get(line.productKey) ?? '',
      });
      associations.add('deals', dealId, 'line_items', lineId, [{ ...hs, typeId: 19 }]);
      lineItems += 1;
    }
  }
  return {
    companies: companyIds.size,
    contacts: contactIds.size,
    products: productIds.size,
    deals: world.deals.length,
    lineItems,
  };
}
