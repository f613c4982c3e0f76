/**
 * read / search / search_count / search_read / name_search. `read` silently leaves out
 * ids that do not exist (as Odoo does for RPC reads), always returns `id`, and computes
 * non-stored fields in one batch. Searches apply `active_test`, the model's `_order`
 * when none is given, then offset and limit.
 */
import { valueError } from '../errors.ts';
import { computeField, isComputed } from './computed.ts';
import { compileDomain, nameSearchIds } from './domain.ts';
import type { Env } from './env.ts';
import { parseOrder, sortRows } from './order.ts';
import type { Model } from './registry.ts';
import type { Row, Stored } from './types.ts';
import { toRead, type ReadLoad } from './values.ts';

/** Options of {@link search}. */
export interface SearchOptions {
  /** Rows to skip. Default 0. */
  offset?: number;
  /** At most this many ids; 0/false/undefined = no limit. */
  limit?: number | false | null;
  /** Order spec; default the model's `_order`. */
  order?: string | false | null;
}

function fieldList(env: Env, model: Model, fields: unknown): string[] {
  if (fields === undefined || fields === null || fields === false || (Array.isArray(fields) && fields.length === 0)) {
    // Odoo reads every field (binary and similar heavy fields aside) when none are asked for.
    return Object.keys(model.allFields);
  }
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string')) {
    throw valueError(`Invalid fields ${JSON.stringify(fields)}`);
  }
  for (const f of fields) env.registry.field(model, f);
  return fields.includes('id') ? fields : ['id', ...fields];
}

/** Reads rows of `model` as dicts of the wire values. */
export function readRows(
  env: Env,
  model: Model,
  rows: readonly Row[],
  fields: unknown,
  load: ReadLoad = 'classic',
): Record<string, unknown>[] {
  const names = fieldList(env, model, fields);
  const computed = new Map<string, Stored[]>();
  for (const name of names) {
    const field = model.allFields[name];
    if (field && isComputed(name, field)) computed.set(name, computeField(env, model, name, field, rows));
  }
  return rows.map((row, i) => {
    const out: Record<string, unknown> = {};
    for (const name of names) {
      const field = model.allFields[name];
      if (!field) continue;
      const value = computed.has(name) ? computed.get(name)?.[i] : row[name];
      out[name] = toRead(env, field, value, load);
    }
    return out;
  });
}

/** `read(ids, fields)`: existing ids only, in the order asked. */
export function read(
  env: Env,
  modelName: string,
  ids: readonly number[],
  fields: unknown,
  load: ReadLoad = 'classic',
): Record<string, unknown>[] {
  const model = env.registry.get(modelName);
  const seen = new Set<number>();
  const rows: Row[] = [];
  for (const id of ids) {
    const row = typeof id === 'number' && !seen.has(id) ? env.db.get(modelName, id) : undefined;
    if (row) {
      seen.add(id);
      rows.push(row);
    }
  }
  return readRows(env, model, rows, fields, load);
}

function pageOf(rows: Row[], options: SearchOptions): Row[] {
  const offset = typeof options.offset === 'number' && options.offset > 0 ? options.offset : 0;
  const limit = typeof options.limit === 'number' && options.limit > 0 ? options.limit : undefined;
  return rows.slice(offset, limit === undefined ? undefined : offset + limit);
}

/** Matching rows, ordered and paged. */
export function searchRows(env: Env, modelName: string, domain: unknown, options: SearchOptions = {}): Row[] {
  const model = env.registry.get(modelName);
  const predicate = compileDomain(env, model, domain, env.activeTest);
  const matched: Row[] = [];
  for (const row of env.rows(modelName)) if (predicate(row)) matched.push(row);
  const spec = typeof options.order === 'string' && options.order.trim() !== '' ? options.order : (model.order ?? 'id');
  return pageOf(sortRows(env, model, matched, parseOrder(model, spec)), options);
}

/** `search(domain, offset, limit, order)` -> ids. */
export function search(env: Env, modelName: string, domain: unknown, options: SearchOptions = {}): number[] {
  return searchRows(env, modelName, domain, options).map((r) => r.id);
}

/** `search_count(domain, limit)`. */
export function searchCount(env: Env, modelName: string, domain: unknown, limit?: number | false | null): number {
  const model = env.registry.get(modelName);
  const predicate = compileDomain(env, model, domain, env.activeTest);
  let n = 0;
  for (const row of env.rows(modelName)) if (predicate(row)) n += 1;
  return typeof limit === 'number' && limit > 0 ? Math.min(n, limit) : n;
}

/** `search_read(domain, fields, offset, limit, order)`. */
export function searchRead(
  env: Env,
  modelName: string,
  domain: unknown,
  fields: unknown,
  options: SearchOptions = {},
): Record<string, unknown>[] {
  const model = env.registry.get(modelName);
  return readRows(env, model, searchRows(env, modelName, domain, options), fields);
}

/** `name_search(name, domain, operator, limit)` -> `[[id, display_name], ...]`. */
export function nameSearch(
  env: Env,
  modelName: string,
  name: string,
  domain: unknown,
  operator: string,
  limit: number | false | null,
): [number, string][] {
  const model = env.registry.get(modelName);
  const predicate = compileDomain(env, model, domain, env.activeTest);
  // An empty name with a positive operator matches everything (Odoo skips the name filter).
  const byName =
    name === '' && !operator.startsWith('not') && operator !== '!='
      ? undefined
      : nameSearchIds(env, model, [name], operator as Parameters<typeof nameSearchIds>[3]);
  const spec = model.order ?? 'id';
  const rows = [...env.rows(modelName)].filter((r) => predicate(r) && (byName === undefined || byName.has(r.id)));
  const ordered = pageOf(sortRows(env, model, rows, parseOrder(model, spec)), { limit: limit ?? undefined });
  return ordered.map((r) => [r.id, env.displayName(modelName, r.id)]);
}
