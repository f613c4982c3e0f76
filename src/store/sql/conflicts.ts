import { randomUUID } from 'node:crypto';
import { ErrorCode, FrontbackError, StoreError, VersionConflictError } from '../../errors.ts';
import type {
  Conflict,
  ConflictInput,
  ConflictListOptions,
  ConflictRepository,
  ConflictResolution,
  ConflictStatus,
} from '../conflict-repository.ts';
import type { JsonValue } from '../json.ts';
import { parseJson, type SqlContext } from './context.ts';
import type { ConflictsTable } from './database.ts';

function toConflict(row: ConflictsTable): Conflict {
  return {
    id: row.id,
    mappingId: row.mapping_id,
    linkId: row.link_id,
    field: row.field,
    crmValue: parseJson<JsonValue>(row.crm_value),
    erpValue: parseJson<JsonValue>(row.erp_value),
    status: row.status as ConflictStatus,
    resolution: row.resolution === null ? null : parseJson<ConflictResolution>(row.resolution),
    resolvedBy: row.resolved_by,
    resolvedAt: row.resolved_at,
    createdAt: row.created_at,
  };
}

/** Parked conflicts over SQL. */
export class SqlConflictRepository implements ConflictRepository {
  readonly #ctx: SqlContext;
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async open(input: ConflictInput): Promise<Conflict> {
    const row: ConflictsTable = {
      id: randomUUID(),
      mapping_id: input.mappingId,
      link_id: input.linkId,
      field: input.field,
      crm_value: JSON.stringify(input.crmValue),
      erp_value: JSON.stringify(input.erpValue),
      status: 'open',
      resolution: null,
      resolved_by: null,
      resolved_at: null,
      created_at: this.#ctx.now(),
    };
    await this.#ctx.write((db) => db.insertInto('conflicts').values(row).execute());
    return toConflict(row);
  }

  async get(id: string): Promise<Conflict | undefined> {
    const row = await this.#ctx.run((db) =>
      db.selectFrom('conflicts').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row && toConflict(row);
  }

  async list(options: ConflictListOptions = {}): Promise<Conflict[]> {
    const rows = await this.#ctx.run(async (db) => {
      let after: { created_at: string; id: string } | undefined;
      if (options.afterId !== undefined) {
        after = await db
          .selectFrom('conflicts')
          .select(['created_at', 'id'])
          .where('id', '=', options.afterId)
          .executeTakeFirst();
        if (!after)
          throw new FrontbackError(ErrorCode.Validation, `afterId ${options.afterId} is not a conflict`, {
            details: { afterId: options.afterId },
          });
      }
      let query = db.selectFrom('conflicts').selectAll();
      if (options.status !== undefined) query = query.where('status', '=', options.status);
      if (options.mappingId !== undefined) query = query.where('mapping_id', '=', options.mappingId);
      if (options.linkId !== undefined) query = query.where('link_id', '=', options.linkId);
      if (options.field !== undefined) query = query.where('field', '=', options.field);
      if (after !== undefined) {
        const { created_at: at, id } = after;
        query = query.where((eb) =>
          eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('id', '>', id)])]),
        );
      }
      return query
        .orderBy('created_at')
        .orderBy('id')
        .limit(options.limit ?? 1000)
        .execute();
    });
    return rows.map(toConflict);
  }

  async resolve(id: string, resolution: ConflictResolution, resolvedBy: string): Promise<Conflict> {
    const updated = await this.#ctx.write((db) =>
      db
        .updateTable('conflicts')
        .set({
          status: 'resolved',
          resolution: JSON.stringify(resolution),
          resolved_by: resolvedBy,
          resolved_at: this.#ctx.now(),
        })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .executeTakeFirst(),
    );
    const current = await this.get(id);
    if (!current) throw new StoreError(`conflict ${id} not found`, { details: { id, code: ErrorCode.NotFound } });
    if (updated.numUpdatedRows === 0n) {
      throw new VersionConflictError(`conflict ${id} was already resolved`, { id, resolvedBy: current.resolvedBy });
    }
    return current;
  }

  async countOpen(): Promise<Record<string, number>> {
    const rows = await this.#ctx.run((db) =>
      db
        .selectFrom('conflicts')
        .select((eb) => ['mapping_id', eb.fn.countAll().as('n')])
        .where('status', '=', 'open')
        .groupBy('mapping_id')
        .execute(),
    );
    return Object.fromEntries(rows.map((r) => [r.mapping_id, Number(r.n)]));
  }
}
