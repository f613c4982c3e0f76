/**
 * A fixed connector catalog for mapping tests: HubSpot contacts, deals and line
 * items, and Odoo res.partner, sale.order, sale.order.line and account.move descriptions,
 * independent of the real connectors so the expected messages do not move when a
 * connector grows a field.
 */
import type { ObjectDescription } from '../../../src/connector/describe.ts';
import type { ConnectorCatalog } from '../../../src/mapping/check-connectors.ts';

const contacts: ObjectDescription = {
  name: 'contacts',
  idField: 'hs_object_id',
  fields: [
    { name: 'hs_object_id', type: 'string', readOnly: true },
    { name: 'email', type: 'string', externalId: true },
    { name: 'firstname', type: 'string' },
    { name: 'lastname', type: 'string' },
    { name: 'phone', type: 'string' },
    { name: 'country', type: 'string' },
    { name: 'lifecyclestage', type: 'enum', options: [{ value: 'lead' }, { value: 'customer' }] },
    { name: 'associatedcompanyid', type: 'string', readOnly: true, reference: { object: 'companies' } },
    { name: 'lastmodifieddate', type: 'datetime', readOnly: true },
    { name: 'amount', type: 'number' },
  ],
};

const partner: ObjectDescription = {
  name: 'res.partner',
  idField: 'id',
  fields: [
    { name: 'id', type: 'integer', readOnly: true },
    { name: 'name', type: 'string', required: true },
    { name: 'email', type: 'string' },
    { name: 'phone', type: 'string' },
    { name: 'country_id', type: 'reference', reference: { object: 'res.country' } },
    { name: 'parent_id', type: 'reference', reference: { object: 'res.partner' } },
    { name: 'customer_rank', type: 'integer' },
    { name: 'credit_limit', type: 'number' },
    { name: 'write_date', type: 'datetime', readOnly: true },
    { name: 'total_due', type: 'number', readOnly: true },
    { name: 'is_company', type: 'boolean' },
    { name: 'date', type: 'date' },
    { name: 'type', type: 'enum', options: [{ value: 'contact' }, { value: 'invoice' }] },
  ],
};

const deals: ObjectDescription = {
  name: 'deals',
  idField: 'hs_object_id',
  fields: [
    { name: 'hs_object_id', type: 'string', readOnly: true },
    { name: 'dealname', type: 'string' },
    { name: 'amount', type: 'number' },
  ],
};

const lineItems: ObjectDescription = {
  name: 'line_items',
  idField: 'hs_object_id',
  fields: [
    { name: 'hs_object_id', type: 'string', readOnly: true },
    { name: 'name', type: 'string' },
    { name: 'quantity', type: 'number' },
    { name: 'price', type: 'number' },
    { name: 'hs_product_id', type: 'string', reference: { object: 'products' } },
  ],
};

const saleOrder: ObjectDescription = {
  name: 'sale.order',
  idField: 'id',
  fields: [
    { name: 'id', type: 'integer', readOnly: true },
    { name: 'name', type: 'string', required: true },
    { name: 'client_order_ref', type: 'string' },
    { name: 'order_line', type: 'references', reference: { object: 'sale.order.line' } },
    { name: 'tag_ids', type: 'references', reference: { object: 'crm.tag' } },
  ],
};

const saleOrderLine: ObjectDescription = {
  name: 'sale.order.line',
  idField: 'id',
  fields: [
    { name: 'id', type: 'integer', readOnly: true },
    { name: 'name', type: 'text', required: true },
    { name: 'product_id', type: 'reference', reference: { object: 'product.product' } },
    { name: 'product_uom_qty', type: 'number' },
    { name: 'price_unit', type: 'number' },
    { name: 'price_subtotal', type: 'number', readOnly: true },
  ],
};

const accountMove: ObjectDescription = {
  name: 'account.move',
  idField: 'id',
  fields: [
    { name: 'id', type: 'integer', readOnly: true },
    { name: 'name', type: 'string' },
    { name: 'partner_id', type: 'reference', reference: { object: 'res.partner' } },
    { name: 'invoice_user_id', type: 'reference', reference: { object: 'res.users' } },
    { name: 'move_type', type: 'enum', options: [{ value: 'out_invoice' }, { value: 'in_invoice' }] },
    { name: 'state', type: 'enum', options: [{ value: 'draft' }, { value: 'posted' }] },
    { name: 'amount_residual', type: 'number', readOnly: true },
    { name: 'invoice_date', type: 'date' },
  ],
};

/** hubspot (described) and odoo (described) and netsuite (no offline description). */
export const testCatalog: ConnectorCatalog = {
  connections: new Map([
    ['hubspot', 'hubspot'],
    ['odoo', 'odoo'],
    ['netsuite', 'netsuite'],
  ]),
  objectsOf: (kind) =>
    kind === 'hubspot'
      ? [contacts, deals, lineItems]
      : kind === 'odoo'
        ? [partner, saleOrder, saleOrderLine, accountMove]
        : undefined,
};
