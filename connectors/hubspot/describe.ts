/**
 * The properties API as frontback's object descriptions: HubSpot types
 * (string/number/date/datetime/enumeration/bool) become the contract's field types;
 * `hasUniqueValue` marks external ids (and `email` for contacts, which HubSpot keeps
 * unique without saying so); `hs_object_id` is the id field.
 */
import type { CreateKeySpec, FieldDescription, FieldType, ObjectDescription } from '../../src/connector/index.ts';
import type { HubSpotObjectType } from './objects.ts';
import type { HubSpotProperty } from './schemas.ts';

/** The contract type of one HubSpot property. */
export function fieldTypeOf(property: Pick<HubSpotProperty, 'type' | 'fieldType' | 'options'>): FieldType {
  switch (property.type) {
    case 'number':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'bool':
      return 'boolean';
    case 'enumeration':
      if (property.fieldType === 'booleancheckbox') return 'boolean';
      return (property.options ?? []).length > 0 ? 'enum' : 'string';
    case 'string':
      return property.fieldType === 'textarea' || property.fieldType === 'html' ? 'text' : 'string';
    default:
      // phone_number, object_coordinates, json: passed through as text.
      return 'string';
  }
}

function describeField(object: HubSpotObjectType, p: HubSpotProperty): FieldDescription {
  const type = fieldTypeOf(p);
  const readOnly = p.modificationMetadata?.readOnlyValue === true || p.calculated === true || p.name === 'hs_object_id';
  const field: FieldDescription = { name: p.name, type };
  if (p.label !== undefined && p.label !== '') field.label = p.label;
  if (readOnly) field.readOnly = true;
  else if (p.hasUniqueValue === true || p.name === object.naturalKey) field.externalId = true;
  if (type === 'enum')
    field.options = (p.options ?? []).map((o) =>
      o.label === undefined ? { value: o.value } : { value: o.value, label: o.label },
    );
  if (p.name === 'hs_object_id') field.type = 'string';
  return field;
}

/**
 * A unique text property frontback makes on objects that have no natural key to upsert
 * by (companies, deals, products: only contacts have email), so a create retried after a
 * lost response updates the record it made instead of making a second. Its value is
 * `<mapping>_<source side>_<source id>`; creates upsert by it (never by search: its
 * index lags writes).
 */
export const KEY_PROPERTY = 'frontback_key';

/** How creates of `object` are made idempotent: upsert by its natural key (contacts: email), else by {@link KEY_PROPERTY}. */
export function createKeyOf(object: HubSpotObjectType): CreateKeySpec {
  if (object.naturalKey !== undefined) return { source: 'field', field: object.naturalKey };
  return {
    source: 'generated',
    field: KEY_PROPERTY,
    ensure: { name: KEY_PROPERTY, type: 'string', unique: true, label: 'frontback key (do not edit)' },
  };
}

/** Builds the description of `object` from its properties (archived properties left out). */
/** The deal field the connector fills from the deal's primary company association. */
export const DEAL_COMPANY = 'associatedcompanyid';
/** The deal field the connector fills with the deal's associated line items (child rows). */
export const DEAL_LINES = 'line_items';

export function describeObject(object: HubSpotObjectType, properties: readonly HubSpotProperty[]): ObjectDescription {
  const fields = properties.filter((p) => p.archived !== true).map((p) => describeField(object, p));
  const names = new Set(fields.map((f) => f.name));
  // The id and modified date are always there in HubSpot; make sure the description says so.
  if (!names.has('hs_object_id'))
    fields.unshift({ name: 'hs_object_id', label: 'Record ID', type: 'string', readOnly: true });
  // Deals have no company property: the connector reads the primary company from associations v4.
  if (object.name === 'deals' && !names.has(DEAL_COMPANY))
    fields.push({
      name: DEAL_COMPANY,
      label: 'Primary company (from associations)',
      type: 'string',
      readOnly: true,
      reference: { object: 'companies' },
    });
  if (object.name === 'deals' && !names.has(DEAL_LINES))
    fields.push({
      name: DEAL_LINES,
      label: 'Line items (from associations)',
      type: 'references',
      readOnly: true,
      reference: { object: 'line_items' },
    });
  const modified = fields.find((f) => f.name === object.modifiedProperty);
  if (!modified)
    fields.push({ name: object.modifiedProperty, label: 'Last Modified Date', type: 'datetime', readOnly: true });
  else if (modified.type !== 'datetime') modified.type = 'datetime';
  return {
    name: object.name,
    fields,
    idField: 'hs_object_id',
    modifiedField: object.modifiedProperty,
    archivable: true,
    createKey: createKeyOf(object),
  };
}
