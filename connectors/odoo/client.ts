/**
 * Typed Odoo model calls (`execute_kw` semantics) over either transport: search_read,
 * read, search, search_count, create, write, unlink, load, fields_get. Every result is validated with
 * the schemas in schemas.ts before it is used.
 */
import type { ZodType } from 'zod';
import {
  countSchema,
  fieldsGetSchema,
  idSchema,
  idsSchema,
  loadResultSchema,
  rawRecordsSchema,
  trueSchema,
  type FieldInfo,
  type LoadResult,
  type RawRecord,
} from './schemas.ts';
import type { CallOptions, OdooTransport } from './transports/transport.ts';

/** An Odoo domain: prefix operators (`|`, `&`, `!`) and `[field, operator, value]` leaves. */
export type Domain = ReadonlyArray<string | readonly [string, string, unknown]>;

/** Options of {@link OdooClient.searchRead}. */
export interface SearchReadOptions {
  /** Fields to return; default every stored field (Odoo's default). */
  fields?: readonly string[];
  /** Most records; default no limit. */
  limit?: number;
  /** Records to skip. */
  offset?: number;
  /** `write_date asc, id asc`; default the model's `_order`. */
  order?: string;
  /** Include archived records (`active_test: false`). Default false. */
  withArchived?: boolean;
}

/** Odoo model calls for one connection. */
export class OdooClient {
  constructor(readonly transport: OdooTransport) {}

  /** Calls any model method; the result is validated with `schema`. */
  call<T>(
    model: string,
    method: string,
    args: readonly unknown[],
    kwargs: Readonly<Record<string, unknown>>,
    schema: ZodType<T>,
    options?: CallOptions,
  ): Promise<T> {
    return this.transport.call(model, method, args, kwargs, schema, options);
  }

  /** `search_read(domain, fields, offset, limit, order)`. */
  searchRead(model: string, domain: Domain, options: SearchReadOptions = {}): Promise<RawRecord[]> {
    const kwargs: Record<string, unknown> = {};
    if (options.fields !== undefined) kwargs['fields'] = [...options.fields];
    if (options.offset !== undefined && options.offset > 0) kwargs['offset'] = options.offset;
    if (options.limit !== undefined) kwargs['limit'] = options.limit;
    if (options.order !== undefined) kwargs['order'] = options.order;
    if (options.withArchived === true) kwargs['context'] = { active_test: false };
    return this.call(model, 'search_read', [domain], kwargs, rawRecordsSchema);
  }

  /** `search(domain)` -> ids (archived included when asked). */
  search(model: string, domain: Domain, options: { limit?: number; withArchived?: boolean } = {}): Promise<number[]> {
    const kwargs: Record<string, unknown> = {};
    if (options.limit !== undefined) kwargs['limit'] = options.limit;
    if (options.withArchived === true) kwargs['context'] = { active_test: false };
    return this.call(model, 'search', [domain], kwargs, idsSchema);
  }

  /** `search_count(domain)` -> how many records match (archived included when asked). */
  searchCount(model: string, domain: Domain, options: { withArchived?: boolean } = {}): Promise<number> {
    const kwargs: Record<string, unknown> = options.withArchived === true ? { context: { active_test: false } } : {};
    return this.call(model, 'search_count', [domain], kwargs, countSchema);
  }

  /** `read(ids, fields)`: ids that do not exist are left out by Odoo. */
  read(model: string, ids: readonly number[], fields?: readonly string[]): Promise<RawRecord[]> {
    return this.call(model, 'read', [[...ids]], fields === undefined ? {} : { fields: [...fields] }, rawRecordsSchema);
  }

  /** `create(vals)` -> id. Not repeated after a lost response (it could create twice). */
  create(model: string, vals: Readonly<Record<string, unknown>>): Promise<number> {
    return this.call(model, 'create', [vals], {}, idSchema, { retry: false });
  }

  /**
   * `create([vals, ...])` -> ids, in one transaction (Odoo 12+): all created or none. Not
   * repeated after a lost response (it could create them twice).
   */
  createMany(model: string, valsList: readonly Readonly<Record<string, unknown>>[]): Promise<number[]> {
    return this.call(model, 'create', [[...valsList]], {}, idsSchema, { retry: false });
  }

  /** `write(ids, vals)`. Idempotent: the same values written twice give the same record. */
  async write(model: string, ids: readonly number[], vals: Readonly<Record<string, unknown>>): Promise<void> {
    await this.call(model, 'write', [[...ids], vals], {}, trueSchema);
  }

  /** `unlink(ids)`. A repeat after a lost response fails with MissingError (handled by the caller). */
  async unlink(model: string, ids: readonly number[]): Promise<void> {
    await this.call(model, 'unlink', [[...ids]], {}, trueSchema);
  }

  /**
   * `load(fields, rows)`: Odoo's import, atomic. An `id` column of external ids creates or
   * updates by them, a `.id` column of database ids updates those records. Datetime cells
   * are read in the context's `tz` (else the user's), so the call says `tz: 'UTC'`;
   * `withArchived` lets `.id` find archived records (Odoo checks each with a search).
   * `retry: false` for rows that create without an external id (a repeat would create twice).
   */
  load(
    model: string,
    fields: readonly string[],
    rows: readonly (readonly string[])[],
    options: { withArchived?: boolean; retry?: boolean } = {},
  ): Promise<LoadResult> {
    const context: Record<string, unknown> = { tz: 'UTC' };
    if (options.withArchived === true) context['active_test'] = false;
    return this.call(
      model,
      'load',
      [[...fields], rows.map((r) => [...r])],
      { context },
      loadResultSchema,
      options.retry === false ? { retry: false } : undefined,
    );
  }

  /** `fields_get(attributes=[...])`. */
  fieldsGet(model: string): Promise<Record<string, FieldInfo>> {
    return this.call(
      model,
      'fields_get',
      [],
      { attributes: ['type', 'string', 'required', 'readonly', 'store', 'relation', 'relation_field', 'selection'] },
      fieldsGetSchema,
    );
  }
}
