/**
 * product.template, product.product (its variant, one per template here), stock.location
 * and stock.quant. As in Odoo: the price lives on the template (`list_price`), stock
 * lives in quants, and the variant's `lst_price` and `qty_available` are computed, not
 * stored; so a price edit or a stock move never touches product.product.write_date.
 */
import type { ComputeEnv, ModelDef, Row, Stored } from '../orm/types.ts';

const TEMPLATE_FIELDS = [
  'name',
  'list_price',
  'type',
  'is_storable',
  'description_sale',
  'sale_ok',
  'purchase_ok',
] as const;

function templateOf(row: Row, env: ComputeEnv): Row | undefined {
  return typeof row['product_tmpl_id'] === 'number' ? env.row('product.template', row['product_tmpl_id']) : undefined;
}

/** On-hand quantity per product over internal locations (one pass over the quants). */
export function onHandByProduct(env: ComputeEnv): Map<number, number> {
  const internal = new Set<number>();
  for (const loc of env.rows('stock.location')) if (loc['usage'] === 'internal') internal.add(loc.id);
  const sums = new Map<number, number>();
  for (const quant of env.rows('stock.quant')) {
    const product = quant['product_id'];
    const location = quant['location_id'];
    if (typeof product !== 'number' || typeof location !== 'number' || !internal.has(location)) continue;
    sums.set(product, (sums.get(product) ?? 0) + (typeof quant['quantity'] === 'number' ? quant['quantity'] : 0));
  }
  return sums;
}

function related(
  field: (typeof TEMPLATE_FIELDS)[number],
  def: {
    type: 'char' | 'float' | 'boolean' | 'selection' | 'text';
    string: string;
    selection?: readonly (readonly [string, string])[];
  },
) {
  return {
    ...def,
    searchable: true,
    compute: (env: ComputeEnv, rows: readonly Row[]): Stored[] => rows.map((r) => templateOf(r, env)?.[field] ?? false),
    inverse: (row: Row, value: Stored) =>
      typeof row['product_tmpl_id'] === 'number'
        ? { model: 'product.template', id: row['product_tmpl_id'], vals: { [field]: value } }
        : undefined,
  };
}

const TYPE_SELECTION = [
  ['consu', 'Goods'],
  ['service', 'Service'],
  ['combo', 'Combo'],
] as const;

/** product.template. */
export const productTemplate: ModelDef = {
  name: 'product.template',
  description: 'Product',
  order: 'is_favorite desc, name',
  fields: {
    name: { type: 'char', string: 'Name', required: true },
    list_price: {
      type: 'float',
      string: 'Sales Price',
      default: 1,
      help: 'Price at which the product is sold to customers.',
    },
    type: { type: 'selection', string: 'Product Type', selection: TYPE_SELECTION, default: 'consu', required: true },
    is_storable: { type: 'boolean', string: 'Track Inventory', default: false },
    is_favorite: { type: 'boolean', string: 'Favorite', default: false },
    description_sale: { type: 'text', string: 'Sales Description' },
    sale_ok: { type: 'boolean', string: 'Can be Sold', default: true },
    purchase_ok: { type: 'boolean', string: 'Can be Purchased', default: true },
    active: { type: 'boolean', string: 'Active', default: true },
    product_variant_ids: {
      type: 'one2many',
      string: 'Products',
      relation: 'product.product',
      inverseName: 'product_tmpl_id',
    },
    default_code: {
      type: 'char',
      string: 'Internal Reference',
      searchable: true,
      compute: (env, rows) => rows.map((t) => firstVariant(env, t.id)?.['default_code'] ?? false),
      inverse: (row, value, env) => {
        const variant = firstVariant(env, row.id);
        return variant ? { model: 'product.product', id: variant.id, vals: { default_code: value } } : undefined;
      },
    },
    qty_available: {
      type: 'float',
      string: 'Quantity On Hand',
      searchable: true,
      compute: (env, rows) => {
        const byProduct = onHandByProduct(env);
        const byTemplate = new Map<number, number>();
        for (const p of env.rows('product.product')) {
          const t = p['product_tmpl_id'];
          if (typeof t === 'number') byTemplate.set(t, (byTemplate.get(t) ?? 0) + (byProduct.get(p.id) ?? 0));
        }
        return rows.map((r) => byTemplate.get(r.id) ?? 0);
      },
    },
  },
  afterCreate: (row, env) => {
    if (env.flags.has('no_variant')) return;
    env.create('product.product', { product_tmpl_id: row.id });
  },
};

function firstVariant(env: ComputeEnv, templateId: number): Row | undefined {
  for (const p of env.rows('product.product')) if (p['product_tmpl_id'] === templateId) return p;
  return undefined;
}

/** product.product (a variant of a template). */
export const productProduct: ModelDef = {
  name: 'product.product',
  description: 'Product Variant',
  order: 'default_code, name, id',
  fields: {
    product_tmpl_id: {
      type: 'many2one',
      string: 'Product Template',
      relation: 'product.template',
      required: true,
      ondelete: 'cascade',
    },
    default_code: { type: 'char', string: 'Internal Reference' },
    barcode: { type: 'char', string: 'Barcode' },
    active: { type: 'boolean', string: 'Active', default: true },
    name: related('name', { type: 'char', string: 'Name' }),
    list_price: related('list_price', { type: 'float', string: 'Sales Price' }),
    type: related('type', { type: 'selection', string: 'Product Type', selection: TYPE_SELECTION }),
    is_storable: related('is_storable', { type: 'boolean', string: 'Track Inventory' }),
    description_sale: related('description_sale', { type: 'text', string: 'Sales Description' }),
    sale_ok: related('sale_ok', { type: 'boolean', string: 'Can be Sold' }),
    purchase_ok: related('purchase_ok', { type: 'boolean', string: 'Can be Purchased' }),
    price_extra: { type: 'float', string: 'Variant Price Extra', compute: (_env, rows) => rows.map(() => 0) },
    lst_price: {
      type: 'float',
      string: 'Sales Price',
      help: 'The sale price is managed from the product template.',
      compute: (env, rows) =>
        rows.map((r) => {
          const price = templateOf(r, env)?.['list_price'];
          return typeof price === 'number' ? price : 0;
        }),
      // No variant attributes here, so price_extra is 0 and the template takes the value as is.
      inverse: (row, value) =>
        typeof row['product_tmpl_id'] === 'number'
          ? { model: 'product.template', id: row['product_tmpl_id'], vals: { list_price: value } }
          : undefined,
    },
    qty_available: {
      type: 'float',
      string: 'Quantity On Hand',
      searchable: true,
      compute: (env, rows) => {
        const byProduct = onHandByProduct(env);
        return rows.map((r) => byProduct.get(r.id) ?? 0);
      },
    },
  },
  displayName: (row, env) => {
    const name = String(templateOf(row, env)?.['name'] ?? '');
    return typeof row['default_code'] === 'string' && row['default_code'] !== ''
      ? `[${row['default_code']}] ${name}`
      : name;
  },
  nameSearchFields: ['default_code', 'name'],
  prepare: (vals, env) => {
    if (typeof vals['product_tmpl_id'] === 'number') return vals;
    // Creating a variant alone creates its template first (Odoo's _inherits).
    const templateVals: Record<string, unknown> = {};
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(vals)) {
      if ((TEMPLATE_FIELDS as readonly string[]).includes(k)) templateVals[k] = v;
      else rest[k] = v;
    }
    if (vals['lst_price'] !== undefined) templateVals['list_price'] = vals['lst_price'];
    delete rest['lst_price'];
    env.flags.add('no_variant');
    try {
      return { ...rest, product_tmpl_id: env.create('product.template', templateVals) };
    } finally {
      env.flags.delete('no_variant');
    }
  },
};

/** stock.location. */
export const stockLocation: ModelDef = {
  name: 'stock.location',
  description: 'Inventory Locations',
  order: 'complete_name, id',
  parentName: 'location_id',
  fields: {
    name: { type: 'char', string: 'Location Name', required: true },
    complete_name: { type: 'char', string: 'Full Location Name', readonly: true },
    location_id: { type: 'many2one', string: 'Parent Location', relation: 'stock.location', ondelete: 'cascade' },
    usage: {
      type: 'selection',
      string: 'Location Type',
      required: true,
      default: 'internal',
      selection: [
        ['supplier', 'Vendor'],
        ['view', 'Virtual'],
        ['internal', 'Internal'],
        ['customer', 'Customer'],
        ['inventory', 'Inventory Loss'],
        ['production', 'Production'],
        ['transit', 'Transit'],
      ],
    },
    active: { type: 'boolean', string: 'Active', default: true },
  },
  displayName: (row) => String(row['complete_name'] || row['name']),
  recompute: (row, env) => {
    const parent = typeof row['location_id'] === 'number' ? env.row('stock.location', row['location_id']) : undefined;
    // Odoo: a non-view location is named after its parent's full name.
    return {
      complete_name:
        parent && row['usage'] !== 'view'
          ? `${String(parent['complete_name'])}/${String(row['name'])}`
          : String(row['name']),
    };
  },
};

/** stock.quant: quantity of a product in a location. */
export const stockQuant: ModelDef = {
  name: 'stock.quant',
  description: 'Quants',
  fields: {
    product_id: {
      type: 'many2one',
      string: 'Product',
      relation: 'product.product',
      required: true,
      ondelete: 'restrict',
    },
    location_id: {
      type: 'many2one',
      string: 'Location',
      relation: 'stock.location',
      required: true,
      ondelete: 'restrict',
    },
    quantity: {
      type: 'float',
      string: 'Quantity',
      readonly: true,
      help: 'Quantity of products in this quant, in the default unit of measure of the product',
    },
    reserved_quantity: { type: 'float', string: 'Reserved Quantity', default: 0 },
    inventory_quantity: { type: 'float', string: 'Counted Quantity' },
    in_date: { type: 'datetime', string: 'Incoming Date', default: (now) => now },
  },
  displayName: (row, env) =>
    typeof row['product_id'] === 'number' ? env.displayName('product.product', row['product_id']) : '',
};
