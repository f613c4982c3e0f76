/**
 * Values at the edge. Reading: Odoo's `false` for empty becomes null (except in boolean
 * fields), a many2one `[id, "Name"]` becomes the id as a string (the contract's
 * `reference`), x2many id lists become string id lists, datetimes `YYYY-MM-DD HH:MM:SS`
 * (UTC) become ISO-8601. Writing: the reverse, with relations as Odoo wants them: a
 * many2one as an integer id, a many2many as `[[6, 0, ids]]`, one2many lines as command
 * lists (`[0, 0, vals]` new, `[1, id, vals]` changed, `[2, id]` removed, `[4, id]` kept).
 */
import { toTimestamp } from '../../src/connector/index.ts';

/** What the value codecs need to know about one field. */
export interface OdooField {
  /** Odoo field type (`char`, `many2one`, `one2many`, ...). */
  type: string;
  /** Comodel of a relational field. */
  relation?: string;
  /** A one2many's inverse many2one on the comodel (`relation_field`: `order_id` of sale.order.line). */
  inverse?: string;
}

/** Field name -> type, for one model. */
export type OdooFields = ReadonlyMap<string, OdooField>;

/** The fields of any model the write needs (the comodels of one2many lines). */
export type FieldsOf = (model: string) => OdooFields | undefined;

const ODOO_DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** ISO-8601 (any offset) or a Date -> Odoo's `YYYY-MM-DD HH:MM:SS` in UTC (seconds, truncated). */
export function toOdooDatetime(value: string | number | Date): string {
  if (typeof value === 'string' && ODOO_DATETIME.test(value)) return value;
  return toTimestamp(value).slice(0, 19).replace('T', ' ');
}

/** Decodes one wire value of a field of type `type`. */
export function decodeValue(field: OdooField | undefined, raw: unknown): unknown {
  const type = field?.type;
  if (type === 'boolean') return raw === true;
  if (raw === false || raw === null || raw === undefined) return null;
  switch (type) {
    case 'many2one':
      if (Array.isArray(raw)) return raw[0] === undefined || raw[0] === false ? null : String(raw[0]);
      return typeof raw === 'number' ? String(raw) : null;
    case 'one2many':
    case 'many2many':
      return Array.isArray(raw) ? raw.map((id) => String(id)) : [];
    case 'datetime':
      return typeof raw === 'string' ? toTimestamp(raw) : raw;
    default:
      return raw;
  }
}

/** Decodes a record's values; fields the model does not describe pass through (false still becomes null). */
export function decodeRecord(fields: OdooFields, raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) out[name] = decodeValue(fields.get(name), value);
  return out;
}

function toId(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  if (typeof value === 'object' && value !== null && 'id' in value) return toId((value as { id: unknown }).id);
  return undefined;
}

/** An id, or a RangeError naming the field (a mapping bug, reported per record). */
function requireId(field: string, value: unknown): number {
  const id = toId(value);
  if (id === undefined) throw new RangeError(`field "${field}": ${JSON.stringify(value)} is not a record id`);
  return id;
}

const isCommand = (value: unknown): value is unknown[] =>
  Array.isArray(value) && typeof value[0] === 'number' && value[0] >= 0 && value[0] <= 6;

function encodeLines(name: string, field: OdooField, value: unknown, fieldsOf: FieldsOf): unknown[] {
  if (!Array.isArray(value)) throw new RangeError(`field "${name}": one2many lines must be a list`);
  const lineFields = field.relation === undefined ? undefined : fieldsOf(field.relation);
  return value.map((item) => {
    if (isCommand(item)) return item;
    if (typeof item !== 'object' || item === null) return [4, requireId(name, item), 0];
    const { id, _delete: remove, ...vals } = item as Record<string, unknown>;
    if (remove === true) return [2, requireId(name, id), 0];
    const encoded = encodeValues(lineFields ?? new Map(), vals, fieldsOf);
    return id === undefined || id === null ? [0, 0, encoded] : [1, requireId(name, id), encoded];
  });
}

/** Encodes one value for `create` / `write`. */
export function encodeValue(name: string, field: OdooField | undefined, value: unknown, fieldsOf: FieldsOf): unknown {
  const type = field?.type;
  if (type === 'boolean') return value === true || value === 'true' || value === 1;
  if (value === null || value === undefined || value === '')
    return type === 'char' || type === 'text' || type === 'html' ? (value === '' ? '' : false) : false;
  switch (type) {
    case 'many2one':
      return requireId(name, value);
    case 'many2many': {
      if (Array.isArray(value) && value.every(isCommand)) return value;
      const ids = (Array.isArray(value) ? value : [value]).map((v) => requireId(name, v));
      return [[6, 0, ids]];
    }
    case 'one2many':
      return encodeLines(name, field as OdooField, value, fieldsOf);
    case 'integer':
    case 'float':
    case 'monetary': {
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isFinite(n)) throw new RangeError(`field "${name}": ${JSON.stringify(value)} is not a number`);
      return type === 'integer' ? Math.trunc(n) : n;
    }
    case 'datetime':
      return toOdooDatetime(value as string);
    case 'date':
      return typeof value === 'string' ? value.slice(0, 10) : toTimestamp(value as number).slice(0, 10);
    default:
      return value;
  }
}

/** Encodes a record's values for `create` / `write`. */
export function encodeValues(
  fields: OdooFields,
  values: Readonly<Record<string, unknown>> | undefined,
  fieldsOf: FieldsOf,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values ?? {}))
    out[name] = encodeValue(name, fields.get(name), value, fieldsOf);
  return out;
}

/**
 * The `load` column and cell for one value (`load` reads every cell as CSV text). Relations
 * go by database id (`partner_id/.id`, many2many ids comma-separated), booleans as `1`/`0`,
 * datetimes in Odoo's form; empty is `''`.
 */
export function loadCell(name: string, field: OdooField | undefined, value: unknown): { column: string; cell: string } {
  const type = field?.type;
  if (type === 'many2one')
    return {
      column: `${name}/.id`,
      cell: value === null || value === undefined || value === '' ? '' : String(requireId(name, value)),
    };
  if (type === 'many2many') {
    const list = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
    return { column: `${name}/.id`, cell: list.map((v) => String(requireId(name, v))).join(',') };
  }
  if (value === null || value === undefined) return { column: name, cell: type === 'boolean' ? '0' : '' };
  if (type === 'boolean') return { column: name, cell: value === true || value === 'true' || value === 1 ? '1' : '0' };
  if (type === 'datetime') return { column: name, cell: toOdooDatetime(value as string) };
  // Odoo's import reads an integer cell with int(): '3.7' is refused where write truncates.
  if (type === 'integer' && Number.isFinite(Number(value)) && String(value).trim() !== '')
    return { column: name, cell: String(Math.trunc(Number(value))) };
  if (type === 'date')
    return {
      column: name,
      cell: typeof value === 'string' ? value.slice(0, 10) : toTimestamp(value as number).slice(0, 10),
    };
  if (typeof value === 'object')
    throw new RangeError(`field "${name}": ${JSON.stringify(value)} cannot be imported as text`);
  return { column: name, cell: String(value) };
}
