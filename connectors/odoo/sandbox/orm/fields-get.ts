/**
 * `fields_get(allfields, attributes)`: the field description clients and the connector
 * use to discover a model, in Odoo's attribute names (`type`, `string`, `required`,
 * `readonly`, `relation`, `relation_field`, `selection`, `store`, `searchable`,
 * `sortable`, ...). `attributes` keeps only the named keys.
 */
import { isComputed } from './computed.ts';
import type { Model } from './registry.ts';

/** Describes the fields of `model`. */
export function fieldsGet(
  model: Model,
  allfields: unknown,
  attributes: unknown,
): Record<string, Record<string, unknown>> {
  const names =
    Array.isArray(allfields) && allfields.length > 0
      ? allfields.filter((f): f is string => typeof f === 'string' && Object.hasOwn(model.allFields, f))
      : Object.keys(model.allFields);
  const keep =
    Array.isArray(attributes) && attributes.length > 0
      ? new Set(attributes.filter((a) => typeof a === 'string'))
      : undefined;
  const out: Record<string, Record<string, unknown>> = {};
  for (const name of names) {
    const field = model.allFields[name];
    if (!field) continue;
    const computed = isComputed(name, field);
    const store = !computed;
    const desc: Record<string, unknown> = {
      name,
      type: field.type,
      string: field.string,
      help: field.help ?? false,
      required: field.required ?? false,
      readonly: field.readonly ?? (computed && !field.inverse),
      store,
      searchable: store || field.searchable === true || name === 'display_name',
      sortable: store,
      manual: false,
      company_dependent: false,
      exportable: true,
      translate: false,
      depends: [],
      groups: false,
      change_default: false,
    };
    if (field.relation) {
      desc['relation'] = field.relation;
      desc['domain'] = [];
      desc['context'] = {};
    }
    if (field.type === 'one2many') desc['relation_field'] = field.inverseName ?? false;
    if (field.type === 'selection') desc['selection'] = (field.selection ?? []).map(([v, l]) => [v, l]);
    if (field.type === 'char') desc['size'] = false;
    out[name] = keep ? Object.fromEntries(Object.entries(desc).filter(([k]) => keep.has(k))) : desc;
  }
  return out;
}
