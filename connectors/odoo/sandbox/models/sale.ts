/**
 * sale.order and sale.order.line. Totals are stored computed fields recomputed from the
 * lines (no taxes in the sandbox: total = untaxed); a line written on its own updates
 * the order's totals without touching the order's write_date.
 */
import type { ComputeEnv, ModelDef, Row } from '../orm/types.ts';

function linesOf(env: ComputeEnv, orderId: number): Row[] {
  const out: Row[] = [];
  for (const line of env.rows('sale.order.line')) if (line['order_id'] === orderId) out.push(line);
  return out;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
const numberOf = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** sale.order. */
export const saleOrder: ModelDef = {
  name: 'sale.order',
  description: 'Sales Order',
  order: 'date_order desc, id desc',
  fields: {
    name: { type: 'char', string: 'Order Reference', required: true, default: 'New' },
    partner_id: { type: 'many2one', string: 'Customer', relation: 'res.partner', required: true, ondelete: 'restrict' },
    date_order: { type: 'datetime', string: 'Order Date', required: true, default: (now) => now },
    validity_date: { type: 'date', string: 'Expiration' },
    state: {
      type: 'selection',
      string: 'Status',
      default: 'draft',
      selection: [
        ['draft', 'Quotation'],
        ['sent', 'Quotation Sent'],
        ['sale', 'Sales Order'],
        ['cancel', 'Cancelled'],
      ],
    },
    client_order_ref: { type: 'char', string: 'Customer Reference' },
    origin: { type: 'char', string: 'Source Document' },
    note: { type: 'text', string: 'Terms and conditions' },
    order_line: { type: 'one2many', string: 'Order Lines', relation: 'sale.order.line', inverseName: 'order_id' },
    amount_untaxed: { type: 'monetary', string: 'Untaxed Amount', readonly: true },
    amount_tax: { type: 'monetary', string: 'Taxes', readonly: true },
    amount_total: { type: 'monetary', string: 'Total', readonly: true },
  },
  onCreate: (vals, ctx): Record<string, string> =>
    vals['name'] === 'New' || !vals['name']
      ? { name: `S${String(ctx.nextSequence('sale.order')).padStart(5, '0')}` }
      : {},
  recompute: (row, env) => {
    const untaxed = round2(linesOf(env, row.id).reduce((sum, l) => sum + numberOf(l['price_subtotal']), 0));
    return { amount_untaxed: untaxed, amount_tax: 0, amount_total: untaxed };
  },
};

/** sale.order.line. */
export const saleOrderLine: ModelDef = {
  name: 'sale.order.line',
  description: 'Sales Order Line',
  order: 'order_id, sequence, id',
  fields: {
    order_id: {
      type: 'many2one',
      string: 'Order Reference',
      relation: 'sale.order',
      required: true,
      ondelete: 'cascade',
    },
    sequence: { type: 'integer', string: 'Sequence', default: 10 },
    product_id: { type: 'many2one', string: 'Product', relation: 'product.product', ondelete: 'restrict' },
    name: { type: 'text', string: 'Description', required: true },
    product_uom_qty: { type: 'float', string: 'Quantity', default: 1 },
    price_unit: { type: 'float', string: 'Unit Price' },
    discount: { type: 'float', string: 'Discount (%)' },
    price_subtotal: { type: 'monetary', string: 'Subtotal', readonly: true },
  },
  displayName: (row, env) => {
    const order = typeof row['order_id'] === 'number' ? env.row('sale.order', row['order_id']) : undefined;
    return `${String(order?.['name'] ?? '')} - ${String(row['name'] || '')}`;
  },
  onCreate: (vals, ctx) => {
    const product = vals['product_id'];
    if (typeof product !== 'number') return {};
    const out: Record<string, string | number> = {};
    if (!ctx.given.has('name')) out['name'] = ctx.displayName('product.product', product);
    if (!ctx.given.has('price_unit')) {
      const p = ctx.row('product.product', product);
      const tmpl =
        typeof p?.['product_tmpl_id'] === 'number' ? ctx.row('product.template', p['product_tmpl_id']) : undefined;
      out['price_unit'] = numberOf(tmpl?.['list_price']);
    }
    return out;
  },
  recompute: (row) => ({
    price_subtotal: round2(
      numberOf(row['product_uom_qty']) * numberOf(row['price_unit']) * (1 - numberOf(row['discount']) / 100),
    ),
  }),
  dependents: (row) => (typeof row['order_id'] === 'number' ? [{ model: 'sale.order', id: row['order_id'] }] : []),
};
