/**
 * Match rules in the mapping language: one normaliser per side, compound rules (every
 * part must agree, `via` parts compared through another mapping's links), `confirm:`,
 * and the mapping's `creates:` and `guard:`, as the compiled mapping exposes them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LinkResolver } from '../../../src/mapping/types.ts';
import { loadYaml } from './helpers.ts';

const HEAD = `id: deals-orders
sides:
  crm: { connection: hubspot, object: deals }
  erp: { connection: odoo, object: sale.order }
`;
const FIELDS = `fields:
  - { crm: dealname, erp: client_order_ref }
  - { crm: country, erp: country_id, lookup: { model: res.country, by: code } }
`;

describe('a simple rule with a normaliser per side', () => {
  const { mapping } = loadYaml(`${HEAD}match:
  - { crm: phone, erp: phone, normalize: { crm: { phone: { country: FR } }, erp: { phone: { country: BE } } } }
${FIELDS}`);
  const [rule] = mapping.matchRules;

  it('reads each side through its own normaliser', () => {
    // A national number is read in the side's country: FR on the CRM side, BE on the ERP side.
    expect(rule?.key({ phone: '01 23 45 67 89' }, 'crm')).toBe('+33123456789');
    expect(rule?.key({ phone: '02 511 23 45' }, 'erp')).toBe('+3225112345');
    expect(rule?.key({ phone: '02 511 23 45' }, 'crm')).toBeUndefined();
    expect(rule?.key({ phone: '+33 1 23 45 67 89' }, 'erp')).toBe('+33123456789');
  });

  it('keeps the simple rule shape: fields, one part, no confirm, searchValue', () => {
    expect(rule).toMatchObject({
      index: 0,
      compound: false,
      fields: { crm: 'phone', erp: 'phone' },
      parts: [{ fields: { crm: 'phone', erp: 'phone' } }],
      confirm: [],
      label: 'phone',
    });
    expect(rule?.indexFields('erp')).toEqual(['phone']);
    expect(rule?.searchValue('+33123456789')).toBe('+33123456789');
  });

  it('gives matchKeys read with the side of the record', () => {
    expect(mapping.matchKeys({ phone: '02 511 23 45' }, 'erp')).toEqual([{ field: 'phone', value: '+3225112345' }]);
    expect(mapping.matchKeys({ phone: 'n/a' }, 'erp')).toEqual([]);
  });
});

describe('a compound rule', () => {
  const { mapping } = loadYaml(
    `${HEAD}match:
  - { crm: erp_order_ref, erp: name, normalize: [trim, upper] }
  - all:
      - { crm: associatedcompanyid, erp: partner_id, via: companies-partners }
      - { crm: amount, erp: amount_untaxed, normalize: [number, { round: { decimals: 2 } }] }
    confirm: [country]
${FIELDS}`,
    undefined,
    ['companies-partners'],
  );
  const [simple, compound] = mapping.matchRules;
  // companies-partners links HubSpot company 101 to Odoo partner 42.
  const links: LinkResolver = (m, from, id) =>
    m === 'companies-partners' && from === 'crm' && id === '101' ? '42' : undefined;

  it('is described by its parts; it has no single field pair', () => {
    expect(compound).toMatchObject({
      index: 1,
      compound: true,
      confirm: ['country'],
      parts: [
        { fields: { crm: 'associatedcompanyid', erp: 'partner_id' }, via: 'companies-partners' },
        { fields: { crm: 'amount', erp: 'amount_untaxed' } },
      ],
      label: 'all(crm associatedcompanyid = erp partner_id via companies-partners, crm amount = erp amount_untaxed)',
    });
    expect(compound?.fields).toBeUndefined();
    expect(compound?.indexFields('crm')).toEqual(['associatedcompanyid', 'amount']);
    expect(compound?.indexFields('erp')).toEqual(['partner_id', 'amount_untaxed']);
  });

  it('gives one key on both sides when every part agrees (CRM company through the links, amounts as numbers)', () => {
    const deal = compound?.key({ associatedcompanyid: '101', amount: '1500.00' }, 'crm', links);
    expect(deal).toBe('["42","1500"]');
    // Odoo gives a many2one as the id, or [id, name]; amounts as numbers.
    expect(compound?.key({ partner_id: '42', amount_untaxed: 1500 }, 'erp', links)).toBe(deal);
    expect(compound?.key({ partner_id: [42, 'Acme SAS'], amount_untaxed: 1500.001 }, 'erp', links)).toBe(deal);
    expect(compound?.key({ partner_id: '42', amount_untaxed: 1499 }, 'erp', links)).not.toBe(deal);
  });

  it('has no key when a part has none: an unlinked company, no amount, no link resolver', () => {
    expect(compound?.key({ associatedcompanyid: '102', amount: '1500' }, 'crm', links)).toBeUndefined();
    expect(compound?.key({ associatedcompanyid: '101', amount: '' }, 'crm', links)).toBeUndefined();
    expect(compound?.key({ associatedcompanyid: '101', amount: '1500' }, 'crm')).toBeUndefined();
    expect(compound?.key({ partner_id: '42', amount_untaxed: 1500 }, 'erp')).toBeUndefined();
    expect(compound?.key({ partner_id: false, amount_untaxed: 1500 }, 'erp', links)).toBeUndefined();
  });

  it('leaves the simple rule before it as it was', () => {
    expect(simple?.key({ erp_order_ref: ' s00012 ' }, 'crm')).toBe('S00012');
    expect(simple?.fields).toEqual({ crm: 'erp_order_ref', erp: 'name' });
    // matchKeys lists simple rules only.
    expect(mapping.matchKeys({ erp_order_ref: 'S00012', associatedcompanyid: '101', amount: '5' }, 'crm')).toEqual([
      { field: 'name', value: 'S00012' },
    ]);
  });
});

describe('compound keys, property: two records share a compound key exactly when every part agrees', () => {
  const { mapping } = loadYaml(`${HEAD}match:
  - { crm: a, erp: x, normalize: trim }
  - { crm: b, erp: y, normalize: lower }
  - all: [{ crm: a, erp: x, normalize: trim }, { crm: b, erp: y, normalize: lower }]
${FIELDS}`);
  const [first, second, both] = mapping.matchRules;
  // Short text over an alphabet that could confuse a naive encoding (separators, quotes,
  // brackets, blanks, case), so that values which collide under one are common.
  const text = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'A', ',', '"', '[', ']', '\\', ' ', '|'), maxLength: 4 }),
    fc.string({ maxLength: 6 }),
  );

  // The ERP values: the CRM ones, unrelated ones, or the CRM ones joined with a separator
  // and cut elsewhere ("a,b" + "c" against "a" + "b,c"): what a naive encoding confuses.
  const erpOf = fc.oneof(
    fc.constant((a: string, b: string) => ({ x: a, y: b })),
    fc.tuple(text, text).map(([x, y]) => () => ({ x, y })),
    fc.tuple(fc.constantFrom(',', '|', '","', '', ' '), fc.nat()).map(([sep, cut]) => (a: string, b: string) => {
      const joined = `${a}${sep}${b}`;
      const at = cut % (joined.length + 1);
      return { x: joined.slice(0, at), y: joined.slice(at) };
    }),
  );

  it('holds for any values', () => {
    fc.assert(
      fc.property(text, text, erpOf, (a, b, toErp) => {
        const crm = { a, b };
        const erp = toErp(a, b);
        const k1 = first?.key(crm, 'crm');
        const k2 = second?.key(crm, 'crm');
        const model =
          k1 !== undefined && k2 !== undefined && k1 === first?.key(erp, 'erp') && k2 === second?.key(erp, 'erp');
        const crmKey = both?.key(crm, 'crm');
        const erpKey = both?.key(erp, 'erp');
        expect(crmKey !== undefined && crmKey === erpKey).toBe(model);
        // No key for the compound exactly when a part has none.
        expect(crmKey === undefined).toBe(k1 === undefined || k2 === undefined);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('creates and guard', () => {
  const compile = (extra: string) =>
    loadYaml(`${HEAD}match:\n  - { crm: dealname, erp: client_order_ref }\n${extra}${FIELDS}`).mapping;

  it.each([
    ['', { crm: true, erp: true }],
    ['creates: { crm: false }\n', { crm: false, erp: true }],
    ['creates: { crm: false, erp: false }\n', { crm: false, erp: false }],
  ])('creates %j', (extra, expected) => {
    expect(compile(extra).creates).toEqual(expected);
  });

  it.each([
    ['', {}],
    ['guard: { maxCreates: 50 }\n', { maxCreates: 50 }],
    ['guard: { maxCreates: 0 }\n', { maxCreates: 0 }],
    ['guard: { maxCreates: "10%" }\n', { maxShare: 0.1 }],
    ['guard: { maxCreates: "12.5%" }\n', { maxShare: 0.125 }],
    ['guard: { maxCreates: "100%" }\n', { maxShare: 1 }],
  ])('guard %j', (extra, expected) => {
    expect(compile(extra).guard).toEqual(expected);
  });
});
