/**
 * One deterministic, vendor-neutral world of companies, people, products and deals.
 * Every sandbox renders the same world into its own records (HubSpot companies and
 * contacts, Odoo partners, ...), so a CRM sandbox and an ERP sandbox started with the
 * same seed hold overlapping customers, the way a real business does before its first
 * sync. All values come from ONE faker instance, drawn in a fixed order: the same seed
 * yields a deep-equal world in every run and on every machine.
 */
import { Faker, en } from '@faker-js/faker';

/** Options of {@link generateWorld}. */
export interface WorldOptions {
  /** Seed for faker; the same seed gives the same world. */
  seed: number;
  /** Number of companies. */
  companies: number;
  /** People per company. Default 3. */
  peoplePerCompany?: number;
  /** Number of products. */
  products: number;
  /** Number of deals (each with 1-3 lines). */
  deals: number;
  /** Reference date for deal close dates, ISO date. Default `2025-01-01` (fixed, for determinism). */
  refDate?: string;
}

/** A customer company. */
export interface SeedCompany {
  /** Stable key within the world: `c1`, `c2`, ... */
  key: string;
  name: string;
  /** Internet domain, unique across the world. */
  domain: string;
  phone: string;
  street: string;
  city: string;
  zip: string;
  /** State or region (abbreviation for US), empty when the country has none here. */
  state: string;
  /** ISO 3166-1 alpha-2 country code. */
  country: string;
  /** HubSpot industry enumeration value such as COMPUTER_SOFTWARE or RETAIL. */
  industry: string;
  /** Number of employees. */
  employees: number;
  /** Annual revenue in the company's currency, whole units. */
  annualRevenue: number;
  /** VAT number, for EU companies only. */
  vat?: string;
}

/** A contact person working at one company. */
export interface SeedPerson {
  /** Stable key: `p1`, `p2`, ... */
  key: string;
  /** Key of the company the person works at. */
  companyKey: string;
  firstName: string;
  lastName: string;
  /** Lowercase, unique across the world. */
  email: string;
  phone: string;
  mobile: string;
  jobTitle: string;
  /** HubSpot lifecycle stage: subscriber, lead, marketingqualifiedlead, salesqualifiedlead, opportunity, customer, evangelist, other. */
  lifecycleStage: string;
}

/** A product in the catalogue. */
export interface SeedProduct {
  /** Stable key: `g1`, `g2`, ... */
  key: string;
  /** Stock keeping unit, unique across the world. */
  sku: string;
  name: string;
  description: string;
  /** Unit price, two decimals. */
  price: number;
  /** Quantity on hand. */
  stockQty: number;
}

/** One line of a deal. */
export interface SeedDealLine {
  /** Key of the product sold. */
  productKey: string;
  /** Units sold. */
  quantity: number;
  /** Unit price, two decimals. */
  price: number;
}

/** A sales deal with a company and one of its people. */
export interface SeedDeal {
  /** Stable key: `d1`, `d2`, ... */
  key: string;
  companyKey: string;
  /** Key of the person the deal is with. */
  contactKey: string;
  name: string;
  /**
   * HubSpot default-pipeline stage: appointmentscheduled, qualifiedtobuy, presentationscheduled,
   * decisionmakerboughtin, contractsent, closedwon, closedlost.
   */
  stage: string;
  /** Sum of the lines (quantity x price), two decimals. */
  amount: number;
  /** Expected or actual close date, ISO date (YYYY-MM-DD). */
  closeDate: string;
  lines: SeedDealLine[];
}

/** Everything a sandbox seeds from. */
export interface World {
  companies: SeedCompany[];
  people: SeedPerson[];
  products: SeedProduct[];
  deals: SeedDeal[];
}

/** Industry values used by the generator (a subset of HubSpot's `industry` options). */
export const WORLD_INDUSTRIES: readonly string[] = [
  'COMPUTER_SOFTWARE',
  'RETAIL',
  'INFORMATION_TECHNOLOGY_AND_SERVICES',
  'MACHINERY',
  'FOOD_BEVERAGES',
  'CONSTRUCTION',
  'HOSPITAL_HEALTH_CARE',
  'LOGISTICS_AND_SUPPLY_CHAIN',
  'WHOLESALE',
  'AUTOMOTIVE',
];
/** Lifecycle stages used by the generator. */
export const WORLD_LIFECYCLE_STAGES: readonly string[] = [
  'lead',
  'customer',
  'opportunity',
  'subscriber',
  'marketingqualifiedlead',
  'customer',
];
/** Deal stages used by the generator (HubSpot's default pipeline). */
export const WORLD_DEAL_STAGES: readonly string[] = [
  'appointmentscheduled',
  'qualifiedtobuy',
  'presentationscheduled',
  'decisionmakerboughtin',
  'contractsent',
  'closedwon',
  'closedwon',
  'closedlost',
];
const COUNTRIES = ['US', 'US', 'US', 'GB', 'DE', 'FR', 'BE', 'NL', 'CA'] as const;
const EU = new Set(['DE', 'FR', 'BE', 'NL']);

/**
 * A small deterministic PRNG (mulberry32) for sandboxes that need extra choices on top
 * of the world (e.g. an ERP sandbox formatting some emails differently). Returns numbers
 * in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function slug(text: string): string {
  return text.normalize('NFKD').replace(/[^\w]/g, '').toLowerCase() || 'x';
}

function unique(wanted: string, taken: Set<string>, join: (base: string, n: number) => string): string {
  let value = wanted;
  for (let n = 2; taken.has(value); n += 1) value = join(wanted, n);
  taken.add(value);
  return value;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Builds the world for `options.seed`; pure and deterministic. */
export function generateWorld(options: WorldOptions): World {
  const f = new Faker({ locale: [en] });
  f.seed(options.seed);
  const perCompany = options.peoplePerCompany ?? 3;
  const refDate = new Date(`${options.refDate ?? '2025-01-01'}T00:00:00.000Z`);
  const domains = new Set<string>();
  const emails = new Set<string>();
  const skus = new Set<string>();

  const companies: SeedCompany[] = [];
  const people: SeedPerson[] = [];
  for (let i = 1; i <= options.companies; i += 1) {
    const name = f.company.name();
    const country = f.helpers.arrayElement(COUNTRIES);
    const domainBase = `${slug(name.split(/[\s,]+/)[0] ?? name)}.${f.internet.domainSuffix()}`;
    const domain = unique(domainBase, domains, (b, n) => b.replace('.', `${n}.`));
    const company: SeedCompany = {
      key: `c${i}`,
      name,
      domain,
      phone: f.phone.number({ style: 'international' }),
      street: f.location.streetAddress(),
      city: f.location.city(),
      zip: f.location.zipCode('#####'),
      state: country === 'US' ? f.location.state({ abbreviated: true }) : '',
      country,
      industry: f.helpers.arrayElement(WORLD_INDUSTRIES),
      employees: f.number.int({ min: 2, max: 5000 }),
      annualRevenue: f.number.int({ min: 50, max: 50_000 }) * 1000,
    };
    if (EU.has(country)) company.vat = `${country}${f.string.numeric(9)}`;
    companies.push(company);
    for (let j = 0; j < perCompany; j += 1) {
      const firstName = f.person.firstName();
      const lastName = f.person.lastName();
      const email = unique(`${slug(firstName)}.${slug(lastName)}@${domain}`, emails, (b, n) => b.replace('@', `${n}@`));
      people.push({
        key: `p${people.length + 1}`,
        companyKey: company.key,
        firstName,
        lastName,
        email,
        phone: f.phone.number({ style: 'international' }),
        mobile: f.phone.number({ style: 'international' }),
        jobTitle: f.person.jobTitle(),
        lifecycleStage: f.helpers.arrayElement(WORLD_LIFECYCLE_STAGES),
      });
    }
  }

  const products: SeedProduct[] = [];
  for (let i = 1; i <= options.products; i += 1) {
    const sku = unique(`SKU-${f.string.alphanumeric({ length: 6, casing: 'upper' })}`, skus, (b, n) => `${b}-${n}`);
    products.push({
      key: `g${i}`,
      sku,
      name: f.commerce.productName(),
      description: f.commerce.productDescription(),
      price: round2(f.number.float({ min: 5, max: 2000, fractionDigits: 2 })),
      stockQty: f.number.int({ min: 0, max: 500 }),
    });
  }

  const staffOf = new Map<string, SeedPerson[]>();
  for (const p of people) staffOf.set(p.companyKey, [...(staffOf.get(p.companyKey) ?? []), p]);
  const deals: SeedDeal[] = [];
  for (let i = 1; i <= options.deals && companies.length > 0; i += 1) {
    const company = f.helpers.arrayElement(companies);
    const staff = staffOf.get(company.key) ?? [];
    const contact = staff.length > 0 ? f.helpers.arrayElement(staff) : undefined;
    const lines: SeedDealLine[] = [];
    const lineCount = products.length === 0 ? 0 : f.number.int({ min: 1, max: 3 });
    for (let j = 0; j < lineCount; j += 1) {
      const product = f.helpers.arrayElement(products);
      lines.push({ productKey: product.key, quantity: f.number.int({ min: 1, max: 20 }), price: product.price });
    }
    const amount = round2(lines.reduce((sum, l) => sum + l.quantity * l.price, 0));
    const close = f.date.between({
      from: refDate.getTime() - 180 * 86_400_000,
      to: refDate.getTime() + 90 * 86_400_000,
    });
    deals.push({
      key: `d${i}`,
      companyKey: company.key,
      contactKey: contact?.key ?? '',
      name: `${company.name} - ${f.commerce.productAdjective()} ${f.commerce.product()}`,
      stage: f.helpers.arrayElement(WORLD_DEAL_STAGES),
      amount,
      closeDate: close.toISOString().slice(0, 10),
      lines,
    });
  }
  return { companies, people, products, deals };
}
