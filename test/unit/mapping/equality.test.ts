/**
 * Normalised equality: the engine must tell a real change from a formatting
 * difference between what a connector delivered and the stored snapshot.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MappingValue } from '../../../src/mapping/transforms/index.ts';
import { testCatalog } from './catalog.ts';
import { loadYaml } from './helpers.ts';

const { mapping } = loadYaml(
  `id: contacts-partners
sides:
  crm: { connection: hubspot, object: contacts }
  erp: { connection: odoo, object: res.partner }
fields:
  - { crm: email, erp: email }
  - { crm: firstname, erp: name }
  - { crm: amount, erp: credit_limit }
  - { crm: lastmodifieddate, erp: phone, flow: crm->erp, name: modified }
  - { crm: country, erp: country_id, transform: country-code, lookup: { model: res.country, by: code }, flow: crm->erp }
`,
  testCatalog,
);

const CASES: [string, MappingValue, MappingValue, boolean][] = [
  ['amount', '10.0', 10, true],
  ['amount', '10', '10.00', true],
  ['amount', '10.5', 10, false],
  ['amount', '', null, true],
  ['amount', 0, null, false],
  ['email', ' A@B.com', 'a@b.com', true],
  ['email', 'a@b.com', 'a@c.com', false],
  ['firstname', '', null, true],
  ['firstname', false, null, true],
  ['firstname', ' Ann ', 'Ann', true],
  ['firstname', 'Ann', 'ann', false],
  ['modified', '2024-03-05T15:07:29+01:00', '2024-03-05T14:07:29Z', true],
  ['modified', '2024-03-05T14:07:29.000Z', '1709647650000', false],
  ['modified', '2024-03-05T14:07:29Z', '2024-03-05T14:07:30Z', false],
  ['country', 'France', 'FR', true],
  ['country', 'France', 'DE', false],
];

describe('equal(field, a, b)', () => {
  it.each(CASES)('%s: %j vs %j -> %s', (field, a, b, same) => {
    expect(mapping.equal(field, a, b)).toBe(same);
    expect(mapping.equal(field, b, a)).toBe(same);
  });

  it('treats an epoch-milliseconds string and an ISO date-time of one instant as equal in a date-time field', () => {
    expect(mapping.equal('modified', '1709647649000', '2024-03-05T14:07:29.000Z')).toBe(true);
  });

  it('is reflexive and symmetric for any value (property)', () => {
    const value = fc.oneof(fc.string(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(fc.constantFrom(...mapping.fields), value, value, (field, a, b) => {
        expect(mapping.equal(field, a, a)).toBe(true);
        expect(mapping.equal(field, a, b)).toBe(mapping.equal(field, b, a));
      }),
    );
  });
});
