/** The webhook inbox over SQL: deduplicated on (source, delivery key), done rows purged in batches. */
import { randomUUID } from 'node:crypto';
import type {
  InboxAcceptResult,
  InboxInput,
  InboxItem,
  InboxListOptions,
  InboxRepository,
  InboxStatus,
} from '../inbox-repository.ts';
import { ErrorCode, FrontbackError } from '../../errors.ts';
import type { JsonValue } from '../json.ts';
import { parseJson, type SqlContext } from './context.ts';
import type { InboxTable } from './database.ts';

function toItem(row: InboxTable): InboxItem {
  return {
    id: row.id,
    source: row.source,
    deliveryKey: row.delivery_key,
    payload: parseJson<JsonValue>(row.payload),
    status: row.status as InboxStatus,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    receivedAt: row.received_at,
    updatedAt: row.updated_at,
  };
}

/** The webhook inbox over SQL. */
export class SqlInboxRepository implements InboxRepository {
  readonly #ctx: SqlContext;
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async accept(input: InboxInput): Promise<InboxAcceptResult> {
    const now = this.#ctx.now();
    const id = randomUUID();
    const inserted = await this.#ctx.write((db) =>
      db
        .insertInto('inbox')
        .values({
          id,
          source: input.source,
          delivery_key: input.deliveryKey,
          payload: JSON.stringify(input.payload),
          status: 'pending',
          attempts: 0,
          last_error: null,
          received_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['source', 'delivery_key']).doNothing())
        .returning('id')
        .executeTakeFirst(),
    );
    if (inserted) return { id, duplicate: false };
    const existing = await this.#ctx.run((db) =>
      db
        .selectFrom('inbox')
        .select('id')
        .where('source', '=', input.source)
        .where('delivery_key', '=', input.deliveryKey)
        .executeTakeFirstOrThrow(),
    );
    return { id: existing.id, duplicate: true };
  }

  async get(id: string): Promise<InboxItem | undefined> {
    const row = await this.#ctx.run((db) => db.selectFrom('inbox').selectAll().where('id', '=', id).executeTakeFirst());
    return row && toItem(row);
  }

  async listOpen(options: InboxListOptions = {}): Promise<InboxItem[]> {
    const statuses = options.statuses ?? ['pending', 'processing'];
    if (statuses.length === 0) return [];
    const rows = await this.#ctx.run((db) => {
      let query = db
        .selectFrom('inbox')
        .selectAll()
        .where('status', 'in', [...statuses]);
      if (options.receivedBefore !== undefined) query = query.where('received_at', '<', options.receivedBefore);
      return query
        .orderBy('received_at')
        .orderBy('id')
        .limit(options.limit ?? 1000)
        .execute();
    });
    return rows.map(toItem);
  }

  async markProcessing(id: string): Promise<void> {
    await this.#ctx.write((db) =>
      db
        .updateTable('inbox')
        .set((eb) => ({ status: 'processing', attempts: eb('attempts', '+', 1), updated_at: this.#ctx.now() }))
        .where('id', '=', id)
        .execute(),
    );
  }

  async markDone(id: string): Promise<void> {
    await this.#setStatus(id, 'done', null);
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.#setStatus(id, 'failed', error);
  }

  async release(id: string): Promise<void> {
    await this.#setStatus(id, 'pending', null);
  }

  async #setStatus(id: string, status: InboxStatus, lastError: string | null): Promise<void> {
    await this.#ctx.write((db) =>
      db
        .updateTable('inbox')
        .set({ status, updated_at: this.#ctx.now(), ...(lastError === null ? {} : { last_error: lastError }) })
        .where('id', '=', id)
        .execute(),
    );
  }

  async purgeDone(receivedBefore: string, limit: number): Promise<number> {
    if (!Number.isInteger(limit) || limit < 1)
      throw new FrontbackError(ErrorCode.Validation, `inbox purge: limit must be a positive integer, got ${limit}`);
    // One statement over the (status, received_at) index: the batch's ids, then those rows.
    const result = await this.#ctx.write((db) =>
      db
        .deleteFrom('inbox')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('inbox')
            .select('id')
            .where('status', '=', 'done')
            .where('received_at', '<', receivedBefore)
            .limit(limit),
        )
        .executeTakeFirst(),
    );
    return Number(result.numDeletedRows);
  }

  async countOpen(): Promise<Partial<Record<InboxStatus, number>>> {
    const rows = await this.#ctx.run((db) =>
      db
        .selectFrom('inbox')
        .select((eb) => ['status', eb.fn.countAll().as('n')])
        .where('status', '!=', 'done')
        .groupBy('status')
        .execute(),
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}
