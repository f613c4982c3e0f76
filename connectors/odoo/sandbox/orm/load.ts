/**
 * `load(fields, data)`: Odoo's import, the idempotent bulk write. An `id` column of
 * external ids (`module.name`, or a bare name in module `__import__`) makes each row
 * create-or-update: a known id updates its record, an unknown one creates the record
 * and its ir.model.data entry. A `.id` column of database ids updates the record with
 * that id (Odoo's `_convert_records`): an id the model's search does not find (absent,
 * or archived unless the context has `active_test: false`) is the row's error "Unknown
 * database identifier '<id>'" on field `.id`; a row whose `.id` is empty creates a
 * record, so updates and creates mix in one call; an external id, when a row has both,
 * wins (the database id is only checked). Relation columns take names (`country_id`),
 * external ids (`country_id/id`) or database ids (`country_id/.id`). Values are
 * strings, as in a CSV. Any error rolls the whole call back: `{ids: false, messages}`.
 */
import { OdooError } from '../errors.ts';
import { normalizeDate, normalizeDatetime } from './datetime.ts';
import { compileDomain, nameSearchIds } from './domain.ts';
import type { Env } from './env.ts';
import { create, write } from './records.ts';
import type { Model } from './registry.ts';
import type { FieldDef } from './types.ts';

/** One message of a load result. */
export interface LoadMessage {
  /** Always `error` here (Odoo also has `warning`). */
  type: 'error' | 'warning';
  /** What went wrong, in Odoo's words. */
  message: string;
  /** 0-based index of the row. */
  record: number;
  /** Rows concerned (same index twice for one row). */
  rows: { from: number; to: number };
  /** Column's field name, when one column is at fault. */
  field?: string;
}

/** The result of `load`. */
export interface LoadResult {
  /** Ids per row, or false when anything failed (then nothing was written). */
  ids: number[] | false;
  messages: LoadMessage[];
}

class RowError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Splits `module.name`; a bare name belongs to `__import__` (what the import UI uses). */
export function splitXmlid(xmlid: string): { module: string; name: string } {
  const dot = xmlid.indexOf('.');
  return dot < 0 ? { module: '__import__', name: xmlid } : { module: xmlid.slice(0, dot), name: xmlid.slice(dot + 1) };
}

/** The ir.model.data row of an external id, if any. */
export function findXmlid(env: Env, xmlid: string): { id: number; model: string; resId: number } | undefined {
  const { module, name } = splitXmlid(xmlid);
  for (const row of env.rows('ir.model.data')) {
    if (row['module'] === module && row['name'] === name && typeof row['res_id'] === 'number') {
      return { id: row.id, model: String(row['model']), resId: row['res_id'] };
    }
  }
  return undefined;
}

function resolveOne(env: Env, field: FieldDef, column: string, sub: string, raw: string): number {
  const comodel = env.registry.get(field.relation ?? '');
  if (sub === '.id') {
    const id = Number(raw);
    if (!Number.isInteger(id) || !env.row(comodel.name, id))
      throw new RowError(`No matching record found for database id '${raw}' in field '${field.string}'`, column);
    return id;
  }
  if (sub === 'id') {
    const hit = findXmlid(env, raw);
    if (!hit || hit.model !== comodel.name || !env.row(comodel.name, hit.resId)) {
      throw new RowError(`No matching record found for external id '${raw}' in field '${field.string}'`, column);
    }
    return hit.resId;
  }
  const [first] = nameSearchIds(env, comodel, [raw], '=');
  if (first === undefined)
    throw new RowError(`No matching record found for name '${raw}' in field '${field.string}'`, column);
  return first;
}

function convert(env: Env, field: FieldDef, column: string, sub: string, raw: string): unknown {
  const value = raw.trim();
  if (field.type === 'many2one') return value === '' ? false : resolveOne(env, field, column, sub, value);
  if (field.type === 'many2many' || field.type === 'one2many') {
    if (value === '') return [[6, 0, []]];
    return [[6, 0, value.split(',').map((part) => resolveOne(env, field, column, sub, part.trim()))]];
  }
  if (value === '') return false;
  switch (field.type) {
    case 'integer':
    case 'float':
    case 'monetary': {
      const n = Number(value);
      if (!Number.isFinite(n))
        throw new RowError(`'${value}' does not seem to be a number for field '${field.string}'`, column);
      return field.type === 'integer' ? Math.trunc(n) : n;
    }
    case 'boolean': {
      const v = value.toLowerCase();
      if (['1', 'true', 'yes'].includes(v)) return true;
      if (['0', 'false', 'no'].includes(v)) return false;
      throw new RowError(`Unknown value '${value}' for boolean field '${field.string}'`, column);
    }
    case 'selection': {
      const hit = (field.selection ?? []).find(
        ([k, label]) => k === value || label.toLowerCase() === value.toLowerCase(),
      );
      if (!hit) throw new RowError(`Value '${value}' not found in selection field '${field.string}'`, column);
      return hit[0];
    }
    case 'date':
    case 'datetime':
      try {
        return field.type === 'date' ? normalizeDate(value) : normalizeDatetime(value);
      } catch {
        throw new RowError(`'${value}' does not seem to be a valid ${field.type} for field '${field.string}'`, column);
      }
    default:
      return raw;
  }
}

/** The record a `.id` cell names, as Odoo checks it: `search([('id', '=', dbid)])`, so under `active_test`. */
function databaseId(env: Env, model: Model, raw: string): number {
  const id = Number(raw);
  const row = Number.isInteger(id) ? env.row(model.name, id) : undefined;
  // The row by its key, then the search's own filter on it: the same answer as a search, without a scan.
  if (row === undefined || !compileDomain(env, model, [['id', '=', id]], env.activeTest)(row))
    throw new RowError(`Unknown database identifier '${raw}'`, '.id');
  return id;
}

function loadRow(env: Env, model: Model, columns: readonly string[], row: readonly unknown[]): number {
  const vals: Record<string, unknown> = {};
  let xmlid = '';
  let dbid: number | undefined;
  columns.forEach((column, i) => {
    const raw = row[i] === false || row[i] === null || row[i] === undefined ? '' : String(row[i]);
    if (column === 'id') {
      xmlid = raw.trim();
      return;
    }
    if (column === '.id') {
      if (raw.trim() !== '') dbid = databaseId(env, model, raw.trim());
      return;
    }
    const [name = '', sub = ''] = column.split('/');
    const field = model.allFields[name];
    if (!field || !Object.hasOwn(model.allFields, name)) throw new RowError(`Unknown field '${column}'`, column);
    vals[name] = convert(env, field, name, sub, raw);
  });
  if (xmlid === '' && dbid !== undefined) {
    write(env, model.name, [dbid], vals);
    return dbid;
  }
  const known = xmlid === '' ? undefined : findXmlid(env, xmlid);
  if (known && known.model === model.name && env.row(model.name, known.resId)) {
    write(env, model.name, [known.resId], vals);
    return known.resId;
  }
  const id = create(env, model.name, vals);
  if (xmlid !== '') {
    const { module, name } = splitXmlid(xmlid);
    if (known) env.db.remove('ir.model.data', known.id);
    create(env, 'ir.model.data', { module, name, model: model.name, res_id: id });
  }
  return id;
}

/** Runs `load`; the caller runs it inside a transaction and this rolls back on any error. */
export function load(env: Env, modelName: string, fields: unknown, data: unknown): LoadResult {
  const model = env.registry.get(modelName);
  const columns = Array.isArray(fields) ? fields.map(String) : [];
  const rows = Array.isArray(data) ? data : [];
  const messages: LoadMessage[] = [];
  const ids: number[] = [];
  const undoable = (): LoadResult => {
    rows.forEach((row, index) => {
      const mark = env.changes.length;
      try {
        // A savepoint per row, as Odoo does, so one bad row leaves the others' messages meaningful.
        ids.push(env.db.transaction(() => loadRow(env, model, columns, Array.isArray(row) ? row : [])));
      } catch (err) {
        if (!(err instanceof RowError) && !(err instanceof OdooError)) throw err;
        env.changes.length = mark;
        const message: LoadMessage = {
          type: 'error',
          message: err.message,
          record: index,
          rows: { from: index, to: index },
        };
        if (err instanceof RowError && err.field) message.field = err.field;
        messages.push(message);
      }
    });
    if (messages.length > 0) throw new LoadFailed();
    return { ids, messages };
  };
  const mark = env.changes.length;
  try {
    return env.db.transaction(undoable);
  } catch (err) {
    env.changes.length = mark;
    if (err instanceof LoadFailed) return { ids: false, messages };
    throw err;
  }
}

class LoadFailed extends Error {}
