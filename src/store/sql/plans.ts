import { ErrorCode, FrontbackError } from '../../errors.ts';
import type { JsonObject } from '../json.ts';
import type { Side } from '../link-repository.ts';
import type { PlanListOptions, PlanRepository, StoredPlan, StoredPlanInput } from '../plan-repository.ts';
import { chunks } from './chunks.ts';
import { parseJson, type SqlContext } from './context.ts';
import type { RunPlansTable } from './database.ts';

const LIST_DEFAULT = 100;
const LIST_MAX = 1000;

function toPlan(row: RunPlansTable): StoredPlan {
  return {
    runId: row.run_id,
    seq: Number(row.seq),
    side: row.side as Side,
    recordId: row.record_id,
    partnerId: row.partner_id,
    action: row.action,
    reason: row.reason,
    plan: parseJson<JsonObject>(row.plan),
  };
}

function wholeNumber(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new FrontbackError(ErrorCode.Validation, `${name} must be an integer of at least ${min}, got ${value}`, {
      details: { [name]: value },
    });
  }
  return value;
}

/** Stored plans of dry runs over SQL: multi-row inserts, keyset pages by (run_id, seq). */
export class SqlPlanRepository implements PlanRepository {
  readonly #ctx: SqlContext;
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async addMany(runId: string, plans: readonly StoredPlanInput[]): Promise<void> {
    if (plans.length === 0) return;
    await this.#ctx.atomic(async (db) => {
      // SQLite's BEGIN IMMEDIATE already serialises writers; on PostgreSQL the run's row
      // lock keeps two pages of one run from both reading the same last seq.
      if (this.#ctx.kind === 'postgres') {
        await db.selectFrom('runs').select('id').where('id', '=', runId).forUpdate().execute();
      }
      const last = await db
        .selectFrom('run_plans')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('run_id', '=', runId)
        .executeTakeFirst();
      let seq = Number(last?.seq ?? 0);
      for (const page of chunks(plans)) {
        const rows: RunPlansTable[] = page.map((p) => ({
          run_id: runId,
          seq: (seq += 1),
          side: p.side,
          record_id: p.recordId,
          partner_id: p.partnerId ?? null,
          action: p.action,
          reason: p.reason,
          plan: JSON.stringify(p.plan),
        }));
        await db.insertInto('run_plans').values(rows).execute();
      }
    });
  }

  async list(runId: string, options: PlanListOptions = {}): Promise<StoredPlan[]> {
    const afterSeq = wholeNumber('afterSeq', options.afterSeq ?? 0, 0);
    const limit = Math.min(wholeNumber('limit', options.limit ?? LIST_DEFAULT, 1), LIST_MAX);
    const rows = await this.#ctx.run((db) => {
      let query = db.selectFrom('run_plans').selectAll().where('run_id', '=', runId).where('seq', '>', afterSeq);
      if (options.action !== undefined) query = query.where('action', '=', options.action);
      return query.orderBy('seq').limit(limit).execute();
    });
    return rows.map(toPlan);
  }

  async counts(runId: string): Promise<Record<string, number>> {
    const rows = await this.#ctx.run((db) =>
      db
        .selectFrom('run_plans')
        .select((eb) => ['action', eb.fn.countAll().as('n')])
        .where('run_id', '=', runId)
        .groupBy('action')
        .execute(),
    );
    return Object.fromEntries(rows.map((r) => [r.action, Number(r.n)]));
  }

  async prune(mappingId: string, keepRuns: number): Promise<number> {
    const keep = wholeNumber('keepRuns', keepRuns, 0);
    const result = await this.#ctx.write((db) =>
      db
        .deleteFrom('run_plans')
        .where('run_id', 'in', (eb) => eb.selectFrom('runs').select('id').where('mapping_id', '=', mappingId))
        .where('run_id', 'not in', (eb) =>
          eb
            .selectFrom('runs')
            .select('id')
            .where('mapping_id', '=', mappingId)
            .where((w) => w.exists(w.selectFrom('run_plans as p').select('p.seq').whereRef('p.run_id', '=', 'runs.id')))
            .orderBy('started_at', 'desc')
            .orderBy('id', 'desc')
            .limit(keep),
        )
        .executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }
}
