import { VersionConflictError } from '../../errors.ts';
import type { JsonObject } from '../json.ts';
import type { Snapshot, SnapshotRepository, SnapshotValues } from '../snapshot-repository.ts';
import { chunks } from './chunks.ts';
import { parseJson, type SqlContext } from './context.ts';
import type { SnapshotsTable } from './database.ts';

function toSnapshot(row: SnapshotsTable): Snapshot {
  return {
    linkId: row.link_id,
    crm: parseJson<JsonObject>(row.crm_values),
    erp: parseJson<JsonObject>(row.erp_values),
    version: Number(row.version),
    updatedAt: row.updated_at,
  };
}

/** Snapshots over SQL, written only by compare-and-set on `version`. */
export class SqlSnapshotRepository implements SnapshotRepository {
  readonly #ctx: SqlContext;
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async get(linkId: string): Promise<Snapshot | undefined> {
    const row = await this.#ctx.run((db) =>
      db.selectFrom('snapshots').selectAll().where('link_id', '=', linkId).executeTakeFirst(),
    );
    return row && toSnapshot(row);
  }

  async getMany(linkIds: readonly string[]): Promise<Map<string, Snapshot>> {
    const found = new Map<string, Snapshot>();
    for (const ids of chunks([...new Set(linkIds)])) {
      const rows = await this.#ctx.run((db) =>
        db.selectFrom('snapshots').selectAll().where('link_id', 'in', ids).execute(),
      );
      for (const row of rows) found.set(row.link_id, toSnapshot(row));
    }
    return found;
  }

  async compareAndSet(linkId: string, expectedVersion: number, next: SnapshotValues): Promise<number> {
    const values = {
      crm_values: JSON.stringify(next.crm),
      erp_values: JSON.stringify(next.erp),
      updated_at: this.#ctx.now(),
    };
    const won = await this.#ctx.write(async (db) => {
      if (expectedVersion === 0) {
        const inserted = await db
          .insertInto('snapshots')
          .values({ link_id: linkId, version: 1, ...values })
          .onConflict((oc) => oc.column('link_id').doNothing())
          .returning('version')
          .executeTakeFirst();
        return inserted !== undefined;
      }
      // The version check is in the WHERE clause: PostgreSQL re-evaluates it after
      // waiting for a concurrent writer's row lock, so exactly one writer matches.
      const updated = await db
        .updateTable('snapshots')
        .set((eb) => ({ ...values, version: eb('version', '+', 1) }))
        .where('link_id', '=', linkId)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return updated.numUpdatedRows > 0n;
    });
    if (!won) {
      throw new VersionConflictError(`snapshot of link ${linkId} is no longer at version ${expectedVersion}`, {
        linkId,
        expectedVersion,
      });
    }
    return expectedVersion + 1;
  }
}
