/**
 * res.partner: companies (`is_company`) and their people (`parent_id`), one model as in
 * Odoo. `complete_name` ("Company, Person") is a stored computed field: recomputing it
 * when the company is renamed does not touch the people's write_date.
 */
import type { ComputeEnv, ModelDef, Row, Stored } from '../orm/types.ts';

const TYPES = [
  ['contact', 'Contact'],
  ['invoice', 'Invoice Address'],
  ['delivery', 'Delivery Address'],
  ['other', 'Other Address'],
] as const;

function parentOf(row: Row, env: ComputeEnv): Row | undefined {
  return typeof row['parent_id'] === 'number' ? env.row('res.partner', row['parent_id']) : undefined;
}

/** Odoo's `_get_complete_name`: "Parent, Name" for people of a company; address types named by type. */
export function completeName(row: Row, env: ComputeEnv): string {
  let name = typeof row['name'] === 'string' ? row['name'] : '';
  const parent = parentOf(row, env);
  if (parent) {
    if (!name && row['type'] !== 'contact') name = TYPES.find(([k]) => k === row['type'])?.[1] ?? '';
    if (row['is_company'] !== true) name = `${typeof parent['name'] === 'string' ? parent['name'] : ''}, ${name}`;
  }
  return name.trim();
}

function commercialPartner(row: Row, env: ComputeEnv): number {
  let current = row;
  for (let depth = 0; depth < 20; depth += 1) {
    if (current['is_company'] === true) return current.id;
    const parent = parentOf(current, env);
    if (!parent) return current.id;
    current = parent;
  }
  return current.id;
}

const char = (string: string) => ({ type: 'char' as const, string });

/** res.partner. */
export const resPartner: ModelDef = {
  name: 'res.partner',
  description: 'Contact',
  order: 'complete_name ASC, id DESC',
  fields: {
    name: { ...char('Name') },
    complete_name: { type: 'char', string: 'Complete Name', readonly: true },
    is_company: {
      type: 'boolean',
      string: 'Is a Company',
      default: false,
      help: 'Check if the contact is a company, otherwise it is a person',
    },
    company_type: {
      type: 'selection',
      string: 'Company Type',
      selection: [
        ['person', 'Individual'],
        ['company', 'Company'],
      ],
      compute: (_env, rows) => rows.map((r) => (r['is_company'] === true ? 'company' : 'person')),
      inverse: (row, value) => ({ model: 'res.partner', id: row.id, vals: { is_company: value === 'company' } }),
      searchable: true,
    },
    parent_id: { type: 'many2one', string: 'Related Company', relation: 'res.partner' },
    child_ids: { type: 'one2many', string: 'Contact', relation: 'res.partner', inverseName: 'parent_id' },
    commercial_partner_id: { type: 'many2one', string: 'Commercial Entity', relation: 'res.partner', readonly: true },
    type: { type: 'selection', string: 'Address Type', selection: TYPES, default: 'contact' },
    email: char('Email'),
    phone: char('Phone'),
    mobile: char('Mobile'),
    function: char('Job Position'),
    street: char('Street'),
    street2: char('Street2'),
    city: char('City'),
    zip: char('Zip'),
    state_id: { type: 'many2one', string: 'State', relation: 'res.country.state', ondelete: 'restrict' },
    country_id: { type: 'many2one', string: 'Country', relation: 'res.country', ondelete: 'restrict' },
    vat: { type: 'char', string: 'Tax ID', help: 'The Tax Identification Number.' },
    website: char('Website Link'),
    ref: char('Reference'),
    comment: { type: 'text', string: 'Notes' },
    lang: {
      type: 'selection',
      string: 'Language',
      selection: [
        ['en_US', 'English (US)'],
        ['fr_FR', 'French / Français'],
        ['de_DE', 'German / Deutsch'],
        ['nl_NL', 'Dutch / Nederlands'],
      ],
      default: 'en_US',
    },
    industry_id: { type: 'many2one', string: 'Industry', relation: 'res.partner.industry' },
    category_id: { type: 'many2many', string: 'Tags', relation: 'res.partner.category' },
    active: { type: 'boolean', string: 'Active', default: true },
    credit_limit: { type: 'float', string: 'Credit Limit' },
    customer_rank: { type: 'integer', string: 'Customer Rank', default: 0 },
    supplier_rank: { type: 'integer', string: 'Supplier Rank', default: 0 },
    company_name: char('Company Name'),
  },
  displayName: (row, env) => completeName(row, env),
  nameSearchFields: ['complete_name', 'email', 'ref', 'vat'],
  recompute: (row, env): Record<string, Stored> => ({
    complete_name: completeName(row, env),
    commercial_partner_id: commercialPartner(row, env),
  }),
  dependents: (row, env) => {
    const out: { model: string; id: number }[] = [];
    for (const other of env.rows('res.partner'))
      if (other['parent_id'] === row.id) out.push({ model: 'res.partner', id: other.id });
    return out;
  },
  constrain: (row) => (!row['name'] && row['type'] === 'contact' ? 'Contacts require a name' : undefined),
};
