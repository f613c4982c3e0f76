import { randomUUID } from 'node:crypto';
import type {
  DeadLetter,
  DeadLetterInput,
  DeadLetterListOptions,
  DeadLetterRepository,
  DeadLetterStatus,
} from '../dead-letter-repository.ts';
import type { JsonValue } from '../json.ts';
import { parseJson, type SqlContext } from './context.ts';
import type { DeadLettersTable } from './database.ts';

function toDeadLetter(row: DeadLettersTable): DeadLetter {
  return {
    id: row.id,
    mappingId: row.mapping_id,
    connection: row.connection,
    recordId: row.record_id,
    payload: parseJson<JsonValue>(row.payload),
    message: row.message,
    attempts: Number(row.attempts),
    status: row.status as DeadLetterStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Dead letters over SQL. */
export class SqlDeadLetterRepository implements DeadLetterRepository {
  readonly #ctx: SqlContext;
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async add(input: DeadLetterInput): Promise<DeadLetter> {
    const now = this.#ctx.now();
    const row: DeadLettersTable = {
      id: randomUUID(),
      mapping_id: input.mappingId,
      connection: input.connection,
      record_id: input.recordId,
      payload: JSON.stringify(input.payload),
      message: input.message,
      attempts: input.attempts,
      status: 'open',
      created_at: now,
      updated_at: now,
    };
    await this.#ctx.write((db) => db.insertInto('dead_letters').values(row).execute());
    return toDeadLetter(row);
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const row = await this.#ctx.run((db) => db.selectFrom('dead_letters').selectAll().where('id', '=', id).executeTakeFirst());
    return row && toDeadLetter(row);
  }

  async list(options: DeadLetterListOptions = {}): Promise<DeadLetter[]> {
    const rows = await this.#ctx.run((db) => {
      let query = db.selectFrom('dead_letters').selectAll();
      if (options.status !== undefined) query = query.where('status', '=', options.status);
      if (options.mappingId !== undefined) query = query.where('mapping_id', '=', options.mappingId);
      if (options.recordIds !== undefined) {
        if (options.recordIds.length === 0) return Promise.resolve([]);
        query = query.where('record_id', 'in', [...options.recordIds]);
      }
      return query
        .orderBy('created_at')
        .orderBy('id')
        .limit(options.limit ?? 1000)
        .execute();
    });
    return rows.map(toDeadLetter);
  }

  async recordAttempt(id: string, message: string): Promise<void> {
    await this.#ctx.write((db) =>
      db
        .updateTable('dead_letters')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), message, updated_at: this.#ctx.now() }))
        .where('id', '=', id)
        .execute(),
    );
  }

  async setStatus(id: string, status: DeadLetterStatus): Promise<void> {
    await this.#ctx.write((db) =>
      db.updateTable('dead_letters').set({ status, updated_at: this.#ctx.now() }).where('id', '=', id).execute(),
    );
  }

  async countOpen(): Promise<Record<string, number>> {
    const rows = await this.#ctx.run((db) =>
      db.selectFrom('dead_letters').select((eb) => ['mapping_id', eb.fn.countAll().as('n')]).where('status', '=', 'open').groupBy('mapping_id').execute(),
    );
    return Object.fromEntries(rows.map((r) => [r.mapping_id, Number(r.n)]));
  }
}
