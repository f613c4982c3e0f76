import { Kysely, sql, type Dialect } from 'kysely';
import { StoreError } from '../../errors.ts';
import { safeUrl, type Logger } from '../../observability/logger.ts';
import type { Store } from '../store.ts';
import type { Database } from './database.ts';
import { translateStoreError } from './errors.ts';
import { migrateSchema, pendingMigrations } from './migrate.ts';
import { openPostgresDialect } from './postgres-dialect.ts';
import { openSqliteDialect, type SqliteAuditAccess } from './sqlite-dialect.ts';
import { SqlStore } from './sql-store.ts';
import { DEFAULT_STORE_URL, parseStoreUrl } from './store-url.ts';

/** Options of {@link createStore}. */
export interface CreateStoreOptions {
  /** Store URL: `postgres://...`, `sqlite:<path>`, `:memory:` or a path. Default `./data/frontback.db`. */
  url?: string;
  /** PostgreSQL schema (created when missing); overrides `?schema=` in the URL. Default: the server's search_path. */
  schema?: string;
  /** Logger for open/migrate lines and pool errors. */
  logger?: Logger;
  /** Clock for stored times; default `() => new Date()`. Tests pass a fixed one. */
  clock?: () => Date;
  /** SQLite: how long a writer waits for another writer, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /** SQLite: `full` (default) syncs every commit to disk; `normal` is faster but may lose the last commits on power loss. */
  synchronous?: 'full' | 'normal';
  /**
   * SQLite: the largest the database may grow, in pages (`PRAGMA max_page_count`; never below
   * its current size). Writes beyond it fail with SQLITE_FULL as on a full disk. Default: no cap.
   */
  sqliteMaxPages?: number;
  /** PostgreSQL: pool size. Default 10. */
  poolSize?: number;
}

/** Defaults in one place. */
export const STORE_DEFAULTS = {
  url: DEFAULT_STORE_URL,
  busyTimeoutMs: 5000,
  synchronous: 'full',
  poolSize: 10,
} as const;

/** Opens the store and brings its schema up to date (migrations run at open). */
export async function createStore(options: CreateStoreOptions = {}): Promise<Store> {
  const location = parseStoreUrl(options.url ?? STORE_DEFAULTS.url);
  const log = options.logger?.child({ component: 'store' });
  let db: Kysely<Database>;
  let auditAccess: SqliteAuditAccess | undefined;
  try {
    let dialect: Dialect;
    if (location.kind === 'sqlite') {
      ({ dialect, auditAccess } = openSqliteDialect({
        path: location.path,
        busyTimeoutMs: options.busyTimeoutMs ?? STORE_DEFAULTS.busyTimeoutMs,
        synchronous: options.synchronous ?? STORE_DEFAULTS.synchronous,
        ...(options.sqliteMaxPages === undefined ? {} : { maxPageCount: options.sqliteMaxPages }),
      }));
    } else {
      dialect = await openPostgresDialect({
        url: location.url,
        schema: options.schema ?? location.schema,
        poolSize: options.poolSize ?? STORE_DEFAULTS.poolSize,
        onPoolError: (err) => log?.error({ err }, 'idle PostgreSQL connection failed'),
      });
    }
    db = new Kysely<Database>({ dialect });
  } catch (err) {
    throw translateStoreError(err);
  }
  let applied: string[];
  try {
    applied = await migrateSchema(db, location.kind);
  } catch (err) {
    const refused = location.kind === 'postgres' ? await refusedMigration(db, err) : undefined;
    await db.destroy();
    throw refused ?? translateStoreError(err);
  }
  log?.info(
    { kind: location.kind, where: location.kind === 'sqlite' ? location.path : safeUrl(location.url), applied },
    'store open',
  );
  return new SqlStore(db, location.kind, options.clock ?? (() => new Date()), auditAccess);
}

/** SQLSTATE `insufficient_privilege`: permission denied, must be owner. */
const INSUFFICIENT_PRIVILEGE = '42501';

function driverCode(err: unknown): unknown {
  for (let e = err; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * When the role of `store.url` may not run the pending migrations (the least-privilege
 * layout of docs/store.md: the runtime role owns nothing), the error that says what to do.
 */
async function refusedMigration(db: Kysely<Database>, err: unknown): Promise<StoreError | undefined> {
  if (driverCode(err) !== INSUFFICIENT_PRIVILEGE) return undefined;
  let pending: string[] = [];
  let role = '?';
  try {
    pending = await pendingMigrations(db, 'postgres');
    const { rows } = await sql<{ role: string }>`select current_user as role`.execute(db);
    role = rows[0]?.role ?? role;
  } catch {
    // The role may not even read the migration table; the message below still says what to do.
  }
  const what = pending.length > 0 ? `migrations are pending (${pending.join(', ')})` : 'migrations are pending';
  return new StoreError(
    `${what} and PostgreSQL role "${role}" may not run them: run \`frontback migrate\` with an owner ` +
      '(store.migrationUrl or FRONTBACK_MIGRATION_URL), then start again',
    { cause: err, retryable: false, details: { pending, role } },
  );
}
