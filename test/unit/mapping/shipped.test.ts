/**
 * The mappings shipped in mappings/hubspot-odoo validate against the demo
 * configuration and the real connector registry (both sides described offline,
 * child collections included), their examples pass, and the
 * JSON Schema in docs/ is the one the spec produces today.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mappingCatalog } from '../../../src/cli/mapping-catalog.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { formatSourceIssue } from '../../../src/errors.ts';
import { checkAgainstConnectors } from '../../../src/mapping/check-connectors.ts';
import { loadMappings } from '../../../src/mapping/load.ts';
import { mappingJsonSchema } from '../../../src/mapping/spec.ts';
import type { MappingValue } from '../../../src/mapping/transforms/index.ts';
import type { CompiledMapping, Resolver } from '../../../src/mapping/types.ts';
import { HUBSPOT_INDUSTRIES } from '../../../connectors/hubspot/industries.ts';
import { HUBSPOT_TO_ODOO_INDUSTRY, ODOO_INDUSTRIES } from '../../../connectors/odoo/sandbox/seed.ts';
import { projectRoot } from '../../support/env.ts';

describe('shipped mappings (mappings/hubspot-odoo)', () => {
  const config = loadConfig({ file: 'config/demo.yaml', env: {}, cwd: projectRoot });
  const result = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot, catalog: mappingCatalog(config) });

  it('load with no problem, examples included', () => {
    expect(result.issues.map(formatSourceIssue)).toEqual([]);
  });

  it('cover every business flow of ARCHITECTURE.md, each with examples', () => {
    expect(result.mappings.map((m) => m.mapping.id).sort()).toEqual([
      'companies-partners',
      'contacts-partners',
      'deals-orders',
      'products',
    ]);
    for (const m of result.mappings) expect(m.spec.examples?.length ?? 0, m.mapping.id).toBeGreaterThan(0);
  });

  it('are checked field by field on both sides, child collections included (no "not checked" note)', () => {
    expect(result.warnings).toEqual([]);
  });

  it('would be refused if a shipped rule named a field Odoo does not have (the ERP side is really checked)', () => {
    const spec = result.mappings.find((m) => m.mapping.id === 'deals-orders')?.spec;
    expect(spec).toBeDefined();
    if (spec === undefined) return;
    const catalog = mappingCatalog(config);
    const broken = structuredClone(spec);
    const line = broken.children?.[0]?.fields[2];
    if (line) line.erp = 'product_qty';
    expect(checkAgainstConnectors(broken, catalog).issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'children.0.fields.2.erp: unknown field "product_qty" in odoo sale.order.line (did you mean "product_id"?)',
    ]);
  });
});

describe('shipped mappings: identity', () => {
  const config = loadConfig({ file: 'config/demo.yaml', env: {}, cwd: projectRoot });
  const { mappings } = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot, catalog: mappingCatalog(config) });
  const get = (id: string): CompiledMapping => {
    const found = mappings.find((m) => m.mapping.id === id)?.mapping;
    if (found === undefined) throw new Error(`no mapping ${id}`);
    return found;
  };

  it('companies-partners: domain first (both sides through `domain`), then the name without legal form, confirmed by the country', () => {
    const [byDomain, byName] = get('companies-partners').matchRules;
    expect(byDomain?.key({ website: 'https://www.Acme.example/contact' }, 'erp')).toBe('acme.example');
    expect(byDomain?.key({ domain: 'acme.example' }, 'crm')).toBe('acme.example');
    expect(byName).toMatchObject({ fields: { crm: 'name', erp: 'name' }, confirm: ['country'] });
    expect(byName?.key({ name: 'Acme SAS' }, 'crm')).toBe(byName?.key({ name: 'ACME' }, 'erp'));
    expect(get('companies-partners').creates).toEqual({ crm: true, erp: true });
  });

  it("companies-partners: Odoo's https://www. prefix is not a difference, so it never causes a write back and forth", () => {
    const m = get('companies-partners');
    const none: Resolver = () => undefined;
    const hubspot = { domain: 'acme.example' };
    const odoo = { website: 'https://www.acme.example/' };
    // What each side would receive, compared with what it holds (how the engine tells agreement).
    const toOdoo = m.toPatch(m.toCanonical(hubspot, 'crm'), 'erp', none).patch.website as MappingValue;
    const toHubSpot = m.toPatch(m.toCanonical(odoo, 'erp'), 'crm', none).patch.domain as MappingValue;
    expect(toHubSpot).toBe('acme.example');
    expect(
      m.equal('domain', m.toCanonical({ ...odoo, website: toOdoo }, 'erp').values.domain as MappingValue, odoo.website),
    ).toBe(true);
    expect(m.equal('domain', toHubSpot, hubspot.domain)).toBe(true);
  });

  it('companies-partners: every HubSpot industry option maps to an Odoo industry, and every Odoo industry to one HubSpot option that maps back to it', () => {
    const m = get('companies-partners');
    const companies = mappingCatalog(config)
      .objectsOf('hubspot')
      ?.find((o) => o.name === 'companies');
    expect(companies?.fields.find((f) => f.name === 'industry')?.options?.map((o) => o.value)).toEqual([
      ...HUBSPOT_INDUSTRIES,
    ]);
    const odoo = new Map(ODOO_INDUSTRIES.map(([letter, name]) => [name, letter]));
    // Reference lookups by name <-> id, the id being the NACE letter here.
    const resolver: Resolver = (lookup, value) => {
      if (lookup.kind !== 'reference') return undefined;
      if (lookup.want === 'id') return odoo.get(String(value));
      return ODOO_INDUSTRIES.find(([letter]) => letter === value)?.[1];
    };
    const toOdoo = (industry: string) => m.toPatch(m.toCanonical({ industry }, 'crm'), 'erp', resolver);
    const toHubSpot = (letter: string) => {
      const { patch, problems } = m.toPatch(m.toCanonical({ industry_id: letter }, 'erp'), 'crm', resolver);
      // The record carries no id, so the open-invoice roll-up finds nothing: not what is tested here.
      return { patch, problems: problems.filter((p) => p.field !== 'erp_open_invoices') };
    };
    const names = new Map([...odoo].map(([name, letter]) => [letter, name]));
    for (const option of HUBSPOT_INDUSTRIES) {
      const { patch, problems } = toOdoo(option);
      expect(problems, option).toEqual([]);
      expect(names.has(String(patch.industry_id)), `${option} -> ${String(patch.industry_id)}`).toBe(true);
    }
    for (const [letter, name] of ODOO_INDUSTRIES) {
      const { patch, problems } = toHubSpot(letter);
      expect(problems, name).toEqual([]);
      expect(HUBSPOT_INDUSTRIES, name).toContain(patch.industry);
      expect(toOdoo(String(patch.industry)).patch.industry_id, `${name} -> ${String(patch.industry)} -> back`).toBe(
        letter,
      );
    }
    // The sandboxes' World gives both sides of a company these industries: a first sync finds them equal.
    for (const [hubspot, name] of Object.entries(HUBSPOT_TO_ODOO_INDUSTRY))
      expect(toOdoo(hubspot).patch.industry_id, hubspot).toBe(odoo.get(name));
    // Both ways strict: a value of neither list is refused, not passed on.
    expect(toOdoo('NOT_AN_INDUSTRY').problems).toHaveLength(1);
  });

  it('contacts-partners matches by email, read as an email key on both sides', () => {
    const [rule] = get('contacts-partners').matchRules;
    expect(rule?.key({ email: ' Ann.Lee@ACME.example ' }, 'crm')).toBe(
      rule?.key({ email: 'mailto:ann.lee@acme.example' }, 'erp'),
    );
  });

  it('deals-orders creates orders only; finds an order by the reference frontback writes, else by customer and amount together', () => {
    const m = get('deals-orders');
    expect(m.creates).toEqual({ crm: false, erp: true });
    const [byRef, byCustomerAndAmount] = m.matchRules;
    expect(byRef).toMatchObject({ compound: false, fields: { crm: 'erp_order_ref', erp: 'name' } });
    expect(byCustomerAndAmount).toMatchObject({
      compound: true,
      parts: [
        { fields: { crm: 'associatedcompanyid', erp: 'partner_id' }, via: 'companies-partners' },
        { fields: { crm: 'amount', erp: 'amount_untaxed' } },
      ],
    });
    const links = (mapping: string, from: string, id: string) =>
      mapping === 'companies-partners' && from === 'crm' && id === '101' ? '42' : undefined;
    const deal = byCustomerAndAmount?.key({ associatedcompanyid: '101', amount: '1500.00' }, 'crm', links);
    expect(deal).toBeDefined();
    expect(byCustomerAndAmount?.key({ partner_id: '42', amount_untaxed: 1500 }, 'erp', links)).toBe(deal);
    expect(byCustomerAndAmount?.key({ partner_id: '42', amount_untaxed: 1600 }, 'erp', links)).not.toBe(deal);
  });

  it('an invoice never makes a deal (its figures are aggregates of deals-orders); products are created in HubSpot only and matched by SKU', () => {
    expect(get('deals-orders').creates).toEqual({ crm: false, erp: true });
    expect(
      get('deals-orders')
        .rollUps.filter((r) => r.from === 'account.move')
        .map((r) => [r.field, r.key, r.split]),
    ).toEqual(
      ['erp_amount_due', 'erp_invoice_count', 'erp_invoice_number', 'erp_invoice_date', 'erp_invoice_status'].map(
        (f) => [f, 'name', ','],
      ),
    );
    const products = get('products');
    expect(products.creates).toEqual({ crm: true, erp: false });
    expect(products.matchRules[0]?.key({ hs_sku: ' lamp-01' }, 'crm')).toBe(
      products.matchRules[0]?.key({ default_code: 'LAMP-01' }, 'erp'),
    );
  });
});

describe('docs/mapping.schema.json', () => {
  it('is up to date (regenerate with: frontback schema mapping --out docs/mapping.schema.json)', () => {
    const committed = JSON.parse(readFileSync(join(projectRoot, 'docs/mapping.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(mappingJsonSchema());
  });
});
