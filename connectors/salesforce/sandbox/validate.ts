/**
 * Checks one written value against its field the way the REST API does before saving
 * (REST API Developer Guide, "Status Codes and Error Responses"; Object Reference,
 * "Field Types"): unknown or read-only fields, JSON types, lengths, e-mail syntax,
 * restricted picklists, date and date-time formats, and lookups to records of the right
 * type. Returns the value as stored (date-times normalised to `...+0000`, ids to 18
 * characters) or throws a {@link SalesforceApiError} worded as Salesforce words it.
 */
import { SalesforceApiError } from './errors.ts';
import { keyPrefix, normalizeId } from './ids.ts';
import { formatSfDatetime, parseSfDatetime, type SObjectValue } from './records.ts';
import { findField, type SObjectField, type SObjectType } from './schema.ts';

/** How the validator learns where an id points. */
export interface IdResolver {
  /** The type name of the record with this 18-character id and whether it is deleted; undefined when none. */
  lookup(id: string): { type: string; deleted: boolean } | undefined;
  /** The type name a key prefix stands for (`001` -> `Account`). */
  typeForPrefix(prefix: string): string | undefined;
}

const TEXT_TYPES = new Set(['string', 'textarea', 'email', 'phone', 'url', 'picklist']);
const NUMBER_TYPES = new Set(['currency', 'double', 'percent', 'int']);
// A pragmatic reading of what Salesforce accepts as an e-mail address.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function jsonError(type: string, value: unknown): SalesforceApiError {
  const token = typeof value === 'string' ? 'VALUE_STRING' : typeof value === 'boolean' ? 'VALUE_TRUE' : 'START_OBJECT';
  return new SalesforceApiError(
    400,
    'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${type} from ${token} value ${JSON.stringify(value)} or request may be missing a required field`,
  );
}

/** The field a written key names, or INVALID_FIELD as the REST API answers an unknown one. */
export function writableField(type: SObjectType, key: string, mode: 'create' | 'update'): SObjectField {
  const f = findField(type, key);
  if (!f) {
    throw new SalesforceApiError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${type.name}`);
  }
  if (mode === 'create' ? !f.createable : !f.updateable) {
    throw new SalesforceApiError(
      400,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${f.name}. Please check the security settings of this field ` +
        'and verify that it is read/write for your profile or permission set.',
      [f.name],
    );
  }
  return f;
}

/** The value to store for `raw` written to `f`, or a Salesforce error. */
export function coerceValue(f: SObjectField, raw: unknown, resolve: IdResolver): SObjectValue {
  if (raw === null || raw === undefined || raw === '') {
    return f.type === 'boolean' ? false : null;
  }
  if (TEXT_TYPES.has(f.type)) {
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') throw jsonError('String', raw);
    const text = String(raw);
    if (text.length > f.length) {
      throw new SalesforceApiError(
        400,
        'STRING_TOO_LONG',
        `${f.label}: data value too large: ${text.slice(0, 40)} (max length=${f.length})`,
        [f.name],
      );
    }
    if (f.type === 'email' && !EMAIL.test(text.trim())) {
      throw new SalesforceApiError(400, 'INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${text}`, [
        f.name,
      ]);
    }
    if (f.type === 'picklist' && f.restrictedPicklist && !f.picklistValues.includes(text)) {
      throw new SalesforceApiError(
        400,
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        `${f.label}: bad value for restricted picklist field: ${text}`,
        [f.name],
      );
    }
    return text;
  }
  if (NUMBER_TYPES.has(f.type)) {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (!Number.isFinite(n)) throw jsonError(f.type === 'int' ? 'int' : 'double', raw);
    return f.type === 'int' ? Math.trunc(n) : n;
  }
  if (f.type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw jsonError('boolean', raw);
  }
  if (f.type === 'date') {
    const text = typeof raw === 'string' ? raw.slice(0, 10) : '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
      throw jsonError('Date', raw);
    }
    return text;
  }
  if (f.type === 'datetime') {
    const ms = typeof raw === 'string' ? parseSfDatetime(raw) : Number.NaN;
    if (Number.isNaN(ms)) throw jsonError('Datetime', raw);
    return formatSfDatetime(ms);
  }
  // id and reference
  if (typeof raw !== 'string') throw jsonError('String', raw);
  const id = normalizeId(raw);
  const target = id ? resolve.lookup(id) : undefined;
  const type = target?.type ?? resolve.typeForPrefix(keyPrefix(raw));
  if (!id || type === undefined || !f.referenceTo.includes(type)) {
    throw new SalesforceApiError(400, 'MALFORMED_ID', `${f.label}: id value of incorrect type: ${raw}`, [f.name]);
  }
  if (!target) {
    throw new SalesforceApiError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [f.name]);
  }
  if (target.deleted) throw new SalesforceApiError(400, 'ENTITY_IS_DELETED', 'entity is deleted', [f.name]);
  return id;
}

/** REQUIRED_FIELD_MISSING for the given fields, as Salesforce lists them. */
export function requiredMissing(fields: string[]): SalesforceApiError {
  return new SalesforceApiError(
    400,
    'REQUIRED_FIELD_MISSING',
    `Required fields are missing: [${fields.join(', ')}]`,
    fields,
  );
}
