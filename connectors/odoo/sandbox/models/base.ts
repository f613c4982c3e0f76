/**
 * Reference models of Odoo's `base` module the sandbox needs: users, countries and
 * their states, partner industries and tags, and ir.model.data (external ids).
 */
import type { ModelDef, Row } from '../orm/types.ts';

const name = (string = 'Name', required = true) => ({ type: 'char' as const, string, required });

/** res.users (only what create_uid/write_uid and authentication need). */
export const resUsers: ModelDef = {
  name: 'res.users',
  description: 'User',
  order: 'name, login',
  fields: {
    name: name(),
    login: { type: 'char', string: 'Login', required: true },
    active: { type: 'boolean', string: 'Active', default: true },
  },
};

/** res.country; `code` is ISO 3166-1 alpha-2. */
export const resCountry: ModelDef = {
  name: 'res.country',
  description: 'Country',
  order: 'name',
  fields: {
    name: { ...name('Country Name'), help: 'The full name of the country.' },
    code: { type: 'char', string: 'Country Code', help: 'The ISO country code in two chars.' },
    phone_code: { type: 'integer', string: 'Country Calling Code' },
  },
  nameSearchFields: ['name', 'code'],
};

/** res.country.state. */
export const resCountryState: ModelDef = {
  name: 'res.country.state',
  description: 'Country state',
  order: 'code',
  fields: {
    name: name('State Name'),
    code: { type: 'char', string: 'State Code', required: true },
    country_id: { type: 'many2one', string: 'Country', relation: 'res.country', required: true, ondelete: 'restrict' },
  },
  displayName: (row: Row, env) => {
    const country = typeof row['country_id'] === 'number' ? env.row('res.country', row['country_id']) : undefined;
    return `${String(row['name'])} (${String(country?.['code'] ?? '')})`;
  },
  nameSearchFields: ['name', 'code'],
};

/** res.partner.industry. */
export const resPartnerIndustry: ModelDef = {
  name: 'res.partner.industry',
  description: 'Industry',
  order: 'name',
  fields: {
    name: { type: 'char', string: 'Name' },
    full_name: { type: 'char', string: 'Full Name' },
    active: { type: 'boolean', string: 'Active', default: true },
  },
};

/** res.partner.category (contact tags). */
export const resPartnerCategory: ModelDef = {
  name: 'res.partner.category',
  description: 'Partner Tags',
  order: 'name',
  fields: {
    name: name('Name'),
    color: { type: 'integer', string: 'Color' },
    parent_id: { type: 'many2one', string: 'Parent Category', relation: 'res.partner.category', ondelete: 'cascade' },
    active: { type: 'boolean', string: 'Active', default: true },
  },
  displayName: (row, env) => {
    const parts: string[] = [];
    let current: Row | undefined = row;
    for (let depth = 0; current && depth < 20; depth += 1) {
      parts.unshift(String(current['name']));
      current =
        typeof current['parent_id'] === 'number' ? env.row('res.partner.category', current['parent_id']) : undefined;
    }
    return parts.join(' / ');
  },
};

/** ir.model.data: external identifiers (`module.name` -> model, res_id); module + name unique. */
export const irModelData: ModelDef = {
  name: 'ir.model.data',
  description: 'Model Data',
  order: 'module, model, name',
  fields: {
    name: { type: 'char', string: 'External Identifier', required: true },
    module: { type: 'char', string: 'Module', required: true, default: '' },
    model: { type: 'char', string: 'Model Name', required: true },
    res_id: { type: 'integer', string: 'Record ID', help: 'ID of the target record in the database' },
    noupdate: { type: 'boolean', string: 'Non Updatable', default: false },
    complete_name: {
      type: 'char',
      string: 'Complete ID',
      compute: (_env, rows) => rows.map((r) => `${String(r['module'])}.${String(r['name'])}`),
    },
  },
  displayName: (row) => `${String(row['module'])}.${String(row['name'])}`,
  constrain: (row, env) => {
    if (String(row['name']).includes(' ')) return 'External IDs cannot contain spaces';
    for (const other of env.rows('ir.model.data')) {
      if (other.id !== row.id && other['module'] === row['module'] && other['name'] === row['name']) {
        return (
          'The operation cannot be completed: duplicate key value violates unique constraint "ir_model_data_module_name_uniq_index"\n' +
          `DETAIL:  Key (module, name)=(${String(row['module'])}, ${String(row['name'])}) already exists.`
        );
      }
    }
    return undefined;
  },
};
