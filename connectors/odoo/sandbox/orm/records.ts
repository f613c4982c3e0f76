/**
 * create / write / unlink as Odoo's ORM does them: magic fields stamped with the
 * transaction time (write_date = transaction start), defaults, command lists for
 * x2many, inverses of computed fields, stored recomputes that do NOT touch write_date,
 * required-field and constraint errors, ondelete rules, and one change per record for
 * webhooks.
 */
import { accessError, missingError, validationError, valueError } from '../errors.ts';
import { applyMany2many, applyOne2many, type RecordOps } from './commands.ts';
import type { Env } from './env.ts';
import { isStored, type Model } from './registry.ts';
import { MAGIC_FIELDS, type HookEnv, type Row, type Stored } from './types.ts';
import { foreignKeyError, requiredError, toStored } from './values.ts';

const MAGIC: ReadonlySet<string> = new Set(MAGIC_FIELDS);

function checkWriteAccess(env: Env, model: Model, verb: 'create' | 'modify' | 'delete'): void {
  if (env.canWrite) return;
  throw accessError(
    `You are not allowed to ${verb} '${model.description}' (${model.name}) records.\n\n` +
      'This operation is allowed for the following groups:\n\t- Role / Administrator\n\n' +
      'Contact your administrator to request access if necessary.',
  );
}

function checkKeys(env: Env, model: Model, vals: Record<string, unknown>): void {
  if (typeof vals !== 'object' || vals === null || Array.isArray(vals)) {
    throw valueError(`Invalid values ${JSON.stringify(vals)} for ${model.name}`);
  }
  for (const key of Object.keys(vals)) env.registry.field(model, key);
}

function isMissing(type: string, value: Stored | undefined): boolean {
  return value === undefined || (value === false && type !== 'boolean');
}

/** Recomputes stored computed values of a row and of rows depending on it (write_date untouched). */
function recompute(env: Env, modelName: string, id: number, seen = new Set<string>()): void {
  const key = `${modelName}:${id}`;
  if (seen.has(key)) return;
  seen.add(key);
  const model = env.registry.get(modelName);
  const row = env.db.get(modelName, id);
  if (row && model.recompute) {
    const values = model.recompute(row, env);
    if (Object.entries(values).some(([k, v]) => row[k] !== v)) env.db.put(modelName, { ...row, ...values });
  }
  const current = env.db.get(modelName, id);
  if (current && model.dependents)
    for (const dep of model.dependents(current, env)) recompute(env, dep.model, dep.id, seen);
}

function validate(env: Env, model: Model, id: number): void {
  const row = env.db.get(model.name, id);
  if (!row) return;
  for (const [name, field] of Object.entries(model.allFields)) {
    if (field.required && isStored(field) && isMissing(field.type, row[name])) throw requiredError(model, name, field);
  }
  const problem = model.constrain?.(row, env);
  if (problem) throw validationError(problem);
}

/** Splits vals into what goes on the row now and what must wait for the row to exist. */
function applyVals(
  env: Env,
  model: Model,
  base: Record<string, Stored>,
  vals: Record<string, unknown>,
): Array<[string, unknown]> {
  const later: Array<[string, unknown]> = [];
  for (const [name, value] of Object.entries(vals)) {
    const field = model.allFields[name];
    if (!field || MAGIC.has(name)) continue;
    if (field.type === 'one2many' || field.compute) later.push([name, value]);
    else if (field.type === 'many2many') {
      const current = Array.isArray(base[name]) ? (base[name] as number[]) : [];
      base[name] = applyMany2many(env, ops, model, name, field, current, value);
    } else base[name] = toStored(env, model, name, field, value);
  }
  return later;
}

function applyLater(env: Env, model: Model, id: number, later: Array<[string, unknown]>): void {
  for (const [name, value] of later) {
    const field = model.allFields[name];
    const row = env.db.get(model.name, id);
    if (!field || !row) continue;
    if (field.type === 'one2many') applyOne2many(env, ops, model, name, field, row, value);
    else if (field.inverse) {
      const target = field.inverse(row, toStored(env, model, name, { ...field, compute: undefined }, value), env);
      if (target) write(env, target.model, [target.id], target.vals);
    }
    // A computed field without inverse ignores writes, as in Odoo.
  }
}

/** Creates one record; returns its id. */
export function create(env: Env, modelName: string, vals: Record<string, unknown>): number {
  const model = env.registry.get(modelName);
  checkWriteAccess(env, model, 'create');
  checkKeys(env, model, vals);
  const hooks = hookEnv(env);
  if (model.prepare) vals = model.prepare(vals, hooks);
  const id = env.db.next(`id:${modelName}`);
  const base: Record<string, Stored> = { id };
  for (const [name, field] of Object.entries(model.fields)) {
    if (!isStored(field)) continue;
    if (field.default !== undefined && !(name in vals)) {
      base[name] = typeof field.default === 'function' ? field.default(env.now) : field.default;
    } else if (field.type === 'many2many') base[name] = [];
    else base[name] = toStored(env, model, name, field, false);
  }
  const later = applyVals(env, model, base, vals);
  const derived =
    model.onCreate?.(base, {
      nextSequence: (n) => env.db.next(`seq:${n}`),
      now: env.now,
      given: new Set(Object.keys(vals)),
      rows: (m) => env.rows(m),
      row: (m, i) => env.row(m, i),
      displayName: (m, i) => env.displayName(m, i),
    }) ?? {};
  Object.assign(base, derived, { create_date: env.now, write_date: env.now, create_uid: env.uid, write_uid: env.uid });
  env.db.put(modelName, base as Row);
  // Dependent records first (a template's variant), so inverses written below find them.
  model.afterCreate?.(env.db.get(modelName, id) as Row, hooks);
  applyLater(env, model, id, later);
  recompute(env, modelName, id);
  validate(env, model, id);
  env.changes.push({ model: modelName, id, action: 'create', row: env.db.get(modelName, id) as Row });
  return id;
}

function existing(env: Env, model: Model, ids: readonly number[]): Row[] {
  const rows: Row[] = [];
  const missing: number[] = [];
  for (const id of new Set(ids)) {
    const row = env.db.get(model.name, id);
    if (row) rows.push(row);
    else missing.push(id);
  }
  if (missing.length > 0) throw missingError(model.name, missing, env.uid);
  return rows;
}

/** Writes `vals` on every record of `ids` (MissingError when one does not exist). */
export function write(env: Env, modelName: string, ids: readonly number[], vals: Record<string, unknown>): void {
  const model = env.registry.get(modelName);
  checkWriteAccess(env, model, 'modify');
  checkKeys(env, model, vals);
  for (const row of existing(env, model, ids)) {
    const base: Record<string, Stored> = { ...row };
    const later = applyVals(env, model, base, vals);
    Object.assign(base, { write_date: env.now, write_uid: env.uid });
    env.db.put(modelName, base as Row);
    applyLater(env, model, row.id, later);
    recompute(env, modelName, row.id);
    validate(env, model, row.id);
    env.changes.push({ model: modelName, id: row.id, action: 'write', row: env.db.get(modelName, row.id) as Row });
  }
}

/** Deletes records, applying every many2one's ondelete rule and dropping their external ids. */
export function unlink(env: Env, modelName: string, ids: readonly number[]): void {
  const model = env.registry.get(modelName);
  checkWriteAccess(env, model, 'delete');
  const rows = existing(env, model, ids);
  const doomed = new Set(rows.map((r) => r.id));
  // Automated actions "on deletion" run before the delete, with the record still readable.
  for (const row of rows) env.changes.push({ model: modelName, id: row.id, action: 'unlink', row });
  for (const row of rows) env.db.remove(modelName, row.id);
  for (const otherName of env.registry.names()) {
    const other = env.registry.get(otherName);
    const refs = Object.entries(other.fields).filter(
      ([, f]) => f.relation === modelName && (f.type === 'many2one' || f.type === 'many2many'),
    );
    if (refs.length === 0) continue;
    const cascade: number[] = [];
    for (const ref of [...env.rows(otherName)]) {
      let next: Record<string, Stored> | undefined;
      for (const [name, field] of refs) {
        const value = ref[name];
        if (field.type === 'many2many' && Array.isArray(value) && value.some((v) => doomed.has(v))) {
          next = { ...(next ?? ref), [name]: value.filter((v) => !doomed.has(v)) };
        } else if (typeof value === 'number' && doomed.has(value)) {
          if (field.ondelete === 'cascade') cascade.push(ref.id);
          else if (field.ondelete === 'restrict') throw foreignKeyError(other, name, field);
          else next = { ...(next ?? ref), [name]: false };
        }
      }
      // The database applies SET NULL itself: no write_date change, as in PostgreSQL.
      if (next) env.db.put(otherName, next as Row);
    }
    if (cascade.length > 0)
      unlink(
        env,
        otherName,
        cascade.filter((id) => env.db.get(otherName, id)),
      );
  }
  for (const xid of [...env.rows('ir.model.data')]) {
    if (xid['model'] === modelName && typeof xid['res_id'] === 'number' && doomed.has(xid['res_id']))
      env.db.remove('ir.model.data', xid.id);
  }
  for (const row of rows) for (const dep of model.dependents?.(row, env) ?? []) recompute(env, dep.model, dep.id);
}

function hookEnv(env: Env): HookEnv {
  return {
    flags: env.flags,
    rows: (m) => env.rows(m),
    row: (m, i) => env.row(m, i),
    displayName: (m, i) => env.displayName(m, i),
    create: (m, v) => create(env, m, v),
  };
}

const ops: RecordOps = {
  create,
  write,
  unlink,
};
