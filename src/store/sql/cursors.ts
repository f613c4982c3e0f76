import type { Cursor, CursorInput, CursorRepository } from '../cursor-repository.ts';
import type { JsonValue } from '../json.ts';
import { parseJson, type SqlContext } from './context.ts';
import type { CursorsTable } from './database.ts';

function toCursor(row: CursorsTable): Cursor {
  return {
    key: row.key,
    timestamp: row.ts,
    id: row.record_id,
    state: parseJson<JsonValue>(row.state),
    updatedAt: row.updated_at,
  };
}

/** Cursors over SQL. */
export class SqlCursorRepository implements CursorRepository {
  readonly #ctx: SqlContext;
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async get(key: string): Promise<Cursor | undefined> {
    const row = await this.#ctx.run((db) =>
      db.selectFrom('cursors').selectAll().where('key', '=', key).executeTakeFirst(),
    );
    return row && toCursor(row);
  }

  async set(key: string, value: CursorInput): Promise<Cursor> {
    const row: CursorsTable = {
      key,
      ts: value.timestamp,
      record_id: value.id,
      state: JSON.stringify(value.state ?? null),
      updated_at: this.#ctx.now(),
    };
    await this.#ctx.write((db) =>
      db
        .insertInto('cursors')
        .values(row)
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet({ ts: row.ts, record_id: row.record_id, state: row.state, updated_at: row.updated_at }),
        )
        .execute(),
    );
    return toCursor(row);
  }

  async list(prefix?: string): Promise<Cursor[]> {
    const rows = await this.#ctx.run((db) => db.selectFrom('cursors').selectAll().orderBy('key').execute());
    return rows.filter((r) => prefix === undefined || r.key.startsWith(prefix)).map(toCursor);
  }

  async delete(key: string): Promise<boolean> {
    const result = await this.#ctx.write((db) => db.deleteFrom('cursors').where('key', '=', key).executeTakeFirst());
    return result.numDeletedRows > 0n;
  }
}
