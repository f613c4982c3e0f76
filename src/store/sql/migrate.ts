import { Migrator, sql, type Kysely } from 'kysely';
import { StoreError } from '../../errors.ts';
import type { StoreKind } from '../store.ts';
import { migrationProvider } from './migrations/index.ts';

async function migrator<DB>(db: Kysely<DB>, kind: StoreKind): Promise<Migrator> {
  // Kysely's Migrator looks for its own tables in every schema it can see: with a
  // second frontback (or a test) in another schema of the same database it would
  // find theirs and skip creating ours. Pin it to the schema this store writes to.
  let migrationTableSchema: string | undefined;
  if (kind === 'postgres') {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    migrationTableSchema = rows[0]?.schema;
  }
  return new Migrator({
    db,
    provider: migrationProvider(kind),
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  });
}

/**
 * Brings the schema to `to` (a migration name from migrations/index.ts), by default
 * the latest, and answers the names it applied. Throws StoreError when one fails
 * (that migration is rolled back; earlier ones stay).
 */
export async function migrateSchema<DB>(db: Kysely<DB>, kind: StoreKind, to?: string): Promise<string[]> {
  const m = await migrator(db, kind);
  const { error, results } = to === undefined ? await m.migrateToLatest() : await m.migrateTo(to);
  if (error !== undefined) {
    throw new StoreError(`store migration failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of the migrations not applied yet (all of them on an empty schema). Only reads. */
export async function pendingMigrations<DB>(db: Kysely<DB>, kind: StoreKind): Promise<string[]> {
  const all = await (await migrator(db, kind)).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
