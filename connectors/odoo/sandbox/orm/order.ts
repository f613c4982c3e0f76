/**
 * `order` specifications (`"write_date asc, id asc"`, a model's `_order`): parsing with
 * Odoo's validation and error message, and sorting with PostgreSQL's NULL placement
 * (ASC puts empty values last, DESC first, unless `nulls first|last` says otherwise).
 * A many2one sorts by the related record's display name.
 */
import { valueError } from '../errors.ts';
import { isComputed } from './computed.ts';
import type { Env } from './env.ts';
import type { Model } from './registry.ts';
import type { Row, Stored } from './types.ts';

/** One sort key. */
export interface OrderTerm {
  /** Field name. */
  field: string;
  /** Descending. */
  desc: boolean;
  /** Empty values first. */
  nullsFirst: boolean;
}

const ORDER_RE = /^(\s*([a-z0-9:_]+|"[a-z0-9:_]+")(\.id)?(\s+(desc|asc))?(\s+(nulls first|nulls last))?\s*(,|$))+$/i;
const collator = new Intl.Collator('en', { sensitivity: 'variant', numeric: false });

/** Parses an order spec for `model`; unknown fields and bad syntax raise ValueError as Odoo does. */
export function parseOrder(model: Model, spec: string): OrderTerm[] {
  if (!ORDER_RE.test(spec) || spec.trim().endsWith(',')) {
    throw valueError(
      `Invalid "order" specified (${spec}). A valid "order" specification is a comma-separated ` +
        `list of valid field names (optionally followed by asc/desc for the direction)`,
    );
  }
  const terms: OrderTerm[] = [];
  for (const part of spec.split(',')) {
    const words = part.trim().split(/\s+/);
    const field = (words[0] ?? '').replaceAll('"', '').replace(/\.id$/, '');
    const desc = (words[1] ?? '').toLowerCase() === 'desc';
    const nullsWord = words.slice(-2).join(' ').toLowerCase();
    const nullsFirst = nullsWord === 'nulls first' ? true : nullsWord === 'nulls last' ? false : desc;
    const def = model.allFields[field];
    if (!Object.hasOwn(model.allFields, field) || !def) {
      throw valueError(`Invalid field '${field}' on model '${model.name}'`);
    }
    // Odoo skips non-stored fields in ORDER BY (they have no column).
    if (isComputed(field, def)) continue;
    terms.push({ field, desc, nullsFirst });
  }
  return terms;
}

type Key = string | number | boolean | null;

/** Sorts rows by `terms` (stable; ties keep id order). */
export function sortRows(env: Env, model: Model, rows: Row[], terms: readonly OrderTerm[]): Row[] {
  if (terms.length === 0) return rows;
  const collate = terms.map((t) => ['char', 'text', 'many2one'].includes(model.allFields[t.field]?.type ?? ''));
  const keys = new Map<number, Key[]>();
  for (const row of rows) {
    keys.set(
      row.id,
      terms.map((t) => sortKey(env, model, t.field, row[t.field])),
    );
  }
  return [...rows].sort((a, b) => {
    const ka = keys.get(a.id) ?? [];
    const kb = keys.get(b.id) ?? [];
    for (let i = 0; i < terms.length; i += 1) {
      const term = terms[i] as OrderTerm;
      const c = compareKeys(ka[i] ?? null, kb[i] ?? null, term, collate[i] === true);
      if (c !== 0) return c;
    }
    return 0;
  });
}

function sortKey(env: Env, model: Model, field: string, value: Stored | undefined): Key {
  const def = model.allFields[field];
  if (value === undefined || (value === false && def?.type !== 'boolean')) return null;
  if (def?.type === 'many2one' && typeof value === 'number') return env.displayName(def.relation ?? '', value);
  if (Array.isArray(value)) return value.length;
  return value;
}

function compareKeys(a: Key, b: Key, term: OrderTerm, collate: boolean): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === term.nullsFirst ? -1 : 1;
  }
  let c: number;
  if (typeof a === 'number' && typeof b === 'number') c = a - b;
  else if (collate && typeof a === 'string' && typeof b === 'string') c = collator.compare(a, b);
  else c = String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  return term.desc ? -c : c;
}
