import type { Kysely } from 'kysely';
import type { StoreKind } from '../store.ts';
import type { Database } from './database.ts';
import type { SqliteAuditAccess } from './sqlite-dialect.ts';
import { translateStoreError } from './errors.ts';

/**
 * What every repository runs its queries through: the database (or the open
 * transaction), and the rules for when a write needs a transaction of its own.
 */
export class SqlContext {
  /** The database or the open transaction. */
  readonly db: Kysely<Database>;
  /** Which database is underneath. */
  readonly kind: StoreKind;
  /** True inside `store.transaction`. */
  readonly inTransaction: boolean;
  /** SQLite only: the driver-level audit page reader that verification uses. */
  readonly auditAccess: SqliteAuditAccess | undefined;
  readonly #clock: () => Date;

  constructor(
    db: Kysely<Database>,
    kind: StoreKind,
    inTransaction: boolean,
    clock: () => Date,
    auditAccess?: SqliteAuditAccess,
  ) {
    this.db = db;
    this.kind = kind;
    this.inTransaction = inTransaction;
    this.#clock = clock;
    this.auditAccess = auditAccess;
  }

  /** The current time as ISO 8601 UTC text. */
  now(): string {
    return this.#clock().toISOString();
  }

  /** Runs reads (or one autocommit statement on PostgreSQL); driver errors are translated. */
  async run<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    try {
      return await work(this.db);
    } catch (err) {
      throw translateStoreError(err);
    }
  }

  /**
   * Runs one write. On SQLite it gets its own `BEGIN IMMEDIATE` transaction when
   * none is open: the lock is then waited for asynchronously, instead of blocking
   * the event loop in SQLite's busy handler while another store in this process
   * holds it.
   */
  write<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.kind === 'sqlite' ? this.atomic(work) : this.run(work);
  }

  /** Runs several statements atomically: inside the open transaction, or a new one. */
  async atomic<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    if (this.inTransaction) return this.run(work);
    try {
      return await this.db.transaction().execute(work);
    } catch (err) {
      throw translateStoreError(err);
    }
  }
}

/** Parses JSON text written by the store itself. */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}
