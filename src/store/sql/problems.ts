/**
 * Problems per record over SQL (`field_problems`): upserted by the record phase of a pass
 * when a field is left out of a write, deleted when a later sync writes that field or the
 * record goes. Reads first the rows of the page's records (one query per 500 records),
 * so an outcome with nothing to settle costs no write.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { ErrorCode, FrontbackError } from '../../errors.ts';
import type { Side } from '../link-repository.ts';
import type {
  Problem,
  ProblemCount,
  ProblemListOptions,
  ProblemOutcome,
  ProblemRepository,
} from '../problem-repository.ts';
import { chunks } from './chunks.ts';
import type { SqlContext } from './context.ts';
import type { FieldProblemsTable } from './database.ts';

const LIST_DEFAULT = 100;
const LIST_MAX = 1000;

function toProblem(row: FieldProblemsTable): Problem {
  return {
    id: row.id,
    mappingId: row.mapping_id,
    side: row.side as Side,
    recordId: row.record_id,
    target: row.target as Side,
    field: row.field,
    reason: row.reason,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    runId: row.run_id,
  };
}

const keyOf = (recordId: string, target: string, field: string): string => JSON.stringify([recordId, target, field]);

/** Problems per record over SQL. */
export class SqlProblemRepository implements ProblemRepository {
  readonly #ctx: SqlContext;
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async record(mappingId: string, side: Side, runId: string, outcomes: readonly ProblemOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const now = this.#ctx.now();
    await this.#ctx.atomic(async (db) => {
      const ids = [...new Set(outcomes.map((o) => o.recordId))];
      const known: FieldProblemsTable[] = [];
      for (const page of chunks(ids)) {
        known.push(
          ...(await db
            .selectFrom('field_problems')
            .selectAll()
            .where('mapping_id', '=', mappingId)
            .where('side', '=', side)
            .where('record_id', 'in', page)
            .execute()),
        );
      }
      // The last outcome of a record wins (a record read twice in a page).
      const byRecord = new Map(outcomes.map((o) => [o.recordId, o]));
      const open = new Map<string, FieldProblemsTable>();
      for (const o of byRecord.values()) {
        for (const p of o.open) {
          open.set(keyOf(o.recordId, p.target, p.field), {
            id: randomUUID(),
            mapping_id: mappingId,
            side,
            record_id: o.recordId,
            target: p.target,
            field: p.field,
            reason: p.reason,
            first_seen: now,
            last_seen: now,
            run_id: runId,
          });
        }
      }
      const settled = known.filter((row) => {
        if (open.has(keyOf(row.record_id, row.target, row.field))) return false;
        const written = byRecord.get(row.record_id)?.written[row.target as Side];
        return written === '*' || (written !== undefined && written.includes(row.field));
      });
      for (const page of chunks(settled.map((row) => row.id)))
        await db.deleteFrom('field_problems').where('id', 'in', page).execute();
      for (const rows of chunks([...open.values()])) {
        await db
          .insertInto('field_problems')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['mapping_id', 'side', 'record_id', 'target', 'field']).doUpdateSet((eb) => ({
              reason: eb.ref('excluded.reason'),
              last_seen: eb.ref('excluded.last_seen'),
              run_id: eb.ref('excluded.run_id'),
            })),
          )
          .execute();
      }
    });
  }

  async clearRecords(mappingId: string, side: Side, recordIds: readonly string[]): Promise<void> {
    const pages = chunks([...new Set(recordIds)]);
    if (pages.length === 0) return;
    await this.#ctx.atomic(async (db) => {
      for (const page of pages) {
        await db
          .deleteFrom('field_problems')
          .where('mapping_id', '=', mappingId)
          .where('side', '=', side)
          .where('record_id', 'in', page)
          .execute();
      }
    });
  }

  async list(options: ProblemListOptions = {}): Promise<Problem[]> {
    const limit = options.limit ?? LIST_DEFAULT;
    if (!Number.isInteger(limit) || limit < 1)
      throw new FrontbackError(ErrorCode.Validation, `limit must be a positive integer, got ${limit}`);
    const rows = await this.#ctx.run(async (db) => {
      let after: FieldProblemsTable | undefined;
      if (options.afterId !== undefined) {
        after = await db.selectFrom('field_problems').selectAll().where('id', '=', options.afterId).executeTakeFirst();
        if (!after)
          throw new FrontbackError(ErrorCode.Validation, `after ${options.afterId} is not an open problem`, {
            details: { afterId: options.afterId },
          });
      }
      let query = db.selectFrom('field_problems').selectAll();
      if (options.mappingId !== undefined) query = query.where('mapping_id', '=', options.mappingId);
      if (options.field !== undefined) query = query.where('field', '=', options.field);
      if (after !== undefined) {
        const a = after;
        // Row-value comparison (SQLite 3.15+, PostgreSQL): the listing's order, which is unique.
        query = query.where(
          sql<boolean>`(first_seen, mapping_id, side, record_id, target, field) > (${sql.join([
            a.first_seen,
            a.mapping_id,
            a.side,
            a.record_id,
            a.target,
            a.field,
          ])})`,
        );
      }
      return query
        .orderBy('first_seen')
        .orderBy('mapping_id')
        .orderBy('side')
        .orderBy('record_id')
        .orderBy('target')
        .orderBy('field')
        .limit(Math.min(limit, LIST_MAX))
        .execute();
    });
    return rows.map(toProblem);
  }

  async counts(mappingId?: string): Promise<ProblemCount[]> {
    const rows = await this.#ctx.run((db) => {
      let query = db
        .selectFrom('field_problems')
        .select(['mapping_id', 'field', 'reason', sql<number | string>`count(*)`.as('n')])
        .groupBy(['mapping_id', 'field', 'reason']);
      if (mappingId !== undefined) query = query.where('mapping_id', '=', mappingId);
      return query.execute();
    });
    return rows
      .map((r) => ({ mappingId: r.mapping_id, field: r.field, reason: r.reason, count: Number(r.n) }))
      .sort(
        (a, b) =>
          b.count - a.count ||
          a.mappingId.localeCompare(b.mappingId) ||
          a.field.localeCompare(b.field) ||
          a.reason.localeCompare(b.reason),
      );
  }

  async countByMapping(): Promise<Array<{ mappingId: string; count: number }>> {
    const rows = await this.#ctx.run((db) =>
      db
        .selectFrom('field_problems')
        .select(['mapping_id', sql<number | string>`count(*)`.as('n')])
        .groupBy('mapping_id')
        .orderBy('mapping_id')
        .execute(),
    );
    return rows.map((r) => ({ mappingId: r.mapping_id, count: Number(r.n) }));
  }
}
