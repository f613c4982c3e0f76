/**
 * Value conversion between the wire and the rows, per field type, following Odoo's
 * `convert_to_cache` / `convert_to_read`: empty char/date/selection/many2one read as
 * `false`, empty numbers as 0, a many2one as `[id, display_name]` (or a bare id with
 * `load=None`, as webhooks send it), x2many as id lists.
 */
import { OdooError, valueError } from '../errors.ts';
import { normalizeDate, normalizeDatetime } from './datetime.ts';
import type { Env } from './env.ts';
import type { Model } from './registry.ts';
import type { FieldDef, Stored } from './types.ts';

/** ValidationError for a foreign key violation, as Odoo's `_as_validation_error` words it. */
export function foreignKeyError(model: Model, fieldName: string, field: FieldDef): OdooError {
  return new OdooError(
    'odoo.exceptions.ValidationError',
    'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n' +
      `Model: ${model.description} (${model.name})\nConstraint: ${model.name.replaceAll('.', '_')}_${fieldName}_fkey\n` +
      (field.relation ? `Field: ${field.string} (${fieldName})\n` : ''),
  );
}

/** ValidationError for a missing required value (a NOT NULL violation). */
export function requiredError(model: Model, fieldName: string, field: FieldDef): OdooError {
  return new OdooError(
    'odoo.exceptions.ValidationError',
    'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n' +
      '- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
      `Model: ${model.description} (${model.name})\nField: ${field.string} (${fieldName})\n`,
  );
}

const isEmpty = (value: unknown): boolean => value === false || value === null || value === undefined;

function toNumber(model: Model, name: string, value: unknown, integer: boolean): number {
  if (isEmpty(value)) return 0;
  if (value === true) return 1;
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) {
    const kind = integer
      ? 'int() argument must be a string, a bytes-like object or a real number'
      : 'could not convert string to float';
    throw valueError(`${kind}: '${String(value)}' (${model.name}.${name})`);
  }
  return integer ? Math.trunc(n) : n;
}

/**
 * Converts a written value of a non-x2many field to its stored form. A many2one must
 * name an existing record (else the foreign key error Odoo reports).
 */
export function toStored(env: Env, model: Model, name: string, field: FieldDef, value: unknown): Stored {
  switch (field.type) {
    case 'char':
    case 'text':
      if (isEmpty(value)) return false;
      return typeof value === 'string' ? value : String(value);
    case 'selection': {
      if (isEmpty(value)) return false;
      const allowed = field.selection ?? [];
      if (typeof value !== 'string' || !allowed.some(([key]) => key === value)) {
        throw valueError(`Wrong value for ${model.name}.${name}: ${JSON.stringify(value)}`);
      }
      return value;
    }
    case 'integer':
      return toNumber(model, name, value, true);
    case 'float':
    case 'monetary':
      return toNumber(model, name, value, false);
    case 'boolean':
      return Boolean(value);
    case 'date':
      if (isEmpty(value)) return false;
      if (typeof value !== 'string')
        throw valueError(`Wrong value for ${model.name}.${name}: ${JSON.stringify(value)}`);
      return normalizeDate(value);
    case 'datetime':
      if (isEmpty(value)) return false;
      if (typeof value !== 'string')
        throw valueError(`Wrong value for ${model.name}.${name}: ${JSON.stringify(value)}`);
      return normalizeDatetime(value);
    case 'many2one': {
      if (isEmpty(value)) return false;
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw valueError(`Wrong value for ${model.name}.${name}: ${JSON.stringify(value)}`);
      }
      if (!env.db.get(field.relation ?? '', value)) throw foreignKeyError(model, name, field);
      return value;
    }
    default:
      throw valueError(`Wrong value for ${model.name}.${name}: ${JSON.stringify(value)}`);
  }
}

/** How relations are rendered on read: `[id, name]` pairs (default) or bare ids (`load=None`). */
export type ReadLoad = 'classic' | 'none';

/** A stored value as `read` returns it. */
export function toRead(env: Env, field: FieldDef, value: Stored | undefined, load: ReadLoad): unknown {
  switch (field.type) {
    case 'many2one':
      if (typeof value !== 'number') return false;
      return load === 'none' ? value : [value, env.displayName(field.relation ?? '', value)];
    case 'one2many':
    case 'many2many':
      return Array.isArray(value) ? [...value] : [];
    case 'integer':
    case 'float':
    case 'monetary':
      return typeof value === 'number' ? value : 0;
    case 'boolean':
      return value === true;
    default:
      return value === undefined || value === '' ? (value === '' ? '' : false) : value;
  }
}
