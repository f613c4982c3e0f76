import { randomUUID } from 'node:crypto';
import { ErrorCode, StoreError } from '../../errors.ts';
import type { JsonObject } from '../json.ts';
import type { Run, RunFinish, RunRepository, RunStatus } from '../run-repository.ts';
import { parseJson, type SqlContext } from './context.ts';
import type { RunsTable } from './database.ts';

function toRun(row: RunsTable): Run {
  return {
    id: row.id,
    mappingId: row.mapping_id,
    trigger: row.trigger,
    status: row.status as RunStatus,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    counts: parseJson<JsonObject>(row.counts),
    timings: parseJson<JsonObject>(row.timings),
    error: row.error,
    progress: row.progress === null ? null : parseJson<JsonObject>(row.progress),
  };
}

/** Sync runs over SQL. */
export class SqlRunRepository implements RunRepository {
  readonly #ctx: SqlContext;
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  start(mappingId: string, trigger: string): Promise<Run> {
    return this.#insert(mappingId, trigger, 'running');
  }

  queue(mappingId: string, trigger: string): Promise<Run> {
    return this.#insert(mappingId, trigger, 'queued');
  }

  async claim(id: string): Promise<boolean> {
    const result = await this.#ctx.write((db) =>
      db
        .updateTable('runs')
        .set({ status: 'running', started_at: this.#ctx.now() })
        .where('id', '=', id)
        .where('status', '=', 'queued')
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) === 1;
  }

  async #insert(mappingId: string, trigger: string, status: 'running' | 'queued'): Promise<Run> {
    const row: RunsTable = {
      id: randomUUID(),
      mapping_id: mappingId,
      trigger,
      status,
      started_at: this.#ctx.now(),
      finished_at: null,
      counts: '{}',
      timings: '{}',
      error: null,
      progress: null,
    };
    await this.#ctx.write((db) => db.insertInto('runs').values(row).execute());
    return toRun(row);
  }

  async progress(id: string, counts: JsonObject, progress: JsonObject): Promise<void> {
    await this.#ctx.write((db) =>
      db
        .updateTable('runs')
        .set({ counts: JSON.stringify(counts), progress: JSON.stringify(progress) })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .execute(),
    );
  }

  async finish(id: string, result: RunFinish): Promise<Run> {
    await this.#ctx.write((db) =>
      db
        .updateTable('runs')
        .set({
          status: result.status,
          finished_at: this.#ctx.now(),
          counts: JSON.stringify(result.counts),
          timings: JSON.stringify(result.timings),
          error: result.error ?? null,
        })
        .where('id', '=', id)
        .execute(),
    );
    const run = await this.get(id);
    if (!run) throw new StoreError(`run ${id} not found`, { details: { id, code: ErrorCode.NotFound } });
    return run;
  }

  async get(id: string): Promise<Run | undefined> {
    const row = await this.#ctx.run((db) => db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst());
    return row && toRun(row);
  }

  async list(options: { mappingId?: string; status?: RunStatus; limit?: number } = {}): Promise<Run[]> {
    const rows = await this.#ctx.run((db) => {
      let query = db.selectFrom('runs').selectAll();
      if (options.mappingId !== undefined) query = query.where('mapping_id', '=', options.mappingId);
      if (options.status !== undefined) query = query.where('status', '=', options.status);
      return query
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit ?? 100)
        .execute();
    });
    return rows.map(toRun);
  }
}
