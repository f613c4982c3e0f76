/**
 * The two Store backends the contract suites run over, each with a raw
 * connection for what the Store deliberately cannot do (dropping triggers,
 * tampering with rows).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Dialect } from 'kysely';
import pg from 'pg';
import { createStore, type CreateStoreOptions } from '../../../src/store/sql/create-store.ts';
import { migrateSchema } from '../../../src/store/sql/migrate.ts';
import { openPostgresDialect } from '../../../src/store/sql/postgres-dialect.ts';
import { openSqliteDialect } from '../../../src/store/sql/sqlite-dialect.ts';
import type { Store } from '../../../src/store/store.ts';
import { havePostgres, POSTGRES_URL } from '../../support/env.ts';

/** A raw connection to the same database, for tampering. */
export interface RawDb {
  exec(sql: string): Promise<void>;
  /** Rows of one statement, as the driver returns them. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** One fresh, empty database. */
export interface TestDb {
  /** Opens a Store on this database (call again for a second, independent instance). */
  open(options?: Omit<CreateStoreOptions, 'url' | 'schema'>): Promise<Store>;
  /** A raw connection on it. */
  raw(): Promise<RawDb>;
  /**
   * Brings the empty database to an older schema, the way `createStore` migrates (same
   * dialect, same migrations), stopping after migration `name`. The next `open` migrates on.
   */
  migrateTo(name: string): Promise<void>;
  /** SQL that drops the audit triggers. */
  dropTriggersSql: string;
  /** Removes the database (file or schema) after closing every store opened here. */
  dispose(): Promise<void>;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  available: boolean;
  fresh(): Promise<TestDb>;
}

let counter = 0;

async function migrateWith(dialect: Dialect, kind: Backend['name'], name: string): Promise<void> {
  const db = new Kysely<unknown>({ dialect });
  try {
    await migrateSchema(db, kind, name);
  } finally {
    await db.destroy();
  }
}

function sqliteBackend(): Backend {
  return {
    name: 'sqlite',
    available: true,
    fresh(): Promise<TestDb> {
      const dir = mkdtempSync(join(tmpdir(), 'frontback-store-'));
      const path = join(dir, 'store.db');
      const stores: Store[] = [];
      return Promise.resolve({
        async open(options = {}) {
          const store = await createStore({ ...options, url: `sqlite:${path}` });
          stores.push(store);
          return store;
        },
        raw() {
          const db = new BetterSqlite3(path);
          db.pragma('busy_timeout = 5000');
          return Promise.resolve({
            exec: async (sql: string) => void db.exec(sql),
            query: async (sql: string) => db.prepare(sql).all() as Record<string, unknown>[],
            close: () => Promise.resolve(void db.close()),
          });
        },
        migrateTo: (name) =>
          migrateWith(openSqliteDialect({ path, busyTimeoutMs: 5000, synchronous: 'full' }).dialect, 'sqlite', name),
        dropTriggersSql:
          'drop trigger audit_log_no_update; drop trigger audit_log_no_delete; drop trigger audit_log_no_rewrite;',
        async dispose() {
          await Promise.all(stores.map((s) => s.close()));
          rmSync(dir, { recursive: true, force: true });
        },
      });
    },
  };
}

function postgresBackend(available: boolean): Backend {
  return {
    name: 'postgres',
    available,
    fresh(): Promise<TestDb> {
      counter += 1;
      const schema = `fb_test_${process.pid}_${Date.now().toString(36)}_${counter}`;
      const stores: Store[] = [];
      const clientFor = async (): Promise<pg.Client> => {
        const client = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
        await client.connect();
        return client;
      };
      return Promise.resolve({
        async open(options = {}) {
          const store = await createStore({ ...options, url: POSTGRES_URL, schema });
          stores.push(store);
          return store;
        },
        async raw() {
          const client = await clientFor();
          return {
            exec: async (sql: string) => void (await client.query(sql)),
            query: async (sql: string) => (await client.query(sql)).rows as Record<string, unknown>[],
            close: () => client.end(),
          };
        },
        async migrateTo(name) {
          const dialect = await openPostgresDialect({ url: POSTGRES_URL, schema, poolSize: 1, onPoolError: () => {} });
          await migrateWith(dialect, 'postgres', name);
        },
        dropTriggersSql:
          'drop trigger audit_log_no_change on audit_log; drop trigger audit_log_no_truncate on audit_log; ' +
          'drop trigger audit_log_no_backfill on audit_log;',
        async dispose() {
          await Promise.all(stores.map((s) => s.close()));
          const client = new pg.Client({ connectionString: POSTGRES_URL });
          await client.connect();
          await client.query(`drop schema if exists ${schema} cascade`);
          await client.end();
        },
      });
    },
  };
}

/** SQLite always; PostgreSQL when it answers (under CI=true its absence fails the run). */
export async function backends(): Promise<Backend[]> {
  return [sqliteBackend(), postgresBackend(await havePostgres())];
}

/** A clock that moves one second per reading, from 2026-01-01: rows get distinct, ordered times. */
export function tickingClock(): () => Date {
  let tick = Date.parse('2026-01-01T00:00:00.000Z');
  return () => new Date((tick += 1000));
}
