/**
 * account.move (customer invoices and refunds). The sandbox keeps the header facts the
 * sync needs (totals, residual, payment state) as plain stored fields; journal items
 * are not modelled. A move created posted gets its `INV/YYYY/NNNNN` number.
 */
import type { ModelDef } from '../orm/types.ts';

/** account.move. */
export const accountMove: ModelDef = {
  name: 'account.move',
  description: 'Journal Entry',
  order: 'date desc, name desc, invoice_date desc, id desc',
  fields: {
    name: { type: 'char', string: 'Number', default: '/' },
    move_type: {
      type: 'selection',
      string: 'Type',
      required: true,
      default: 'entry',
      selection: [
        ['entry', 'Journal Entry'],
        ['out_invoice', 'Customer Invoice'],
        ['out_refund', 'Customer Credit Note'],
        ['in_invoice', 'Vendor Bill'],
        ['in_refund', 'Vendor Credit Note'],
      ],
    },
    partner_id: { type: 'many2one', string: 'Partner', relation: 'res.partner', ondelete: 'restrict' },
    date: { type: 'date', string: 'Date', required: true, default: (now) => now.slice(0, 10) },
    invoice_date: { type: 'date', string: 'Invoice/Bill Date' },
    invoice_date_due: { type: 'date', string: 'Due Date' },
    invoice_origin: { type: 'char', string: 'Origin', help: 'The document(s) that generated the invoice.' },
    ref: { type: 'char', string: 'Reference' },
    state: {
      type: 'selection',
      string: 'Status',
      required: true,
      default: 'draft',
      selection: [
        ['draft', 'Draft'],
        ['posted', 'Posted'],
        ['cancel', 'Cancelled'],
      ],
    },
    amount_untaxed: { type: 'monetary', string: 'Untaxed Amount' },
    amount_tax: { type: 'monetary', string: 'Tax' },
    amount_total: { type: 'monetary', string: 'Total' },
    amount_residual: { type: 'monetary', string: 'Amount Due' },
    payment_state: {
      type: 'selection',
      string: 'Payment Status',
      default: 'not_paid',
      selection: [
        ['not_paid', 'Not Paid'],
        ['in_payment', 'In Payment'],
        ['paid', 'Paid'],
        ['partial', 'Partially Paid'],
        ['reversed', 'Reversed'],
        ['invoicing_legacy', 'Invoicing App Legacy'],
      ],
    },
  },
  displayName: (row) => (row['name'] && row['name'] !== '/' ? String(row['name']) : `Draft Invoice (* ${row.id})`),
  onCreate: (vals, ctx): Record<string, string> => {
    if (vals['state'] !== 'posted' || (vals['name'] && vals['name'] !== '/')) return {};
    const year = String(vals['invoice_date'] || vals['date'] || ctx.now).slice(0, 4);
    const prefix = vals['move_type'] === 'out_refund' ? 'RINV' : 'INV';
    return { name: `${prefix}/${year}/${String(ctx.nextSequence(`${prefix}/${year}`)).padStart(5, '0')}` };
  },
};
