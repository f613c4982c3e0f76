/**
 * Evaluation of Odoo domains over the in-memory tables, with the semantics of Odoo's
 * SQL translation (odoo/osv/expression.py): negative operators (`!=`, `not in`,
 * `not like`, `not ilike`) also match empty values, `= False` matches empty values,
 * `like`/`ilike` wrap the value in `%`, `=?` is true when its value is empty,
 * `child_of`/`parent_of` follow the hierarchy, relational values given as names are
 * name-searched, dotted paths follow relations. Sub-queries are computed once per
 * compile, so filtering N rows is linear.
 */
import { valueError } from '../errors.ts';
import { normalizeDate, normalizeDatetime } from './datetime.ts';
import { mentionsPath, parseDomain, pyRepr, type DomainNode, type TermOperator } from './domain-parse.ts';
import type { Env } from './env.ts';
import { likeMatch } from './like.ts';
import { computeField, isComputed } from './computed.ts';
import type { Model } from './registry.ts';
import type { FieldDef, Row, Stored } from './types.ts';

/** A compiled domain. */
export type RowPredicate = (row: Row) => boolean;

const NEGATIVE: Partial<Record<TermOperator, TermOperator>> = {
  '!=': '=',
  'not in': 'in',
  'not like': 'like',
  'not ilike': 'ilike',
};

const isEmpty = (v: unknown): boolean => v === false || v === null || v === undefined;

/** Compiles `domain` for `model`; with `activeTest`, archived rows are left out unless the domain names `active`. */
export function compileDomain(env: Env, model: Model, domain: unknown, activeTest: boolean): RowPredicate {
  const tree = parseDomain(domain);
  const predicate = compileNode(env, model, tree);
  if (model.hasActive && activeTest && !mentionsPath(tree, 'active')) {
    return (row) => row['active'] === true && predicate(row);
  }
  return predicate;
}

/** Ids of `model` rows matching `domain` (no ordering, no paging). */
export function matchingIds(env: Env, model: Model, domain: unknown, activeTest: boolean): Set<number> {
  const predicate = compileDomain(env, model, domain, activeTest);
  const ids = new Set<number>();
  for (const row of env.rows(model.name)) if (predicate(row)) ids.add(row.id);
  return ids;
}

function compileNode(env: Env, model: Model, node: DomainNode): RowPredicate {
  switch (node.kind) {
    case 'const':
      return node.value ? () => true : () => false;
    case 'not': {
      const child = compileNode(env, model, node.child);
      return (row) => !child(row);
    }
    case 'and': {
      const left = compileNode(env, model, node.left);
      const right = compileNode(env, model, node.right);
      return (row) => left(row) && right(row);
    }
    case 'or': {
      const left = compileNode(env, model, node.left);
      const right = compileNode(env, model, node.right);
      return (row) => left(row) || right(row);
    }
    default:
      return compileLeaf(env, model, node.path, node.op, node.value);
  }
}

function compileLeaf(env: Env, model: Model, path: string, op: TermOperator, value: unknown): RowPredicate {
  if (op === '=?') {
    if (isEmpty(value)) return () => true;
    op = '=';
  }
  const dot = path.indexOf('.');
  const name = dot < 0 ? path : path.slice(0, dot);
  const field = env.registry.field(model, name);
  if (dot >= 0) return compilePath(env, model, name, field, path.slice(dot + 1), op, value);
  const read = valueReader(env, model, name, field);
  if (field.type === 'many2one' || field.type === 'many2many' || field.type === 'one2many') {
    return compileRelational(env, model, name, field, read, op, value);
  }
  if (op === 'child_of' || op === 'parent_of') {
    if (name !== 'id') throw valueError(`Invalid leaf ${pyRepr([path, op, value])}`);
    const ids = hierarchy(env, model, toIdList(env, model, value), op);
    return (row) => ids.has(row.id);
  }
  const test = scalarTest(field, op, value);
  return (row) => test(read(row));
}

function valueReader(env: Env, model: Model, name: string, field: FieldDef): (row: Row) => Stored {
  if (!isComputed(name, field)) return (row) => row[name] ?? false;
  if (field.compute && !field.searchable && name !== 'display_name') {
    throw valueError(`Non-stored field ${model.name}.${name} cannot be searched.`);
  }
  const rows = [...env.rows(model.name)];
  const values = computeField(env, model, name, field, rows);
  const byId = new Map<number, Stored>();
  rows.forEach((row, i) => byId.set(row.id, values[i] ?? false));
  return (row) => byId.get(row.id) ?? false;
}

function compilePath(
  env: Env,
  model: Model,
  name: string,
  field: FieldDef,
  rest: string,
  op: TermOperator,
  value: unknown,
): RowPredicate {
  if (field.type !== 'many2one' && field.type !== 'many2many' && field.type !== 'one2many') {
    throw valueError(`Invalid field ${pyRepr(`${name}.${rest}`)} on model ${pyRepr(model.name)}`);
  }
  const comodel = env.registry.get(field.relation ?? '');
  // Odoo runs sub-queries of relational paths without active_test.
  const sub = matchingIds(env, comodel, [[rest, op, value]], false);
  const read = valueReader(env, model, name, field);
  return (row) => linked(read(row)).some((id) => sub.has(id));
}

function linked(value: Stored): number[] {
  if (typeof value === 'number') return [value];
  return Array.isArray(value) ? value : [];
}

function compileRelational(
  env: Env,
  model: Model,
  name: string,
  field: FieldDef,
  read: (row: Row) => Stored,
  op: TermOperator,
  value: unknown,
): RowPredicate {
  const comodel = env.registry.get(field.relation ?? '');
  if (op === '<' || op === '<=' || op === '>' || op === '>=') {
    const test = scalarTest({ type: 'integer', string: '' }, op, value);
    return (row) => linked(read(row)).some((id) => test(id));
  }
  if (op === 'child_of' || op === 'parent_of') {
    const roots = toIdList(env, comodel, value);
    if (comodel.name === model.name && field.type === 'many2one') {
      // ('parent_id', 'child_of', x) on the model itself means "x and its descendants".
      const ids = hierarchy(env, model, roots, op, name);
      return (row) => ids.has(row.id);
    }
    const ids = hierarchy(env, comodel, roots, op);
    return (row) => linked(read(row)).some((id) => ids.has(id));
  }
  const negative = NEGATIVE[op];
  const positiveOp = negative ?? op;
  const values = positiveOp === 'in' ? (Array.isArray(value) ? value : [value]) : [value];
  const wantsEmpty = values.some(isEmpty);
  const given = values.filter((v) => !isEmpty(v));
  const target = new Set<number>();
  const names = given.filter((v): v is string => typeof v === 'string');
  for (const v of given) if (typeof v === 'number') target.add(v);
  if (positiveOp === 'like' || positiveOp === 'ilike' || positiveOp === '=like' || positiveOp === '=ilike') {
    for (const id of nameSearchIds(env, comodel, given.map(String), positiveOp)) target.add(id);
  } else if (names.length > 0) {
    for (const id of nameSearchIds(env, comodel, names, '=')) target.add(id);
  }
  if (negative) {
    return (row) => {
      const ids = linked(read(row));
      if (wantsEmpty && ids.length === 0) return false;
      return !ids.some((id) => target.has(id));
    };
  }
  return (row) => {
    const ids = linked(read(row));
    if (wantsEmpty && ids.length === 0) return true;
    return ids.some((id) => target.has(id));
  };
}

/** Ids of `comodel` whose display name (or name-search fields) matches one of `names` with `op`. */
export function nameSearchIds(env: Env, comodel: Model, names: readonly string[], op: TermOperator): Set<number> {
  const fields = comodel.nameSearchFields ?? ['display_name'];
  const domain: unknown[] = [];
  for (const n of names) {
    for (const f of fields) {
      if (domain.length > 0) domain.unshift('|');
      domain.push([f, op, n]);
    }
  }
  return domain.length === 0 ? new Set() : matchingIds(env, comodel, domain, false);
}

function toIdList(env: Env, model: Model, value: unknown): number[] {
  const values = Array.isArray(value) ? value : [value];
  const ids: number[] = [];
  for (const v of values) {
    if (typeof v === 'number') ids.push(v);
    else if (typeof v === 'string') ids.push(...nameSearchIds(env, model, [v], 'ilike'));
  }
  return ids;
}

/** Ids reachable from `roots` (roots included) down (`child_of`) or up (`parent_of`) the parent field. */
function hierarchy(
  env: Env,
  model: Model,
  roots: readonly number[],
  op: 'child_of' | 'parent_of',
  parentField?: string,
): Set<number> {
  const parentName = parentField ?? model.parentName ?? 'parent_id';
  if (!(parentName in model.allFields)) return new Set(roots.filter((id) => env.row(model.name, id)));
  const result = new Set<number>();
  if (op === 'parent_of') {
    for (const root of roots) {
      let current: number | undefined = root;
      while (current !== undefined && !result.has(current) && env.row(model.name, current)) {
        result.add(current);
        const parent: Stored | undefined = env.row(model.name, current)?.[parentName];
        current = typeof parent === 'number' ? parent : undefined;
      }
    }
    return result;
  }
  const children = new Map<number, number[]>();
  for (const row of env.rows(model.name)) {
    const parent = row[parentName];
    if (typeof parent !== 'number') continue;
    const list = children.get(parent);
    if (list) list.push(row.id);
    else children.set(parent, [row.id]);
  }
  const queue = roots.filter((id) => env.row(model.name, id));
  while (queue.length > 0) {
    const id = queue.pop() as number;
    if (result.has(id)) continue;
    result.add(id);
    queue.push(...(children.get(id) ?? []));
  }
  return result;
}

function coerce(field: FieldDef, value: unknown): Stored {
  switch (field.type) {
    case 'integer':
    case 'float':
    case 'monetary':
      return typeof value === 'number' ? value : Number(value);
    case 'boolean':
      return Boolean(value);
    case 'date':
      return normalizeDate(String(value));
    case 'datetime':
      return normalizeDatetime(String(value));
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

function isNull(field: FieldDef, v: Stored): boolean {
  if (field.type === 'boolean') return v !== true;
  if (field.type === 'char' || field.type === 'text') return v === false || v === '';
  return v === false;
}

/** The test a scalar leaf applies to a stored value. */
function scalarTest(field: FieldDef, op: TermOperator, value: unknown): (v: Stored) => boolean {
  switch (op) {
    case '=':
      if (isEmpty(value)) return (v) => isNull(field, v);
      if (field.type === 'boolean') return (v) => (v === true) === Boolean(value);
      return equalsTest(field, coerce(field, value));
    case '!=': {
      if (isEmpty(value)) return (v) => !isNull(field, v);
      if (field.type === 'boolean') return (v) => (v === true) !== Boolean(value);
      const eq = equalsTest(field, coerce(field, value));
      return (v) => !eq(v);
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (isEmpty(value)) return () => false;
      const right = coerce(field, value);
      return (v) => v !== false && compare(v, right, op);
    }
    case 'in':
    case 'not in': {
      const list = Array.isArray(value) ? value : [value];
      const wantsEmpty = list.some(isEmpty);
      const set = new Set(list.filter((x) => !isEmpty(x)).map((x) => coerce(field, x)));
      const hit = (v: Stored): boolean => (isNull(field, v) ? wantsEmpty : set.has(v as string | number | boolean));
      if (op === 'in') return hit;
      if (wantsEmpty) return (v) => !hit(v);
      return (v) => isNull(field, v) || !set.has(v as string | number | boolean);
    }
    case 'like':
    case 'ilike':
    case '=like':
    case '=ilike':
    case 'not like':
    case 'not ilike': {
      const positive = op === 'not like' ? 'like' : op === 'not ilike' ? 'ilike' : op;
      if (isEmpty(value)) {
        return positive === op ? (v) => isNull(field, v) : (v) => !isNull(field, v);
      }
      const pattern = positive.startsWith('=') ? String(value) : `%${String(value)}%`;
      const ci = positive.endsWith('ilike');
      const match = (v: Stored): boolean => v !== false && likeMatch(String(v), pattern, ci);
      return positive === op ? match : (v) => !match(v);
    }
    default:
      throw valueError(`Invalid operator ${pyRepr(op)}`);
  }
}

function equalsTest(field: FieldDef, right: Stored): (v: Stored) => boolean {
  if (typeof right === 'number') return (v) => typeof v === 'number' && v === right;
  return (v) => v === right;
}

function compare(left: Stored, right: Stored, op: '<' | '<=' | '>' | '>='): boolean {
  if (typeof left === 'number' && typeof right === 'number') {
    return op === '<' ? left < right : op === '<=' ? left <= right : op === '>' ? left > right : left >= right;
  }
  const a = String(left);
  const b = String(right);
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
}
