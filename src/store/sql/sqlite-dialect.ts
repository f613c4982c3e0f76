import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { AUDIT_ROW_COLUMNS, COLUMN_FIELDS } from '../audit/stored-row.ts';
import type { AuditLogTable } from './database.ts';
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Dialect, type Driver } from 'kysely';

/** Options for opening a SQLite database. */
export interface SqliteOpenOptions {
  /** File path, or `:memory:`. */
  path: string;
  /** How long a writer waits for another writer's lock, in milliseconds. */
  busyTimeoutMs: number;
  /** `full` syncs the WAL at every commit (survives power loss); `normal` only at checkpoints. */
  synchronous: 'full' | 'normal';
  /**
   * Largest database in pages (`PRAGMA max_page_count`, per connection; never below the
   * current size): writes that need more fail with SQLITE_FULL, as on a full disk.
   */
  maxPageCount?: number;
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
}

/**
 * Kysely's driver, except that transactions start with `BEGIN IMMEDIATE`: the
 * write lock is taken up front, so two writers (other stores, other processes)
 * queue instead of failing with SQLITE_BUSY halfway through, and the audit
 * head read inside the transaction is the current one.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #raw: BetterSqlite3.Database;
  readonly #busyTimeoutMs: number;

  constructor(raw: BetterSqlite3.Database, busyTimeoutMs: number) {
    super({ database: raw });
    this.#raw = raw;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  /**
   * SQLite ends the transaction itself on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM:
   * https://sqlite.org/lang_transaction.html#response_to_errors_within_a_transaction). A ROLLBACK
   * after that fails with "cannot rollback - no transaction is active", and Kysely would throw
   * that instead of the error that mattered: there is nothing left to roll back.
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.#raw.inTransaction) return;
    try {
      await super.rollbackTransaction(connection);
    } catch (err) {
      // Ended meanwhile all the same: the caller's error is the one to see.
      if (this.#raw.inTransaction) throw err;
    }
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const deadline = Date.now() + this.#busyTimeoutMs;
    let waitMs = 1;
    // better-sqlite3 is synchronous: its busy handler would freeze the event loop,
    // and with it any other store in this process that holds the lock. Poll instead.
    this.#raw.pragma('busy_timeout = 0');
    try {
      for (;;) {
        try {
          await connection.executeQuery(CompiledQuery.raw('begin immediate'));
          return;
        } catch (err) {
          if (!isBusy(err) || Date.now() >= deadline) throw err;
        }
        await sleep(waitMs * (0.5 + Math.random()));
        waitMs = Math.min(waitMs * 2, 25);
      }
    } finally {
      this.#raw.pragma(`busy_timeout = ${this.#busyTimeoutMs}`);
    }
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #raw: BetterSqlite3.Database;
  readonly #busyTimeoutMs: number;

  constructor(raw: BetterSqlite3.Database, busyTimeoutMs: number) {
    super({ database: raw });
    this.#raw = raw;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#raw, this.#busyTimeoutMs);
  }
}

/**
 * The audit log's hot paths straight on better-sqlite3: going through Kysely's
 * query compilation and row objects costs more than hashing the entries does.
 * Both are synchronous, so they run inside whatever transaction is open on the
 * connection (the append's BEGIN IMMEDIATE) and hold no statement across awaits.
 */
export interface SqliteAuditAccess {
  /** Up to `limit` rows after `after`, as arrays in AUDIT_ROW_COLUMNS order. */
  readPage(after: number, limit: number): unknown[][];
  /**
   * Up to `limit` rows after `after` as `[seq, at, prev_hash, hash, canonical, agrees]`,
   * where `agrees` is 1 when SQLite found every indexed column equal to the field it
   * indexes in the canonical text (SQLite parses the JSON once per row and caches it).
   */
  readVerifyPage(after: number, limit: number): unknown[][];
  /** Inserts rows (all AUDIT_ROW_COLUMNS) with one prepared statement. */
  insert(rows: readonly AuditLogTable[]): void;
}

/** Opens (creating the folder and file when needed) and configures a SQLite database. */
export function openSqliteDialect(options: SqliteOpenOptions): { dialect: Dialect; auditAccess: SqliteAuditAccess } {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const raw = new BetterSqlite3(options.path, { timeout: options.busyTimeoutMs });
  if (options.path !== ':memory:') raw.pragma('journal_mode = WAL');
  raw.pragma(`synchronous = ${options.synchronous.toUpperCase()}`);
  raw.pragma('foreign_keys = ON');
  // REPLACE fires delete triggers only with this on (https://sqlite.org/lang_conflict.html):
  // then the audit log's DELETE trigger refuses a REPLACE on this connection too, besides
  // the insert trigger of migration 0008 that holds on every connection.
  raw.pragma('recursive_triggers = ON');
  if (options.maxPageCount !== undefined) raw.pragma(`max_page_count = ${Math.trunc(options.maxPageCount)}`);
  // Prepared on first use: the table exists only once migrations have run.
  let page: BetterSqlite3.Statement | undefined;
  let verifyPage: BetterSqlite3.Statement | undefined;
  let insert: BetterSqlite3.Statement | undefined;
  const agrees = COLUMN_FIELDS.map(([column, field]) => `(canonical ->> '$.${field}') is ${column}`).join(' and ');
  const columns = AUDIT_ROW_COLUMNS.join(', ');
  const auditAccess: SqliteAuditAccess = {
    readPage(after, limit) {
      page ??= raw.prepare(`select ${columns} from audit_log where seq > ? order by seq limit ?`).raw(true);
      return page.all(after, limit) as unknown[][];
    },
    readVerifyPage(after, limit) {
      // json_valid guards ->> from raising on text that is not JSON (such rows are judged in JS).
      verifyPage ??= raw
        .prepare(
          `select seq, at, prev_hash, hash, canonical, case when json_valid(canonical) then (${agrees}) else 0 end ` +
            'from audit_log where seq > ? order by seq limit ?',
        )
        .raw(true);
      return verifyPage.all(after, limit) as unknown[][];
    },
    insert(rows) {
      insert ??= raw.prepare(
        `insert into audit_log (${columns}) values (${AUDIT_ROW_COLUMNS.map((c) => `@${c}`).join(', ')})`,
      );
      for (const row of rows) insert.run(row);
    },
  };
  return { dialect: new ImmediateSqliteDialect(raw, options.busyTimeoutMs), auditAccess };
}
