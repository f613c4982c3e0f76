/**
 * `fields_get` -> ObjectDescription: char -> string, text/html -> text, integer,
 * float/monetary -> number, boolean, date, datetime, selection -> enum with its options,
 * many2one -> reference, one2many/many2many -> references, anything else -> json.
 * `required` and `readonly` come from Odoo; computed fields that are not stored and have
 * no inverse are read-only (Odoo reports them `readonly`), as are the magic fields.
 * Every writable model also gets the virtual `external_id` field: the ir.model.data key
 * that makes creates idempotent (see writes.ts).
 */
import type { FieldDescription, FieldType, ObjectDescription } from '../../src/connector/index.ts';
import type { FieldInfo } from './schemas.ts';
import type { OdooField, OdooFields } from './values.ts';

/** The virtual field holding a record's external id (`<module>.<name>` in ir.model.data). */
export const EXTERNAL_ID_FIELD = 'external_id';

/** Fields Odoo manages itself; never written. */
const MAGIC_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'create_date',
  'create_uid',
  'write_date',
  'write_uid',
  'display_name',
  '__last_update',
]);

/** Odoo types frontback does not read or write (file contents, dynamic references). */
const SKIPPED_TYPES: ReadonlySet<string> = new Set(['binary', 'image', 'properties', 'properties_definition']);

const TYPE_MAP: Readonly<Record<string, FieldType>> = {
  char: 'string',
  text: 'text',
  html: 'text',
  integer: 'integer',
  float: 'number',
  monetary: 'number',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  selection: 'enum',
  many2one: 'reference',
  one2many: 'references',
  many2many: 'references',
};

/** Options of {@link describeModel}. */
export interface DescribeOptions {
  /** Model label. */
  label?: string;
}

function describeField(name: string, info: FieldInfo): FieldDescription {
  let type: FieldType = TYPE_MAP[info.type] ?? 'json';
  const options = Array.isArray(info.selection)
    ? info.selection.map(([value, label]) => ({ value: String(value), label }))
    : [];
  if (type === 'enum' && options.length === 0) type = 'string';
  const field: FieldDescription = { name, type };
  if (info.string !== undefined && info.string !== '') field.label = info.string;
  if (info.required === true && !MAGIC_FIELDS.has(name)) field.required = true;
  if (info.readonly === true || MAGIC_FIELDS.has(name)) field.readOnly = true;
  if (type === 'enum') field.options = options;
  if ((type === 'reference' || type === 'references') && info.relation !== undefined)
    field.reference = { object: info.relation };
  if ((type === 'reference' || type === 'references') && info.relation === undefined) field.type = 'json';
  return field;
}

/** Describes `model` from its `fields_get` answer. */
export function describeModel(
  model: string,
  fieldsGet: Readonly<Record<string, FieldInfo>>,
  options: DescribeOptions = {},
): ObjectDescription {
  const fields: FieldDescription[] = [];
  for (const [name, info] of Object.entries(fieldsGet)) {
    if (SKIPPED_TYPES.has(info.type)) continue;
    fields.push(describeField(name, info));
  }
  if (!fields.some((f) => f.name === 'id'))
    fields.unshift({ name: 'id', label: 'ID', type: 'integer', readOnly: true });
  if (!fields.some((f) => f.name === EXTERNAL_ID_FIELD)) {
    fields.push({ name: EXTERNAL_ID_FIELD, label: 'External ID (ir.model.data)', type: 'string', externalId: true });
  }
  // Creates `load` rows keyed by an external id frontback generates: Odoo's own idempotency key.
  const description: ObjectDescription = {
    name: model,
    fields,
    idField: 'id',
    createKey: { source: 'generated', field: EXTERNAL_ID_FIELD },
  };
  if (options.label !== undefined) description.label = options.label;
  const writeDate = fields.find((f) => f.name === 'write_date');
  if (writeDate !== undefined && writeDate.type === 'datetime') description.modifiedField = 'write_date';
  if (fieldsGet['active']?.type === 'boolean') description.archivable = true;
  return description;
}

/** The value codecs' view of `fields_get`. */
export function fieldTypes(fieldsGet: Readonly<Record<string, FieldInfo>>): OdooFields {
  const out = new Map<string, OdooField>();
  for (const [name, info] of Object.entries(fieldsGet)) {
    const field: OdooField = { type: info.type };
    if (info.relation !== undefined) field.relation = info.relation;
    if (typeof info.relation_field === 'string' && info.relation_field !== '') field.inverse = info.relation_field;
    out.set(name, field);
  }
  return out;
}
