/**
 * Values of fields that are not kept on the row: `display_name`, one2many (the comodel
 * rows pointing back) and non-stored computed fields such as
 * `product.product.qty_available` and `lst_price`. Always computed in batch, one pass
 * over the related table per call, so reading or filtering N rows stays linear.
 *
 * The write_date rule: computing never writes, so a stock move (a `stock.quant` write)
 * or a price edit (a `product.template` write) changes the computed value a product
 * reads without touching `product.product.write_date`, exactly as in Odoo.
 */
import type { Env } from './env.ts';
import type { Model } from './registry.ts';
import type { FieldDef, Row, Stored } from './types.ts';

/** Computes `name` for `rows` (in order). */
export function computeField(env: Env, model: Model, name: string, field: FieldDef, rows: readonly Row[]): Stored[] {
  if (name === 'display_name') return rows.map((r) => env.displayName(model.name, r.id));
  if (field.type === 'one2many') {
    const inverse = field.inverseName ?? '';
    const wanted = new Set(rows.map((r) => r.id));
    const children = new Map<number, number[]>();
    for (const child of env.rows(field.relation ?? '')) {
      const parent = child[inverse];
      if (typeof parent === 'number' && wanted.has(parent)) {
        const list = children.get(parent);
        if (list) list.push(child.id);
        else children.set(parent, [child.id]);
      }
    }
    return rows.map((r) => children.get(r.id) ?? []);
  }
  if (field.compute) return field.compute(env, rows);
  return rows.map((r) => r[name] ?? false);
}

/** True for fields computed on read. */
export function isComputed(name: string, field: FieldDef): boolean {
  return name === 'display_name' || field.type === 'one2many' || field.compute !== undefined;
}
