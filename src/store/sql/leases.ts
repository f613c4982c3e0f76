import type { Lease, LeaseRepository } from '../lease-repository.ts';
import type { SqlContext } from './context.ts';

/** Leases over SQL: one upsert whose update applies only when the lease is free, expired or ours. */
export class SqlLeaseRepository implements LeaseRepository {
  readonly #ctx: SqlContext;
  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.#ctx.now();
    const expiresAt = new Date(Date.parse(now) + ttlMs).toISOString();
    const row = await this.#ctx.write((db) =>
      db
        .insertInto('leases')
        .values({ name, holder, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ holder, expires_at: expiresAt })
            // ISO 8601 UTC text of one length compares in time order.
            .where((eb) => eb.or([eb('leases.expires_at', '<', now), eb('leases.holder', '=', holder)])),
        )
        .returning('holder')
        .executeTakeFirst(),
    );
    return row?.holder === holder;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.#ctx.write((db) =>
      db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute(),
    );
  }

  async get(name: string): Promise<Lease | undefined> {
    const row = await this.#ctx.run((db) =>
      db.selectFrom('leases').selectAll().where('name', '=', name).executeTakeFirst(),
    );
    return row && { name: row.name, holder: row.holder, expiresAt: row.expires_at };
  }
}
