/**
 * The Odoo connector's offline description of its standard models
 * (connectors/odoo/standard-models.ts): what `frontback validate` checks mappings
 * against. Cross-checked with the Odoo sandbox, whose models follow Odoo's: every
 * sandbox field of a described model is described, with the type, comodel and
 * options the live `describe()` would give from the sandbox's `fields_get`.
 */
import { describe, expect, it } from 'vitest';
import { describeModel } from '../../../../connectors/odoo/describe.ts';
import odoo from '../../../../connectors/odoo/index.ts';
import { odooModels } from '../../../../connectors/odoo/sandbox/models/index.ts';
import { fieldsGet } from '../../../../connectors/odoo/sandbox/orm/fields-get.ts';
import { Registry } from '../../../../connectors/odoo/sandbox/orm/registry.ts';
import { STANDARD_MODEL_DESCRIPTIONS } from '../../../../connectors/odoo/standard-models.ts';
import { objectDescriptionSchema, type ObjectDescription } from '../../../../src/connector/describe.ts';
import type { FieldInfo } from '../../../../connectors/odoo/schemas.ts';

const MODELS = [
  'res.partner',
  'res.country',
  'res.country.state',
  'res.partner.industry',
  'res.partner.category',
  'product.template',
  'product.product',
  'stock.quant',
  'sale.order',
  'sale.order.line',
  'account.move',
];

/** Deliberate differences from the sandbox, with the reason. */
const TYPE_EXCEPTIONS: Readonly<Record<string, string>> = {
  // The sandbox fixes four languages; a real server's selection is its installed languages.
  'res.partner.lang': 'string',
};

const registry = new Registry(odooModels());
const byName = new Map(STANDARD_MODEL_DESCRIPTIONS.map((o) => [o.name, o]));

function sandboxFields(model: string): Record<string, FieldInfo> {
  return fieldsGet(registry.get(model), [], []) as Record<string, FieldInfo>;
}

function live(model: string): ObjectDescription {
  return describeModel(model, sandboxFields(model));
}

function field(model: string, name: string) {
  return byName.get(model)?.fields.find((f) => f.name === name);
}

describe('Odoo standard models (offline description)', () => {
  it('describes exactly the standard models, through the connector descriptor', () => {
    expect(STANDARD_MODEL_DESCRIPTIONS.map((o) => o.name).sort()).toEqual([...MODELS].sort());
    expect(odoo.objects).toBe(STANDARD_MODEL_DESCRIPTIONS);
    for (const object of STANDARD_MODEL_DESCRIPTIONS)
      expect(objectDescriptionSchema.safeParse(object).success, object.name).toBe(true);
  });

  it.each(MODELS.filter((m) => registry.find(m) !== undefined))(
    '%s: every sandbox field is described with the same type, comodel and options',
    (model) => {
      const expected = live(model);
      const raw = sandboxFields(model);
      const mismatches: string[] = [];
      for (const sandbox of expected.fields) {
        const ours = field(model, sandbox.name);
        if (ours === undefined) {
          mismatches.push(`${sandbox.name}: missing`);
          continue;
        }
        const type = TYPE_EXCEPTIONS[`${model}.${sandbox.name}`] ?? sandbox.type;
        if (ours.type !== type) mismatches.push(`${sandbox.name}: ${ours.type}, sandbox ${sandbox.type}`);
        if (ours.reference?.object !== sandbox.reference?.object)
          mismatches.push(`${sandbox.name}: -> ${ours.reference?.object}, sandbox -> ${sandbox.reference?.object}`);
        const options = new Set(ours.options?.map((o) => o.value));
        const missing = (sandbox.options ?? []).filter((o) => type === 'enum' && !options.has(o.value));
        if (missing.length > 0)
          mismatches.push(`${sandbox.name}: options ${missing.map((o) => o.value).join(', ')} missing`);
        // What Odoo computes without a way to write it back must never look writable.
        // (The sandbox reports one2many fields read-only; Odoo writes them with command lists.)
        const oneToMany = raw[sandbox.name]?.type === 'one2many';
        if (sandbox.readOnly === true && ours.readOnly !== true && !oneToMany)
          mismatches.push(`${sandbox.name}: writable, sandbox read-only`);
        if (sandbox.required === true && ours.required !== true)
          mismatches.push(`${sandbox.name}: optional, sandbox required`);
      }
      expect(mismatches).toEqual([]);
      expect(byName.get(model)?.modifiedField).toBe(expected.modifiedField);
      expect(byName.get(model)?.archivable ?? false).toBe(expected.archivable ?? false);
    },
  );

  it('the sandbox serves every described model, so none escapes the cross-check', () => {
    expect(MODELS.filter((m) => registry.find(m) === undefined)).toEqual([]);
  });

  it.each([
    ['product.product', 'qty_available'],
    ['product.template', 'qty_available'],
    ['product.product', 'price_extra'],
    ['stock.quant', 'quantity'],
    ['sale.order', 'amount_total'],
    ['sale.order.line', 'price_subtotal'],
    ['account.move', 'amount_residual'],
    ['account.move', 'payment_state'],
    ['res.partner', 'write_date'],
    ['res.partner', 'id'],
  ])('%s.%s is read-only (computed or managed by Odoo)', (model, name) => {
    expect(field(model, name)?.readOnly).toBe(true);
  });

  it.each([
    ['res.partner', 'name'],
    ['product.template', 'name'],
    ['product.product', 'product_tmpl_id'],
    ['sale.order', 'partner_id'],
    ['sale.order.line', 'order_id'],
    ['sale.order.line', 'name'],
    ['res.country.state', 'country_id'],
  ])('%s.%s is required', (model, name) => {
    expect(field(model, name)?.required).toBe(true);
  });

  it('types follow the contract: char -> string, html -> text, float/monetary -> number, selection -> enum, many2one -> reference, x2many -> references', () => {
    expect(field('res.partner', 'email')?.type).toBe('string');
    expect(field('res.partner', 'comment')?.type).toBe('text');
    expect(field('res.partner', 'customer_rank')?.type).toBe('integer');
    expect(field('product.product', 'lst_price')?.type).toBe('number');
    expect(field('sale.order', 'amount_total')?.type).toBe('number');
    expect(field('sale.order', 'date_order')?.type).toBe('datetime');
    expect(field('account.move', 'invoice_date')?.type).toBe('date');
    expect(field('res.partner', 'is_company')?.type).toBe('boolean');
    expect(field('account.move', 'payment_state')?.options?.map((o) => o.value)).toEqual([
      'not_paid',
      'in_payment',
      'paid',
      'partial',
      'reversed',
      'invoicing_legacy',
    ]);
    expect(field('res.partner', 'country_id')).toMatchObject({
      type: 'reference',
      reference: { object: 'res.country' },
    });
    expect(field('sale.order', 'order_line')).toMatchObject({
      type: 'references',
      reference: { object: 'sale.order.line' },
    });
    expect(field('res.partner', 'category_id')).toMatchObject({
      type: 'references',
      reference: { object: 'res.partner.category' },
    });
  });

  it('models carry the virtual external_id and declare creates keyed by it (idempotent); no mapping policy in the connector', () => {
    expect(field('res.partner', 'external_id')).toMatchObject({ type: 'string', externalId: true });
    expect(field('sale.order', 'external_id')).toMatchObject({ type: 'string', externalId: true });
    // Which way invoices flow is the mapping's business (deals-orders reads invoices as aggregates only), not the connector's.
    expect(field('account.move', 'external_id')).toMatchObject({ type: 'string', externalId: true });
    for (const model of ['res.partner', 'sale.order', 'account.move'])
      expect(byName.get(model)?.createKey).toEqual({ source: 'generated', field: 'external_id' });
    expect(field('account.move', 'write_date')?.readOnly).toBe(true);
  });
});
