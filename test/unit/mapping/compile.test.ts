/**
 * The compiled mapping: translation in each direction, value tables, transforms and
 * their inverses, lookups through the resolver, children, filters, match keys,
 * defaults, traces, and the mapping version.
 */
import { describe, expect, it, vi } from 'vitest';
import { mappingVersion } from '../../../src/mapping/load.ts';
import type { LookupRequest, Resolver } from '../../../src/mapping/types.ts';
import { testCatalog } from './catalog.ts';
import { loadYaml } from './helpers.ts';

const CONTACTS = `id: contacts-partners
sides:
  crm: { connection: hubspot, object: contacts }
  erp: { connection: odoo, object: res.partner }
match:
  - { crm: email, erp: email, normalize: email }
filter:
  crm: lifecyclestage in ["customer", "opportunity"]
schedule: every 10m
conflicts: prefer erp
deletes: archive
fields:
  - { crm: email, erp: email, transform: email }
  - { name: fullname, crm: firstname + " " + lastname, erp: name }
  - { crm: lifecyclestage, erp: customer_rank, values: { map: { customer: 1, lead: 0 }, strict: true } }
  - { crm: country, erp: country_id, transform: country-code, lookup: { model: res.country, by: code } }
  - { crm: associatedcompanyid, erp: parent_id, lookup: contacts-partners, flow: crm->erp }
  - { crm: amount, erp: credit_limit, flow: erp->crm, owner: erp, default: 0 }
`;

const none: Resolver = () => undefined;

describe('compiled mapping: crm -> erp', () => {
  const { mapping } = loadYaml(CONTACTS, testCatalog);
  const countries: Record<string, string> = { FR: '75', DE: '57' };
  const resolver: Resolver = (lookup, value) => {
    if (lookup.kind === 'reference' && lookup.model === 'res.country' && lookup.want === 'id')
      return countries[String(value)];
    if (lookup.kind === 'reference' && lookup.want === 'key')
      return Object.entries(countries).find(([, id]) => id === value)?.[0];
    if (lookup.kind === 'link' && lookup.mapping === 'contacts-partners') return value === '900' ? '7' : undefined;
    return undefined;
  };

  it('reads a HubSpot record and writes an Odoo patch (transform, expression, value table, lookups)', () => {
    const canonical = mapping.toCanonical(
      {
        email: ' Ann@Example.COM ',
        firstname: 'Ann',
        lastname: 'Lee',
        lifecyclestage: 'customer',
        country: 'France',
        associatedcompanyid: '900',
        amount: '5',
      },
      'crm',
    );
    const { patch, problems } = mapping.toPatch(canonical, 'erp', resolver);
    expect(problems).toEqual([]);
    // credit_limit flows erp->crm only, so it is not in a patch for the ERP.
    expect(patch).toEqual({
      email: 'ann@example.com',
      name: 'Ann Lee',
      customer_rank: 1,
      country_id: '75',
      parent_id: '7',
    });
  });

  it('reads an Odoo record and writes a HubSpot patch through the inverses (reversed table, id -> code -> name)', () => {
    const canonical = mapping.toCanonical(
      {
        id: 7,
        email: 'ann@example.com',
        name: 'Ann Lee',
        customer_rank: 0,
        country_id: '57',
        parent_id: '3',
        credit_limit: 2500,
      },
      'erp',
    );
    const { patch, problems } = mapping.toPatch(canonical, 'crm', resolver);
    expect(problems).toEqual([]);
    expect(patch).toEqual({ email: 'ann@example.com', lifecyclestage: 'lead', country: 'Germany', amount: 2500 });
  });

  it.each([['57'], [57], [[57, 'Germany']], [{ id: 57, name: 'Germany' }]])(
    'reads the reference %j as the id 57',
    (countryId) => {
      const { patch } = mapping.toPatch(mapping.toCanonical({ country_id: countryId }, 'erp'), 'crm', resolver);
      expect(patch).toEqual({ country: 'Germany' });
    },
  );

  it('writes the default when the source value is empty', () => {
    const { patch } = mapping.toPatch(mapping.toCanonical({ credit_limit: null }, 'erp'), 'crm', none);
    expect(patch.amount).toBe(0);
  });

  it('leaves out a field whose lookup finds nothing and says why', () => {
    const { patch, problems } = mapping.toPatch(
      mapping.toCanonical({ email: 'a@b.c', country: 'Spain' }, 'crm'),
      'erp',
      resolver,
    );
    expect(patch).not.toHaveProperty('country_id');
    expect(problems).toEqual([
      { field: 'country', path: 'fields[3]', message: 'lookup res.country by code: nothing found for "ES"' },
    ]);
  });

  it('reports a value a strict table does not list, and keeps the rest of the patch', () => {
    const { patch, problems } = mapping.toPatch(
      mapping.toCanonical({ email: 'a@b.c', lifecyclestage: 'evangelist' }, 'crm'),
      'erp',
      none,
    );
    // Fields the record does not carry (the name's parts included) are left out.
    expect(patch).toEqual({ email: 'a@b.c' });
    expect(problems).toEqual([
      {
        field: 'lifecyclestage',
        path: 'fields[2]',
        message: 'values: "evangelist" is not in the table (crm -> erp; listed: customer, lead)',
      },
    ]);
  });

  it('leaves out a field the record does not carry, and clears one that is empty', () => {
    const { patch } = mapping.toPatch(
      mapping.toCanonical(
        { email: 'a@b.c', country: '', associatedcompanyid: null, firstname: ' ', lastname: null },
        'crm',
      ),
      'erp',
      none,
    );
    // A computed name whose parts are all blank is empty too.
    expect(patch).toEqual({ email: 'a@b.c', name: null, country_id: null, parent_id: null });
    expect(patch).not.toHaveProperty('customer_rank');
  });

  it('passes the resolver exactly what a lookup needs (no I/O in the mapping)', () => {
    const seen: [LookupRequest, unknown][] = [];
    const spy = vi.fn<Resolver>((lookup, value) => {
      seen.push([lookup, value]);
      return 'X';
    });
    mapping.toPatch(mapping.toCanonical({ country: 'FR', associatedcompanyid: '900' }, 'crm'), 'erp', spy);
    expect(seen).toEqual([
      [{ kind: 'reference', side: 'erp', model: 'res.country', by: 'code', want: 'id' }, 'FR'],
      [{ kind: 'link', mapping: 'contacts-partners', from: 'crm', to: 'erp' }, '900'],
    ]);
  });

  it('traces which rule produced each value', () => {
    const { trace } = mapping.toPatch(
      mapping.toCanonical({ email: ' A@B.com', country: 'France' }, 'crm'),
      'erp',
      resolver,
      { trace: true },
    );
    expect(trace?.find((t) => t.field === 'email')).toEqual({
      field: 'email',
      path: 'fields[0]',
      target: 'email',
      outcome: 'set',
      steps: [
        { rule: 'read crm email', value: ' A@B.com' },
        { rule: 'transform email', value: 'a@b.com' },
      ],
    });
    expect(trace?.find((t) => t.field === 'country')?.steps.map((s) => s.rule)).toEqual([
      'read crm country',
      'transform country-code',
      'lookup res.country by code',
    ]);
  });

  it('refuses to translate a record into its own side', () => {
    expect(() => mapping.toPatch(mapping.toCanonical({}, 'crm'), 'crm', none)).toThrow(/ask for the other side/);
  });

  it('keeps the settings of the file', () => {
    expect(mapping.schedule).toEqual({ everyMs: 600_000 });
    expect(mapping.conflicts).toBe('prefer erp');
    expect(mapping.deletes).toBe('archive');
    expect(mapping.owner('amount')).toBe('erp');
    expect(mapping.owner('email')).toBeUndefined();
    expect(mapping.fields).toEqual(['email', 'fullname', 'lifecyclestage', 'country', 'associatedcompanyid', 'amount']);
  });

  it('builds match keys with the normaliser and skips empty values', () => {
    expect(mapping.matchKeys({ email: ' Ann@X.com ' }, 'crm')).toEqual([{ field: 'email', value: 'ann@x.com' }]);
    expect(mapping.matchKeys({ email: '' }, 'crm')).toEqual([]);
  });
});

describe('match keys', () => {
  const { mapping } = loadYaml(
    `id: contacts-partners
sides:
  crm: { connection: hubspot, object: contacts }
  erp: { connection: odoo, object: res.partner }
match:
  - { crm: email, erp: email, normalize: email }
  - { crm: phone, erp: phone, normalize: { phone: { country: FR } } }
  - { crm: phone, erp: phone, normalize: { e164: { country: FR } } }
  - { crm: lastname, erp: name, normalize: [trim, lower] }
  - { crm: firstname, erp: name, normalize: [trim, { default: nobody }] }
fields:
  - { crm: email, erp: email }
`,
    testCatalog,
  );

  it('are the normalised values, in rule order', () => {
    expect(mapping.matchKeys({ email: ' Ann@X.com', phone: '01 23 45 67 89', lastname: ' Lee ' }, 'crm')).toEqual([
      { field: 'email', value: 'ann@x.com' },
      { field: 'phone', value: '+33123456789' },
      { field: 'phone', value: '+33123456789' },
      { field: 'name', value: 'lee' },
    ]);
  });

  it('leave out values that cannot be a key: junk, invalid, refused by a step, blank once normalised', () => {
    expect(mapping.matchKeys({ email: 'N/A', phone: '12', lastname: '   ' }, 'crm')).toEqual([]);
    expect(mapping.matchKeys({ email: 'ann lee', phone: 'n/a', lastname: '' }, 'crm')).toEqual([]);
    // A step after "no key" does not make one up: blank is no key, not "nobody".
    expect(mapping.matchKeys({ firstname: '  ' }, 'crm')).toEqual([]);
    expect(mapping.matchKeys({ firstname: ' Ann ' }, 'crm')).toEqual([{ field: 'name', value: 'Ann' }]);
  });
});

describe('filters (CEL expressions)', () => {
  const { mapping } = loadYaml(CONTACTS, testCatalog);
  it.each([
    [{ lifecyclestage: 'customer' }, true],
    [{ lifecyclestage: 'opportunity' }, true],
    [{ lifecyclestage: 'lead' }, false],
    [{}, false],
  ])('crm record %j accepted: %s', (record, accepted) => {
    expect(mapping.accepts(record, 'crm')).toBe(accepted);
  });
  it('accepts everything on a side without a filter', () => {
    expect(mapping.accepts({}, 'erp')).toBe(true);
  });

  const SAFETY = (filter: string): string =>
    CONTACTS.replace('crm: lifecyclestage in ["customer", "opportunity"]', `crm: ${filter}`);
  it.each(['constructor', 'constructor.name == "Object"', 'toString', 'process', 'hasOwnProperty', 'valueOf == null'])(
    '"%s" cannot reach prototypes or globals: it reads as an empty field',
    (expression) => {
      const { mapping: m } = loadYaml(SAFETY(expression));
      // On a normal record these names are not own fields, so they read as null (never a function or an object).
      expect(m.accepts({ lifecyclestage: 'customer' }, 'crm')).toBe(expression === 'valueOf == null');
    },
  );
  it('refuses __proto__ at load time', () => {
    expect(() => loadYaml(SAFETY('__proto__ == null'))).toThrow(
      'filter.crm: bad expression: Reserved identifier: __proto__',
    );
  });
  it('cannot climb from a field to its constructor', () => {
    const { mapping: m } = loadYaml(SAFETY('email.constructor == null'));
    expect(m.accepts({ email: 'a@b.c' }, 'crm')).toBe(false);
  });
});

describe('children (deal line items <-> order lines)', () => {
  const { mapping } = loadYaml(`id: deals-orders
sides:
  crm: { connection: hubspot, object: deals }
  erp: { connection: odoo, object: sale.order }
fields:
  - { crm: dealname, erp: client_order_ref }
children:
  - crm: line_items
    erp: order_line
    fields:
      - { crm: hs_sku, erp: product_id, lookup: { model: product.product, by: default_code }, flow: crm->erp }
      - { crm: quantity, erp: product_uom_qty, transform: number }
      - { crm: price, erp: price_unit, transform: number }
`);
  it('maps every child row with its own rules', () => {
    const canonical = mapping.toCanonical(
      {
        dealname: 'Big deal',
        line_items: [
          { hs_sku: 'p1', quantity: '2', price: '10.50' },
          { hs_sku: 'p2', quantity: '1', price: '3' },
        ],
      },
      'crm',
    );
    const resolver: Resolver = (lookup, value) =>
      lookup.kind === 'reference' && lookup.model === 'product.product' ? `odoo-${String(value)}` : undefined;
    expect(mapping.toPatch(canonical, 'erp', resolver).patch).toEqual({
      client_order_ref: 'Big deal',
      order_line: [
        { product_id: 'odoo-p1', product_uom_qty: 2, price_unit: 10.5 },
        { product_id: 'odoo-p2', product_uom_qty: 1, price_unit: 3 },
      ],
    });
  });
  it('exposes canonical values by rule name, children included, and translates a canonical record rebuilt from them (a stored snapshot)', () => {
    const canonical = mapping.toCanonical(
      { dealname: 'D', line_items: [{ hs_sku: 'p1', quantity: '2', price: '1' }] },
      'crm',
    );
    expect(canonical.values).toEqual({ dealname: 'D', line_items: [{ hs_sku: 'p1', quantity: '2', price: '1' }] });
    const snapshot = JSON.parse(JSON.stringify({ side: canonical.side, values: canonical.values })) as typeof canonical;
    const resolver: Resolver = (lookup, value) => (lookup.kind === 'reference' ? `odoo-${String(value)}` : undefined);
    expect(mapping.toPatch(snapshot, 'erp', resolver).patch).toEqual(mapping.toPatch(canonical, 'erp', resolver).patch);
  });

  it('reads no children as an empty list', () => {
    expect(mapping.toCanonical({ dealname: 'x' }, 'crm').values.line_items).toEqual([]);
  });
});

describe('aggregates', () => {
  it('asks the resolver for the roll-up of the record, with the compiled condition', () => {
    const { mapping } = loadYaml(`id: invoices-companies
sides:
  crm: { connection: hubspot, object: companies }
  erp: { connection: odoo, object: res.partner }
fields:
  - { crm: open_invoices, aggregate: { from: account.move, by: partner_id, sum: amount_residual, where: 'state == "posted" && amount_residual > 0' } }
`);
    const rows = [
      { partner_id: '7', state: 'posted', amount_residual: 100 },
      { partner_id: '7', state: 'draft', amount_residual: 50 },
      { partner_id: '7', state: 'posted', amount_residual: 0 },
      { partner_id: '8', state: 'posted', amount_residual: 30 },
    ];
    const resolver: Resolver = (lookup, value) => {
      if (lookup.kind !== 'aggregate') return undefined;
      const mine = rows.filter((r) => r[lookup.by as 'partner_id'] === value && (lookup.matches?.(r) ?? true));
      return mine.reduce((sum, r) => sum + r.amount_residual, 0);
    };
    const { patch } = mapping.toPatch(mapping.toCanonical({ id: '7', name: 'Acme' }, 'erp'), 'crm', resolver);
    expect(patch).toEqual({ open_invoices: 100 });
  });
});

describe('value tables whose way back is settled by inverse', () => {
  const { mapping } = loadYaml(
    CONTACTS.replace(
      '{ crm: lifecyclestage, erp: customer_rank, values: { map: { customer: 1, lead: 0 }, strict: true } }',
      '{ crm: lifecyclestage, erp: customer_rank, values: { map: { customer: 1, opportunity: 1, lead: 0 }, inverse: { "1": customer }, strict: true } }',
    ),
  );
  const there = (stage: string) =>
    mapping.toPatch(mapping.toCanonical({ lifecyclestage: stage }, 'crm'), 'erp', none).patch;
  const back = (rank: number) => mapping.toPatch(mapping.toCanonical({ customer_rank: rank }, 'erp'), 'crm', none);

  it('maps several CRM values to one ERP value, and that value back to the one inverse chooses', () => {
    expect(there('opportunity')).toEqual({ customer_rank: 1 });
    expect(there('customer')).toEqual({ customer_rank: 1 });
    expect(back(1).patch).toEqual({ lifecyclestage: 'customer' });
    expect(back(0).patch).toEqual({ lifecyclestage: 'lead' });
  });

  it('refuses an ERP value the table does not list on the way back (strict)', () => {
    expect(back(7).problems.map((p) => p.message)).toEqual([
      expect.stringContaining('7 is not in the table (erp -> crm'),
    ]);
  });
});

describe('mapping version', () => {
  it('is the first 12 hex characters of the SHA-256 of the normalised content', () => {
    const a = loadYaml(CONTACTS).mapping.version;
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    // Formatting and key order do not change it; content does.
    const reordered = CONTACTS.replace(
      'schedule: every 10m\nconflicts: prefer erp\n',
      'conflicts: prefer erp\n# a comment\nschedule:   every 10m\n',
    );
    expect(loadYaml(reordered).mapping.version).toBe(a);
    expect(loadYaml(CONTACTS.replace('every 10m', 'every 15m')).mapping.version).not.toBe(a);
    expect(mappingVersion(loadYaml(CONTACTS).spec)).toBe(a);
  });
});
