/**
 * Renders the shared seeded World into a Salesforce org: the integration user, the
 * standard price book, Accounts with their Contacts, Product2 with standard price book
 * entries, Opportunities with their products, and Orders for the won ones (legacy deals
 * the ERP already holds as sale orders). The overlap with the Odoo sandbox started with
 * the same seed is imperfect on purpose, as between real systems: legal forms and
 * spacing differ, websites are hosts or URLs, countries are names or codes, some e-mails
 * differ in case or are missing, a few customers exist on one side only, one contact is
 * a duplicate the org's duplicate rule came too late for, and one account was merged
 * into another. Deterministic for a seed; timestamps end a few minutes before the clock's now.
 */
import {
  generateWorld,
  seededRandom,
  type SeedCompany,
  type World,
} from '../../../src/connector/sandbox/seed/world.ts';
import { mergeRecords } from './merge.ts';
import type { SalesforceStore, WriteContext } from './store.ts';

/** Username of the integration user every API call acts as. */
export const INTEGRATION_USERNAME = 'integration@frontback-sandbox.example';

/** Options of {@link seedSalesforce}. */
export interface SalesforceSeedOptions {
  /** World seed; the same as the HubSpot and Odoo sandboxes' `--seed`. */
  seed: number;
  /** Number of people; companies = ceil(records / 3), as in the other sandboxes. */
  records: number;
}

/** What was seeded. */
export interface SalesforceSeedCounts {
  accounts: number;
  contacts: number;
  products: number;
  opportunities: number;
  lineItems: number;
  orders: number;
}

/** The World for a seed: the same formula as the HubSpot and Odoo sandboxes. */
export function salesforceWorld(options: SalesforceSeedOptions): World {
  const n = Math.max(0, Math.floor(options.records));
  return generateWorld({
    seed: options.seed,
    companies: Math.ceil(n / 3),
    peoplePerCompany: 3,
    products: n === 0 ? 0 : Math.max(3, Math.ceil(n / 10)),
    deals: Math.ceil(n / 5),
  });
}

/** HubSpot industry enumeration of the World -> Account.Industry. */
const INDUSTRY: Record<string, string> = {
  COMPUTER_SOFTWARE: 'Technology',
  INFORMATION_TECHNOLOGY_AND_SERVICES: 'Technology',
  RETAIL: 'Retail',
  WHOLESALE: 'Retail',
  MACHINERY: 'Machinery',
  AUTOMOTIVE: 'Manufacturing',
  FOOD_BEVERAGES: 'Food & Beverage',
  CONSTRUCTION: 'Construction',
  HOSPITAL_HEALTH_CARE: 'Healthcare',
  LOGISTICS_AND_SUPPLY_CHAIN: 'Transportation',
};

/** HubSpot default-pipeline stage of the World -> Opportunity.StageName. */
const STAGE: Record<string, string> = {
  appointmentscheduled: 'Qualification',
  qualifiedtobuy: 'Needs Analysis',
  presentationscheduled: 'Value Proposition',
  decisionmakerboughtin: 'Id. Decision Makers',
  contractsent: 'Negotiation/Review',
  closedwon: 'Closed Won',
  closedlost: 'Closed Lost',
};

const regions = new Intl.DisplayNames(['en'], { type: 'region' });

function accountName(c: SeedCompany, roll: number): string {
  if (roll < 0.08) return c.name.replace(/ (Inc|LLC|Ltd|Group|GmbH)$/, ', $1.');
  if (roll < 0.16) return `${c.name.toLowerCase()} `;
  if (roll < 0.22) return c.name.replace(/ - /g, '-').replace(/ and /g, ' & ');
  return c.name;
}

function website(domain: string, roll: number): string {
  if (roll < 0.4) return domain;
  if (roll < 0.7) return `www.${domain}`;
  if (roll < 0.9) return `https://www.${domain}/`;
  return `http://${domain.toUpperCase()}`;
}

function country(code: string, roll: number): string {
  if (roll < 0.7) return regions.of(code) ?? code;
  if (roll < 0.9) return code;
  return code === 'US' ? 'USA' : code.toLowerCase();
}

/** Seeds an empty store; answers the counts. */
export function seedSalesforce(store: SalesforceStore, options: SalesforceSeedOptions): SalesforceSeedCounts {
  const world = salesforceWorld(options);
  const rnd = seededRandom(options.seed ^ 0x5f5f);
  const counts: SalesforceSeedCounts = {
    accounts: 0,
    contacts: 0,
    products: 0,
    opportunities: 0,
    lineItems: 0,
    orders: 0,
  };
  const horizon = world.companies.length * 5 + world.products.length + world.deals.length * 5 + 20;
  let minute = horizon;
  const nowMs = store.clock.now();
  const at = (): WriteContext => ({ origin: 'seed', userId: integration, at: nowMs - minute-- * 60_000 });
  let integration = '';
  integration = String(
    store.create(
      'User',
      {
        Username: INTEGRATION_USERNAME,
        LastName: 'Integration',
        FirstName: 'frontback',
        Email: INTEGRATION_USERNAME,
        IsActive: true,
      },
      at(),
    )['Id'],
  );
  store.create(
    'User',
    {
      Username: 'admin@frontback-sandbox.example',
      LastName: 'User',
      FirstName: 'Admin',
      Email: 'admin@frontback-sandbox.example',
      IsActive: true,
    },
    at(),
  );
  const book = String(
    store.create('Pricebook2', { Name: 'Standard Price Book', IsActive: true, IsStandard: true }, at())['Id'],
  );
  if (world.companies.length === 0) return counts;

  const accounts = new Map<string, string>();
  const contacts = new Map<string, string>();
  world.companies.forEach((c, i) => {
    // A few customers exist only in the ERP.
    if (i > 0 && rnd() < 0.07) return;
    const account = store.create(
      'Account',
      {
        Name: accountName(c, rnd()),
        Website: website(c.domain, rnd()),
        Phone: c.phone,
        BillingStreet: c.street,
        BillingCity: c.city,
        BillingPostalCode: c.zip,
        BillingState: c.state,
        BillingCountry: country(c.country, rnd()),
        Industry: INDUSTRY[c.industry] ?? 'Other',
        NumberOfEmployees: c.employees,
        AnnualRevenue: c.annualRevenue,
        Type: 'Customer - Direct',
      },
      at(),
    );
    accounts.set(c.key, String(account['Id']));
    counts.accounts += 1;
    for (const p of world.people.filter((x) => x.companyKey === c.key)) {
      if (rnd() < 0.04) continue;
      const e = rnd();
      const email =
        e < 0.1
          ? p.email.replace(/^./, (ch) => ch.toUpperCase())
          : e < 0.14
            ? `${p.email} `
            : e < 0.22
              ? null
              : p.email;
      const n = rnd();
      const row = store.create(
        'Contact',
        {
          AccountId: account['Id'],
          FirstName: n < 0.05 ? `${p.firstName} ` : p.firstName,
          LastName: n > 0.95 ? p.lastName.toUpperCase() : p.lastName,
          Email: email,
          Phone: p.phone,
          MobilePhone: p.mobile,
          Title: p.jobTitle,
          MailingCountry: country(c.country, rnd()),
        },
        at(),
      );
      contacts.set(p.key, String(row['Id']));
      counts.contacts += 1;
    }
  });

  // Messy history: a duplicate contact from before the duplicate rule, and a merged account.
  const first = world.people.find((p) => contacts.has(p.key));
  const firstCompany = world.companies.find((c) => accounts.has(c.key));
  if (first && firstCompany) {
    store.create(
      'Contact',
      {
        AccountId: accounts.get(firstCompany.key),
        FirstName: first.firstName.slice(0, 3),
        LastName: first.lastName,
        Email: first.email.toUpperCase(),
      },
      at(),
    );
    counts.contacts += 1;
    const old = store.create('Account', { Name: `${firstCompany.name} (old)`, Website: firstCompany.domain }, at());
    store.create(
      'Contact',
      { AccountId: old['Id'], FirstName: 'Former', LastName: 'Buyer', Email: `buyer@${firstCompany.domain}` },
      at(),
    );
    counts.contacts += 1;
    mergeRecords(store, 'Account', accounts.get(firstCompany.key) ?? '', [String(old['Id'])], {}, at());
  }

  // Prospects only the CRM knows.
  const extra = generateWorld({
    seed: options.seed + 7919,
    companies: Math.max(1, Math.ceil(world.companies.length / 10)),
    peoplePerCompany: 1,
    products: 0,
    deals: 0,
  });
  for (const c of extra.companies) {
    const account = store.create(
      'Account',
      { Name: c.name, Website: c.domain, BillingCountry: country(c.country, 0), Type: 'Prospect' },
      at(),
    );
    counts.accounts += 1;
    for (const p of extra.people.filter((x) => x.companyKey === c.key)) {
      store.create(
        'Contact',
        {
          AccountId: account['Id'],
          FirstName: p.firstName,
          LastName: p.lastName,
          Email: `${p.email.split('@')[0] ?? 'x'}@${c.domain}`,
        },
        at(),
      );
      counts.contacts += 1;
    }
  }

  const entries = new Map<string, string>();
  for (const g of world.products) {
    const r = rnd();
    const product = store.create(
      'Product2',
      {
        Name: g.name,
        ProductCode: r < 0.1 ? g.sku.toLowerCase() : r < 0.15 ? ` ${g.sku}` : g.sku,
        StockKeepingUnit: g.sku,
        Description: g.description,
        IsActive: true,
        Family: 'Hardware',
      },
      at(),
    );
    counts.products += 1;
    const entry = store.create(
      'PricebookEntry',
      { Pricebook2Id: book, Product2Id: product['Id'], UnitPrice: g.price, IsActive: true },
      at(),
    );
    entries.set(g.key, String(entry['Id']));
  }

  for (const d of world.deals) {
    const account = accounts.get(d.companyKey);
    if (!account) continue;
    const opp = store.create(
      'Opportunity',
      {
        AccountId: account,
        Name: d.name,
        StageName: STAGE[d.stage] ?? 'Prospecting',
        CloseDate: d.closeDate,
        Pricebook2Id: book,
        Amount: d.amount,
      },
      at(),
    );
    counts.opportunities += 1;
    for (const line of d.lines) {
      const entry = entries.get(line.productKey);
      if (!entry) continue;
      store.create(
        'OpportunityLineItem',
        { OpportunityId: opp['Id'], PricebookEntryId: entry, Quantity: line.quantity, UnitPrice: line.price },
        at(),
      );
      counts.lineItems += 1;
    }
    if (d.stage === 'closedwon') {
      store.create(
        'Order',
        {
          AccountId: account,
          OpportunityId: opp['Id'],
          Pricebook2Id: book,
          Name: d.name,
          Status: 'Activated',
          EffectiveDate: d.closeDate,
        },
        at(),
      );
      counts.orders += 1;
    }
  }
  return counts;
}
