/**
 * Running a parsed SOQL query over a {@link SoqlSource}: resolve the object and fields,
 * filter, sort, page and render records the way the REST API's Query resource answers
 * (REST API Developer Guide, "Query"): each record carries `attributes {type, url}` then
 * the selected fields in SELECT order; a relationship path renders as a nested record
 * (or null when the lookup is empty), fields of one relationship sharing it.
 *
 * ORDER BY (SOQL and SOSL Reference, "ORDER BY"): text sorts without case, nulls come
 * first ascending and last descending unless NULLS FIRST/LAST says otherwise, and ties
 * keep the store's order. OFFSET is at most 2,000 (SOQL and SOSL Reference, "OFFSET").
 */
import type { SObjectRow, SObjectValue } from '../records.ts';
import type { SObjectType } from '../schema.ts';
import type { OrderItem, SoqlQuery } from './ast.ts';
import { SoqlError, locatedError } from './errors.ts';
import { type ResolvedField, followLookup, readField, resolveField } from './fields.ts';
import { type Comparable, type FilterContext, comparable, compileCondition, kindOf } from './filter.ts';
import type { SoqlSource } from './source.ts';

/** `attributes` of a rendered record. */
export interface RecordAttributes {
  type: string;
  url: string;
}

/** A record as the Query resource renders it in JSON. */
export interface QueryRecord {
  attributes: RecordAttributes;
  [field: string]: SObjectValue | QueryRecord | RecordAttributes;
}

/** The outcome of a query before paging into batches: every matching record. */
export interface SoqlResult {
  totalSize: number;
  records: QueryRecord[];
}

/** How to run a query. */
export interface SoqlOptions {
  /** queryAll: deleted and merged-away rows too. */
  includeDeleted: boolean;
  /** API version of the request, e.g. `60.0` (for record urls). */
  apiVersion: string;
}

/** Salesforce's largest OFFSET. */
export const MAX_OFFSET = 2000;

function recordUrl(apiVersion: string, type: string, id: SObjectValue | undefined): string {
  return `/services/data/v${apiVersion}/sobjects/${type}/${String(id)}`;
}

interface SortKey {
  field: ResolvedField;
  item: OrderItem;
}

function compareRows(a: (Comparable | null)[], b: (Comparable | null)[], keys: SortKey[]): number {
  for (let i = 0; i < keys.length; i++) {
    const { item } = keys[i]!;
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    const nullsFirst = item.nullsFirst ?? !item.descending;
    if (x === null) return nullsFirst ? -1 : 1;
    if (y === null) return nullsFirst ? 1 : -1;
    const order = x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return item.descending ? -order : order;
  }
  return 0;
}

function sortRows(rows: SObjectRow[], keys: SortKey[], ctx: FilterContext): SObjectRow[] {
  if (keys.length === 0) return rows;
  const decorated = rows.map((row, index) => ({
    row,
    index,
    values: keys.map((k) => comparable(kindOf(k.field.field), readField(row, k.field, ctx.source, ctx.includeDeleted))),
  }));
  decorated.sort((p, q) => compareRows(p.values, q.values, keys) || p.index - q.index);
  return decorated.map((d) => d.row);
}

function render(
  row: SObjectRow,
  root: SObjectType,
  fields: ResolvedField[],
  source: SoqlSource,
  options: SoqlOptions,
): QueryRecord {
  const record: QueryRecord = {
    attributes: { type: root.name, url: recordUrl(options.apiVersion, root.name, row.Id) },
  };
  const rowsOf = new Map<QueryRecord, SObjectRow>([[record, row]]);
  for (const field of fields) {
    let container: QueryRecord = record;
    let current = row;
    let reached = true;
    for (const hop of field.hops) {
      const existing = container[hop.name];
      if (existing === undefined) {
        const next = followLookup(current, hop, source, options.includeDeleted);
        if (!next) {
          container[hop.name] = null;
          reached = false;
          break;
        }
        const nested: QueryRecord = {
          attributes: { type: next.type, url: recordUrl(options.apiVersion, next.type, next.row.Id) },
        };
        rowsOf.set(nested, next.row);
        container[hop.name] = nested;
        container = nested;
        current = next.row;
      } else if (existing === null) {
        reached = false;
        break;
      } else {
        container = existing as QueryRecord;
        current = rowsOf.get(container) ?? {};
      }
    }
    if (reached) container[field.field.name] = current[field.field.name] ?? null;
  }
  return record;
}

/** Runs a parsed query; throws {@link SoqlError} as Salesforce would refuse it. */
export function evaluate(query: string, ast: SoqlQuery, source: SoqlSource, options: SoqlOptions): SoqlResult {
  const root = source.type(ast.from.name);
  if (!root) {
    throw locatedError(
      'INVALID_TYPE',
      query,
      ast.from.pos,
      `sObject type '${ast.from.name}' is not supported. If you are attempting to use a custom object, be sure to ` +
        "append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
    );
  }
  const ctx: FilterContext = { query, source, root, alias: ast.from.alias, includeDeleted: options.includeDeleted };
  const count = ast.select.find((s) => s.kind === 'count');
  if (count && ast.select.length > 1) {
    throw locatedError('MALFORMED_QUERY', query, count.pos, 'COUNT() must be the only element in the SELECT list.');
  }
  const fields: ResolvedField[] = [];
  const seen = new Set<string>();
  for (const item of ast.select) {
    if (item.kind !== 'field') continue;
    const resolved = resolveField(item.path, ctx);
    if (seen.has(resolved.key.toLowerCase())) {
      throw new SoqlError('INVALID_FIELD', `duplicate field selected: ${resolved.key}`);
    }
    seen.add(resolved.key.toLowerCase());
    fields.push(resolved);
  }
  const predicate = ast.where ? compileCondition(ast.where, ctx) : undefined;
  const keys = ast.orderBy.map((item) => {
    const field = resolveField(item.path, ctx);
    if (field.field.type === 'textarea' && field.field.length > 255) {
      const text = `field '${field.field.name}' can not be sorted in a query call`;
      throw locatedError('INVALID_FIELD', query, item.path.pos, text);
    }
    return { item, field };
  });
  if (ast.offset && ast.offset.value > MAX_OFFSET) {
    throw new SoqlError('NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
  }

  let rows = [...source.rows(root.name, options.includeDeleted)];
  if (predicate) rows = rows.filter(predicate);
  rows = sortRows(rows, keys, ctx);
  const start = ast.offset?.value ?? 0;
  const end = ast.limit ? start + ast.limit.value : undefined;
  rows = rows.slice(start, end);
  if (count) return { totalSize: rows.length, records: [] };
  const records = rows.map((row) => render(row, root, fields, source, options));
  return { totalSize: records.length, records };
}
