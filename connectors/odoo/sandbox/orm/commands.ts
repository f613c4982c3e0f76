/**
 * x2many command lists as Odoo's ORM applies them (odoo.fields.Command):
 * `[0, 0, vals]` create, `[1, id, vals]` update, `[2, id]` delete, `[3, id]` unlink
 * from the relation, `[4, id]` link, `[5]` clear, `[6, 0, ids]` replace. A bare list of
 * ids means "replace" too. Trailing elements may be left out (`[5]`, `[4, id]`).
 */
import { valueError } from '../errors.ts';
import type { Env } from './env.ts';
import type { Model } from './registry.ts';
import type { FieldDef, Row } from './types.ts';
import { foreignKeyError } from './values.ts';

/** The record operations commands need (passed in to avoid an import cycle). */
export interface RecordOps {
  create(env: Env, model: string, vals: Record<string, unknown>): number;
  write(env: Env, model: string, ids: readonly number[], vals: Record<string, unknown>): void;
  unlink(env: Env, model: string, ids: readonly number[]): void;
}

type Command = [number, number, unknown];

function toCommands(model: Model, name: string, value: unknown): Command[] {
  if (value === false || value === null || value === undefined) return [[5, 0, 0]];
  if (!Array.isArray(value)) throw valueError(`Wrong value for ${model.name}.${name}: ${JSON.stringify(value)}`);
  if (value.every((v) => typeof v === 'number')) return [[6, 0, value]];
  return value.map((cmd): Command => {
    if (!Array.isArray(cmd) || typeof cmd[0] !== 'number' || cmd[0] < 0 || cmd[0] > 6) {
      throw valueError(`Wrong value for ${model.name}.${name}: ${JSON.stringify(cmd)}`);
    }
    return [cmd[0], typeof cmd[1] === 'number' ? cmd[1] : 0, cmd[2]];
  });
}

function idList(model: Model, name: string, value: unknown): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) {
    throw valueError(`Wrong value for ${model.name}.${name}: ${JSON.stringify(value)}`);
  }
  return value;
}

function vals(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Applies commands to a many2many value; returns the new id list for the row. */
export function applyMany2many(
  env: Env,
  ops: RecordOps,
  model: Model,
  name: string,
  field: FieldDef,
  current: readonly number[],
  value: unknown,
): number[] {
  const comodel = field.relation ?? '';
  let ids = [...current];
  const mustExist = (id: number): void => {
    if (!env.row(comodel, id)) throw foreignKeyError(model, name, field);
  };
  for (const [code, id, arg] of toCommands(model, name, value)) {
    switch (code) {
      case 0:
        ids.push(ops.create(env, comodel, vals(arg)));
        break;
      case 1:
        ops.write(env, comodel, [id], vals(arg));
        break;
      case 2:
        ops.unlink(env, comodel, [id]);
        ids = ids.filter((x) => x !== id);
        break;
      case 3:
        ids = ids.filter((x) => x !== id);
        break;
      case 4:
        mustExist(id);
        if (!ids.includes(id)) ids.push(id);
        break;
      case 5:
        ids = [];
        break;
      default: {
        const wanted = idList(model, name, arg);
        wanted.forEach(mustExist);
        ids = [...new Set(wanted)];
      }
    }
  }
  return ids;
}

/** Applies commands to a one2many of `parent` (the comodel rows' inverse many2one is written). */
export function applyOne2many(
  env: Env,
  ops: RecordOps,
  model: Model,
  name: string,
  field: FieldDef,
  parent: Row,
  value: unknown,
): void {
  const comodelName = field.relation ?? '';
  const inverse = field.inverseName ?? '';
  const comodel = env.registry.get(comodelName);
  const inverseDef = comodel.allFields[inverse];
  const children = (): number[] => {
    const out: number[] = [];
    for (const row of env.rows(comodelName)) if (row[inverse] === parent.id) out.push(row.id);
    return out;
  };
  const detach = (ids: readonly number[]): void => {
    if (ids.length === 0) return;
    // Odoo deletes the line when its link back is required/cascading, else empties the link.
    if (inverseDef?.required || inverseDef?.ondelete === 'cascade') ops.unlink(env, comodelName, ids);
    else ops.write(env, comodelName, ids, { [inverse]: false });
  };
  for (const [code, id, arg] of toCommands(model, name, value)) {
    switch (code) {
      case 0:
        ops.create(env, comodelName, { ...vals(arg), [inverse]: parent.id });
        break;
      case 1:
        ops.write(env, comodelName, [id], vals(arg));
        break;
      case 2:
        ops.unlink(env, comodelName, [id]);
        break;
      case 3:
        detach([id]);
        break;
      case 4:
        if (env.row(comodelName, id)?.[inverse] !== parent.id)
          ops.write(env, comodelName, [id], { [inverse]: parent.id });
        break;
      case 5:
        detach(children());
        break;
      default: {
        const wanted = idList(model, name, arg);
        detach(children().filter((c) => !wanted.includes(c)));
        const toLink = wanted.filter((w) => env.row(comodelName, w)?.[inverse] !== parent.id);
        if (toLink.length > 0) ops.write(env, comodelName, toLink, { [inverse]: parent.id });
      }
    }
  }
}
