import { ErrorCode, FrontbackError } from '../../errors.ts';
import type { Hold, HoldInput, HoldRepository } from '../hold-repository.ts';
import type { JsonObject } from '../json.ts';
import { parseJson, type SqlContext } from './context.ts';
import type { HoldsTable } from './database.ts';

function toHold(row: HoldsTable): Hold {
  return {
    mappingId: row.mapping_id,
    mappingVersion: row.mapping_version,
    runId: row.run_id,
    reason: row.reason,
    counts: parseJson<JsonObject>(row.counts),
    heldAt: row.held_at,
    acceptedAt: row.accepted_at,
    acceptedBy: row.accepted_by,
  };
}

/** Held mappings over SQL: one row per mapping, replaced by each new hold. */
export class SqlHoldRepository implements HoldRepository {
  readonly #ctx: SqlContext;
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async hold(input: HoldInput): Promise<Hold> {
    const row: HoldsTable = {
      mapping_id: input.mappingId,
      mapping_version: input.mappingVersion,
      run_id: input.runId,
      reason: input.reason,
      counts: JSON.stringify(input.counts),
      held_at: this.#ctx.now(),
      accepted_at: null,
      accepted_by: null,
    };
    const { mapping_id: _key, ...replacement } = row;
    await this.#ctx.write((db) =>
      db
        .insertInto('holds')
        .values(row)
        .onConflict((oc) => oc.column('mapping_id').doUpdateSet(replacement))
        .execute(),
    );
    return toHold(row);
  }

  async get(mappingId: string): Promise<Hold | undefined> {
    const row = await this.#ctx.run((db) =>
      db.selectFrom('holds').selectAll().where('mapping_id', '=', mappingId).executeTakeFirst(),
    );
    return row && toHold(row);
  }

  async listHeld(): Promise<Hold[]> {
    const rows = await this.#ctx.run((db) =>
      db
        .selectFrom('holds')
        .selectAll()
        .where('accepted_at', 'is', null)
        .orderBy('held_at')
        .orderBy('mapping_id')
        .execute(),
    );
    return rows.map(toHold);
  }

  async accept(mappingId: string, by: string): Promise<Hold> {
    return this.#ctx.atomic(async (db) => {
      const updated = await db
        .updateTable('holds')
        .set({ accepted_at: this.#ctx.now(), accepted_by: by })
        .where('mapping_id', '=', mappingId)
        .where('accepted_at', 'is', null)
        .executeTakeFirst();
      const row = await db.selectFrom('holds').selectAll().where('mapping_id', '=', mappingId).executeTakeFirst();
      if (!row) {
        throw new FrontbackError(ErrorCode.NotFound, `mapping ${mappingId} is not held`, { details: { mappingId } });
      }
      if (updated.numUpdatedRows === 0n) {
        throw new FrontbackError(ErrorCode.Conflict, `the hold of mapping ${mappingId} was already accepted`, {
          details: { mappingId, acceptedBy: row.accepted_by, acceptedAt: row.accepted_at },
        });
      }
      return toHold(row);
    });
  }

  async clear(mappingId: string): Promise<void> {
    await this.#ctx.write((db) => db.deleteFrom('holds').where('mapping_id', '=', mappingId).execute());
  }
}
