import { randomUUID } from 'node:crypto';
import type {
  DeadLetter,
  DeadLetterInput,
  DeadLetterListOptions,
  DeadLetterRepository,
  DeadLetterStatus,
} from '../dead-letter-repository.ts';
import type { JsonValue } from '../json.ts';
import type { Side } from '../link-repository.ts';
import { chunks } from './chunks.ts';
import { parseJson, type SqlContext } from './context.ts';
import type { DeadLettersTable } from './database.ts';

function toDeadLetter(row: DeadLettersTable): DeadLetter {
  return {
    id: row.id,
    mappingId: row.mapping_id,
    connection: row.connection,
    side: row.side as Side,
    recordId: row.record_id,
    payload: parseJson<JsonValue>(row.payload),
    message: row.message,
    attempts: Number(row.attempts),
    status: row.status as DeadLetterStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

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
      side: input.side,
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
    const row = await this.#ctx.run((db) =>
      db.selectFrom('dead_letters').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row && toDeadLetter(row);
  }

  async list(options: DeadLetterListOptions = {}): Promise<DeadLetter[]> {
    const limit = options.limit ?? 1000;
    const page = (recordIds: readonly string[] | undefined): Promise<DeadLettersTable[]> =>
      this.#ctx.run((db) => {
        let query = db.selectFrom('dead_letters').selectAll();
        if (options.status !== undefined) query = query.where('status', '=', options.status);
        if (options.mappingId !== undefined) query = query.where('mapping_id', '=', options.mappingId);
        if (options.side !== undefined) query = query.where('side', '=', options.side);
        if (recordIds !== undefined) query = query.where('record_id', 'in', recordIds);
        return query.orderBy('created_at').orderBy('id').limit(limit).execute();
      });
    if (options.recordIds === undefined) return (await page(undefined)).map(toDeadLetter);
    const rows: DeadLettersTable[] = [];
    for (const ids of chunks([...new Set(options.recordIds)])) rows.push(...(await page(ids)));
    // Each chunk is in order and limited; the oldest `limit` of their union are the answer.
    rows.sort((a, b) => (a.created_at === b.created_at ? cmp(a.id, b.id) : cmp(a.created_at, b.created_at)));
    return rows.slice(0, limit).map(toDeadLetter);
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
      db
        .selectFrom('dead_letters')
        .select((eb) => ['mapping_id', eb.fn.countAll().as('n')])
        .where('status', '=', 'open')
        .groupBy('mapping_id')
        .execute(),
    );
    return Object.fromEntries(rows.map((r) => [r.mapping_id, Number(r.n)]));
  }
}
