/**
 * The public model methods callable over RPC and their Python signatures, so positional
 * and keyword arguments bind exactly as `execute_kw` binds them (and fail with Python's
 * TypeError wording when they do not). Record methods (read, write, unlink) take the
 * ids first.
 */
import { OdooError, accessError, typeError, valueError } from '../errors.ts';
import type { Env } from './env.ts';
import { fieldsGet } from './fields-get.ts';
import { load } from './load.ts';
import { nameSearch, read, search, searchCount, searchRead } from './read.ts';
import { create, unlink, write } from './records.ts';

type Args = Record<string, unknown>;

interface MethodDef {
  /** Parameter names after `self` (and after ids for record methods), with defaults. */
  params: ReadonlyArray<readonly [string, unknown] | readonly [string]>;
  /** Takes ids first. */
  record: boolean;
  run(env: Env, model: string, ids: number[], a: Args): unknown;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function valsOf(model: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw valueError(`Invalid values ${JSON.stringify(v)} for ${model}`);
  return v as Record<string, unknown>;
}

const METHODS: Record<string, MethodDef> = {
  search: {
    params: [['domain'], ['offset', 0], ['limit', null], ['order', null]],
    record: false,
    run: (env, model, _ids, a) =>
      search(env, model, a['domain'], { offset: num(a['offset']), limit: num(a['limit']), order: str(a['order']) }),
  },
  search_count: {
    params: [['domain'], ['limit', null]],
    record: false,
    run: (env, model, _ids, a) => searchCount(env, model, a['domain'], num(a['limit'])),
  },
  search_read: {
    params: [
      ['domain', null],
      ['fields', null],
      ['offset', 0],
      ['limit', null],
      ['order', null],
    ],
    record: false,
    run: (env, model, _ids, a) =>
      searchRead(env, model, a['domain'], a['fields'], {
        offset: num(a['offset']),
        limit: num(a['limit']),
        order: str(a['order']),
      }),
  },
  read: {
    params: [
      ['fields', null],
      ['load', '_classic_read'],
    ],
    record: true,
    run: (env, model, ids, a) =>
      read(env, model, ids, a['fields'], a['load'] === null || a['load'] === false ? 'none' : 'classic'),
  },
  create: {
    params: [['vals_list']],
    record: false,
    run: (env, model, _ids, a) => {
      const v = a['vals_list'];
      if (Array.isArray(v)) return v.map((vals) => create(env, model, valsOf(model, vals)));
      return create(env, model, valsOf(model, v));
    },
  },
  write: {
    params: [['vals']],
    record: true,
    run: (env, model, ids, a) => {
      write(env, model, ids, valsOf(model, a['vals']));
      return true;
    },
  },
  unlink: {
    params: [],
    record: true,
    run: (env, model, ids) => {
      unlink(env, model, ids);
      return true;
    },
  },
  fields_get: {
    params: [
      ['allfields', null],
      ['attributes', null],
    ],
    record: false,
    run: (env, model, _ids, a) => fieldsGet(env.registry.get(model), a['allfields'], a['attributes']),
  },
  name_search: {
    params: [
      ['name', ''],
      ['domain', null],
      ['operator', 'ilike'],
      ['limit', 100],
    ],
    record: false,
    run: (env, model, _ids, a) =>
      nameSearch(env, model, str(a['name']) ?? '', a['domain'], str(a['operator']) ?? 'ilike', num(a['limit']) ?? null),
  },
  load: {
    params: [['fields'], ['data']],
    record: false,
    run: (env, model, _ids, a) => load(env, model, a['fields'], a['data']),
  },
};

/** Methods that change data (refused to read-only users before anything runs). */
export const WRITE_METHODS: ReadonlySet<string> = new Set(['create', 'write', 'unlink', 'load']);

/** True when `method` is a public method the sandbox implements. */
export function isKnownMethod(method: string): boolean {
  return Object.hasOwn(METHODS, method);
}

/** Checks a method name as Odoo's `get_public_method` does. */
export function checkMethod(model: string, method: string): void {
  if (method.startsWith('_'))
    throw accessError(`Private methods (such as '${model}.${method}') cannot be called remotely.`);
  if (!isKnownMethod(method)) {
    throw new OdooError('builtins.AttributeError', `The method '${method}' does not exist on the model '${model}'`);
  }
}

/** Normalises ids as `browse` accepts them: one int or a list of ints. */
export function toIds(value: unknown): number[] {
  if (typeof value === 'number' && Number.isInteger(value)) return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isInteger(v)))
    return value as number[];
  if (value === false || value === null) return [];
  throw valueError(`Invalid ids ${JSON.stringify(value)}`);
}

/** Binds Python-style arguments; `ids` is passed separately for record methods. */
export function bindArgs(method: string, positional: readonly unknown[], keywords: Args): Args {
  const def = METHODS[method];
  if (!def) throw new OdooError('builtins.AttributeError', `The method '${method}' does not exist`);
  const max = def.params.length + (def.record ? 1 : 0) + 1;
  if (positional.length > def.params.length) {
    throw typeError(
      `${method}() takes from 1 to ${max} positional arguments but ${positional.length + 1 + (def.record ? 1 : 0)} were given`,
    );
  }
  const bound: Args = {};
  def.params.forEach((param, i) => {
    const [name] = param;
    if (i < positional.length) {
      if (Object.hasOwn(keywords, name)) throw typeError(`${method}() got multiple values for argument '${name}'`);
      bound[name] = positional[i];
    } else if (Object.hasOwn(keywords, name)) bound[name] = keywords[name];
    else if (param.length === 2) bound[name] = param[1];
    else throw typeError(`${method}() missing 1 required positional argument: '${name}'`);
  });
  for (const key of Object.keys(keywords)) {
    // `args` is name_search's pre-17 name for `domain`.
    if (method === 'name_search' && key === 'args' && !Object.hasOwn(keywords, 'domain')) {
      bound['domain'] = keywords[key];
      continue;
    }
    if (!def.params.some(([n]) => n === key))
      throw typeError(`${method}() got an unexpected keyword argument '${key}'`);
  }
  return bound;
}

/** True for record methods (ids first). */
export function isRecordMethod(method: string): boolean {
  return METHODS[method]?.record === true;
}

/** Runs a bound method. */
export function runMethod(env: Env, model: string, method: string, ids: number[], args: Args): unknown {
  const def = METHODS[method];
  if (!def)
    throw new OdooError('builtins.AttributeError', `The method '${method}' does not exist on the model '${model}'`);
  return def.run(env, model, ids, args);
}
