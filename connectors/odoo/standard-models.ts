/**
 * The standard Odoo models and fields frontback knows without asking the server
 * (CONNECTORS.md "Field reference", Odoo 17-19 community modules base, product,
 * stock, sale and account). Written in `fields_get` form and turned into
 * descriptions by the same {@link describeModel} that `describe()` applies to a live
 * server's answer, so the offline and live descriptions follow the same rules
 * (types, read-only magic fields, the virtual `external_id`, read-only models).
 * `describe()` replaces these with the server's own answer, custom fields included.
 */
import type { ObjectDescription } from '../../src/connector/index.ts';
import { describeModel } from './describe.ts';
import type { FieldInfo } from './schemas.ts';

type Fields = Record<string, FieldInfo>;
type Selection = [string, string][];

const char = (string: string, required = false): FieldInfo => ({
  type: 'char',
  string,
  ...(required ? { required } : {}),
});
const text = (string: string): FieldInfo => ({ type: 'text', string });
const html = (string: string): FieldInfo => ({ type: 'html', string });
const int = (string: string): FieldInfo => ({ type: 'integer', string });
const float = (string: string, readonly = false): FieldInfo => ({
  type: 'float',
  string,
  ...(readonly ? { readonly } : {}),
});
const money = (string: string, readonly = false): FieldInfo => ({
  type: 'monetary',
  string,
  ...(readonly ? { readonly } : {}),
});
const bool = (string: string): FieldInfo => ({ type: 'boolean', string });
const date = (string: string, required = false): FieldInfo => ({
  type: 'date',
  string,
  ...(required ? { required } : {}),
});
const datetime = (string: string, required = false): FieldInfo => ({
  type: 'datetime',
  string,
  ...(required ? { required } : {}),
});
const select = (string: string, selection: Selection, more: Partial<FieldInfo> = {}): FieldInfo => ({
  type: 'selection',
  string,
  selection,
  ...more,
});
const m2o = (string: string, relation: string, more: Partial<FieldInfo> = {}): FieldInfo => ({
  type: 'many2one',
  string,
  relation,
  ...more,
});
const o2m = (string: string, relation: string): FieldInfo => ({ type: 'one2many', string, relation });
const m2m = (string: string, relation: string): FieldInfo => ({ type: 'many2many', string, relation });

/** Fields every model has (Odoo's "magic" fields). */
const MAGIC: Fields = {
  id: { type: 'integer', string: 'ID', readonly: true },
  display_name: { type: 'char', string: 'Display Name', readonly: true },
  create_date: { type: 'datetime', string: 'Created on', readonly: true },
  create_uid: m2o('Created by', 'res.users', { readonly: true }),
  write_date: { type: 'datetime', string: 'Last Updated on', readonly: true },
  write_uid: m2o('Last Updated by', 'res.users', { readonly: true }),
};

const PRODUCT_TYPE: Selection = [
  ['consu', 'Goods'],
  ['service', 'Service'],
  ['combo', 'Combo'],
];

/** Fields product.product shares with its template (`_inherits`: reads and writes go to the template). */
const TEMPLATE_SHARED: Fields = {
  name: char('Name', true),
  list_price: float('Sales Price'),
  standard_price: float('Cost'),
  type: select('Product Type', PRODUCT_TYPE, { required: true }),
  is_storable: bool('Track Inventory'),
  description_sale: text('Sales Description'),
  sale_ok: bool('Can be Sold'),
  purchase_ok: bool('Can be Purchased'),
  categ_id: m2o('Product Category', 'product.category'),
  uom_id: m2o('Unit', 'uom.uom'),
  weight: float('Weight'),
  barcode: char('Barcode'),
  default_code: char('Internal Reference'),
  active: bool('Active'),
  // Computed from stock.quant and never stored: a stock move does not change the product.
  qty_available: float('Quantity On Hand', true),
  virtual_available: float('Forecasted Quantity', true),
};

/** Model name -> label and fields, in `fields_get` form. */
const MODELS: Readonly<Record<string, { label: string; fields: Fields }>> = {
  'res.partner': {
    label: 'Contact',
    fields: {
      // Not required in the schema, but a contact-type partner (the default type) cannot be created without it.
      name: char('Name', true),
      complete_name: { type: 'char', string: 'Complete Name', readonly: true },
      is_company: bool('Is a Company'),
      company_type: select('Company Type', [
        ['person', 'Individual'],
        ['company', 'Company'],
      ]),
      parent_id: m2o('Related Company', 'res.partner'),
      child_ids: o2m('Contact', 'res.partner'),
      commercial_partner_id: m2o('Commercial Entity', 'res.partner', { readonly: true }),
      type: select('Address Type', [
        ['contact', 'Contact'],
        ['invoice', 'Invoice Address'],
        ['delivery', 'Delivery Address'],
        ['other', 'Other Address'],
      ]),
      email: char('Email'),
      phone: char('Phone'),
      mobile: char('Mobile'),
      function: char('Job Position'),
      title: m2o('Title', 'res.partner.title'),
      street: char('Street'),
      street2: char('Street2'),
      city: char('City'),
      zip: char('Zip'),
      state_id: m2o('State', 'res.country.state'),
      country_id: m2o('Country', 'res.country'),
      vat: char('Tax ID'),
      company_registry: char('Company ID'),
      website: char('Website Link'),
      ref: char('Reference'),
      comment: html('Notes'),
      // A selection over the database's installed languages: which codes exist depends on the server.
      lang: char('Language'),
      tz: char('Timezone'),
      industry_id: m2o('Industry', 'res.partner.industry'),
      category_id: m2m('Tags', 'res.partner.category'),
      user_id: m2o('Salesperson', 'res.users'),
      company_id: m2o('Company', 'res.company'),
      active: bool('Active'),
      credit_limit: float('Credit Limit'),
      customer_rank: int('Customer Rank'),
      supplier_rank: int('Supplier Rank'),
      company_name: char('Company Name'),
    },
  },
  'res.country': {
    label: 'Country',
    fields: {
      name: char('Country Name', true),
      code: char('Country Code', true),
      phone_code: int('Country Calling Code'),
      currency_id: m2o('Currency', 'res.currency'),
      state_ids: o2m('States', 'res.country.state'),
    },
  },
  'res.country.state': {
    label: 'Country state',
    fields: {
      name: char('State Name', true),
      code: char('State Code', true),
      country_id: m2o('Country', 'res.country', { required: true }),
    },
  },
  'res.partner.industry': {
    label: 'Industry',
    fields: { name: char('Name'), full_name: char('Full Name'), active: bool('Active') },
  },
  'res.partner.category': {
    label: 'Partner Tags',
    fields: {
      name: char('Name', true),
      color: int('Color'),
      parent_id: m2o('Parent Category', 'res.partner.category'),
      child_ids: o2m('Child Tags', 'res.partner.category'),
      active: bool('Active'),
    },
  },
  'product.template': {
    label: 'Product',
    fields: {
      ...TEMPLATE_SHARED,
      is_favorite: bool('Favorite'),
      product_variant_ids: o2m('Products', 'product.product'),
    },
  },
  'product.product': {
    label: 'Product Variant',
    fields: {
      product_tmpl_id: m2o('Product Template', 'product.template', { required: true }),
      ...TEMPLATE_SHARED,
      // Computed from the template's list_price, with an inverse that writes it there.
      lst_price: float('Sales Price'),
      price_extra: float('Variant Price Extra', true),
    },
  },
  'stock.quant': {
    label: 'Quants',
    fields: {
      product_id: m2o('Product', 'product.product', { required: true }),
      location_id: m2o('Location', 'stock.location', { required: true }),
      lot_id: m2o('Lot/Serial Number', 'stock.lot'),
      quantity: float('Quantity', true),
      reserved_quantity: float('Reserved Quantity', true),
      inventory_quantity: float('Counted Quantity'),
      in_date: datetime('Incoming Date'),
      company_id: m2o('Company', 'res.company', { readonly: true }),
    },
  },
  'sale.order': {
    label: 'Sales Order',
    fields: {
      name: char('Order Reference', true),
      partner_id: m2o('Customer', 'res.partner', { required: true }),
      partner_invoice_id: m2o('Invoice Address', 'res.partner'),
      partner_shipping_id: m2o('Delivery Address', 'res.partner'),
      date_order: datetime('Order Date', true),
      validity_date: date('Expiration'),
      commitment_date: datetime('Delivery Date'),
      state: select(
        'Status',
        [
          ['draft', 'Quotation'],
          ['sent', 'Quotation Sent'],
          ['sale', 'Sales Order'],
          ['cancel', 'Cancelled'],
        ],
        { readonly: true },
      ),
      invoice_status: select(
        'Invoice Status',
        [
          ['upselling', 'Upselling Opportunity'],
          ['invoiced', 'Fully Invoiced'],
          ['to invoice', 'To Invoice'],
          ['no', 'Nothing to Invoice'],
        ],
        { readonly: true },
      ),
      client_order_ref: char('Customer Reference'),
      origin: char('Source Document'),
      note: html('Terms and conditions'),
      order_line: o2m('Order Lines', 'sale.order.line'),
      user_id: m2o('Salesperson', 'res.users'),
      pricelist_id: m2o('Pricelist', 'product.pricelist'),
      currency_id: m2o('Currency', 'res.currency', { readonly: true }),
      payment_term_id: m2o('Payment Terms', 'account.payment.term'),
      company_id: m2o('Company', 'res.company', { required: true }),
      amount_untaxed: money('Untaxed Amount', true),
      amount_tax: money('Taxes', true),
      amount_total: money('Total', true),
    },
  },
  'sale.order.line': {
    label: 'Sales Order Line',
    fields: {
      order_id: m2o('Order Reference', 'sale.order', { required: true }),
      sequence: int('Sequence'),
      display_type: select('Display Type', [
        ['line_section', 'Section'],
        ['line_note', 'Note'],
      ]),
      product_id: m2o('Product', 'product.product'),
      name: { type: 'text', string: 'Description', required: true },
      product_uom_qty: float('Quantity'),
      price_unit: float('Unit Price'),
      discount: float('Discount (%)'),
      price_subtotal: money('Subtotal', true),
      price_total: money('Total', true),
      qty_delivered: float('Delivery Quantity'),
      qty_invoiced: float('Invoiced Quantity', true),
    },
  },
  'account.move': {
    label: 'Journal Entry',
    fields: {
      name: char('Number'),
      move_type: select(
        'Type',
        [
          ['entry', 'Journal Entry'],
          ['out_invoice', 'Customer Invoice'],
          ['out_refund', 'Customer Credit Note'],
          ['in_invoice', 'Vendor Bill'],
          ['in_refund', 'Vendor Credit Note'],
          ['out_receipt', 'Sales Receipt'],
          ['in_receipt', 'Purchase Receipt'],
        ],
        { required: true },
      ),
      partner_id: m2o('Partner', 'res.partner'),
      date: date('Date', true),
      invoice_date: date('Invoice/Bill Date'),
      invoice_date_due: date('Due Date'),
      invoice_origin: char('Origin'),
      ref: char('Reference'),
      state: select(
        'Status',
        [
          ['draft', 'Draft'],
          ['posted', 'Posted'],
          ['cancel', 'Cancelled'],
        ],
        { required: true },
      ),
      currency_id: m2o('Currency', 'res.currency'),
      journal_id: m2o('Journal', 'account.journal', { required: true }),
      invoice_line_ids: o2m('Invoice lines', 'account.move.line'),
      amount_untaxed: money('Untaxed Amount', true),
      amount_tax: money('Tax', true),
      amount_total: money('Total', true),
      amount_residual: money('Amount Due', true),
      payment_state: select(
        'Payment Status',
        [
          ['not_paid', 'Not Paid'],
          ['in_payment', 'In Payment'],
          ['paid', 'Paid'],
          ['partial', 'Partially Paid'],
          ['reversed', 'Reversed'],
          ['invoicing_legacy', 'Invoicing App Legacy'],
        ],
        { readonly: true },
      ),
    },
  },
};

/** Offline descriptions of the standard models, in the connector's `describe()` form. */
export const STANDARD_MODEL_DESCRIPTIONS: ObjectDescription[] = Object.entries(MODELS).map(
  ([model, { label, fields }]) => describeModel(model, { ...MAGIC, ...fields }, { label }),
);
