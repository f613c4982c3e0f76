import { Kysely, type Dialect } from 'kysely';
import { StoreError } from '../../errors.ts';
import type { StoreKind } from '../store.ts';
import { translateStoreError } from './errors.ts';
import { migrateSchema } from './migrate.ts';
import { openPostgresDialect } from './postgres-dialect.ts';
import { grantRuntimeRole } from './runtime-grants.ts';
import { openSqliteDialect } from './sqlite-dialect.ts';
import { parseStoreUrl } from './store-url.ts';

/** Options of {@link migrateStore}. */
export interface MigrateStoreOptions {
  /** Store URL of a role that may change the schema (its owner): `postgres://...` or a SQLite path. */
  url: string;
  /** PostgreSQL schema; overrides `?schema=` in the URL. Default: the server's search_path. */
  schema?: string;
  /** PostgreSQL: the runtime role to grant what frontback needs (and no more) after migrating. */
  runtimeRole?: string;
}

/** What {@link migrateStore} did. */
export interface MigrateStoreResult {
  kind: StoreKind;
  /** Migrations applied now, in order (empty when the schema was up to date). */
  applied: string[];
  /** The role granted the runtime privileges, when one was given. */
  granted?: string;
}

/**
 * `frontback migrate`: brings the schema up to date with an owner's connection and, on
 * PostgreSQL, grants the runtime role its privileges (src/store/sql/runtime-grants.ts), in
 * one transaction after the migrations, so a runtime never sees new tables it may not use.
 */
export async function migrateStore(options: MigrateStoreOptions): Promise<MigrateStoreResult> {
  const location = parseStoreUrl(options.url);
  if (options.runtimeRole !== undefined && location.kind !== 'postgres') {
    throw new StoreError('a runtime role applies to PostgreSQL only (SQLite has no roles)');
  }
  let dialect: Dialect;
  try {
    dialect =
      location.kind === 'sqlite'
        ? openSqliteDialect({ path: location.path, busyTimeoutMs: 5000, synchronous: 'full' }).dialect
        : await openPostgresDialect({
            url: location.url,
            schema: options.schema ?? location.schema,
            poolSize: 1,
            onPoolError: () => {},
          });
  } catch (err) {
    throw translateStoreError(err);
  }
  const db = new Kysely<unknown>({ dialect });
  try {
    const applied = await migrateSchema(db, location.kind);
    const role = options.runtimeRole;
    if (role === undefined) return { kind: location.kind, applied };
    await db.transaction().execute((tx) => grantRuntimeRole(tx, role));
    return { kind: location.kind, applied, granted: role };
  } catch (err) {
    throw translateStoreError(err);
  } finally {
    await db.destroy();
  }
}
