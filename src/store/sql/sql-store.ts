import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Store, StoreKind, StoreRepositories } from '../store.ts';
import { SqlAuditRepository } from './audit.ts';
import { SqlConflictRepository } from './conflicts.ts';
import { SqlContext } from './context.ts';
import { SqlCursorRepository } from './cursors.ts';
import type { Database } from './database.ts';
import { SqlDeadLetterRepository } from './dead-letters.ts';
import { translateStoreError } from './errors.ts';
import { SqlHoldRepository } from './holds.ts';
import { SqlInboxRepository } from './inbox.ts';
import { SqlLeaseRepository } from './leases.ts';
import { SqlLinkRepository } from './links.ts';
import { SqlMatchIndexRepository } from './match-index.ts';
import { SqlMatchRepository } from './matches.ts';
import { SqlPlanRepository } from './plans.ts';
import { SqlProblemRepository } from './problems.ts';
import { SqlRunRepository } from './runs.ts';
import { SqlSnapshotRepository } from './snapshots.ts';
import type { SqliteAuditAccess } from './sqlite-dialect.ts';

/** What the write probe writes: larger than a SQLite page (4 KiB), so it needs free pages as real writes do. */
const PROBE_HOLDER = 'write-probe:'.padEnd(8_192, '.');

function repositories(ctx: SqlContext): StoreRepositories {
  return {
    cursors: new SqlCursorRepository(ctx),
    links: new SqlLinkRepository(ctx),
    snapshots: new SqlSnapshotRepository(ctx),
    inbox: new SqlInboxRepository(ctx),
    conflicts: new SqlConflictRepository(ctx),
    deadLetters: new SqlDeadLetterRepository(ctx),
    runs: new SqlRunRepository(ctx),
    plans: new SqlPlanRepository(ctx),
    audit: new SqlAuditRepository(ctx),
    leases: new SqlLeaseRepository(ctx),
    matchIndex: new SqlMatchIndexRepository(ctx),
    matches: new SqlMatchRepository(ctx),
    holds: new SqlHoldRepository(ctx),
    problems: new SqlProblemRepository(ctx),
  };
}

/** The Store over Kysely (SQLite or PostgreSQL). Built by `createStore`. */
export class SqlStore implements Store {
  readonly kind: StoreKind;
  readonly cursors: StoreRepositories['cursors'];
  readonly links: StoreRepositories['links'];
  readonly snapshots: StoreRepositories['snapshots'];
  readonly inbox: StoreRepositories['inbox'];
  readonly conflicts: StoreRepositories['conflicts'];
  readonly deadLetters: StoreRepositories['deadLetters'];
  readonly runs: StoreRepositories['runs'];
  readonly plans: StoreRepositories['plans'];
  readonly audit: StoreRepositories['audit'];
  readonly leases: StoreRepositories['leases'];
  readonly matchIndex: StoreRepositories['matchIndex'];
  readonly matches: StoreRepositories['matches'];
  readonly holds: StoreRepositories['holds'];
  readonly problems: StoreRepositories['problems'];
  readonly #db: Kysely<Database>;
  readonly #clock: () => Date;
  readonly #auditAccess: SqliteAuditAccess | undefined;

  constructor(db: Kysely<Database>, kind: StoreKind, clock: () => Date, auditAccess?: SqliteAuditAccess) {
    this.#db = db;
    this.kind = kind;
    this.#clock = clock;
    this.#auditAccess = auditAccess;
    const repos = repositories(new SqlContext(db, kind, false, clock, auditAccess));
    this.cursors = repos.cursors;
    this.links = repos.links;
    this.snapshots = repos.snapshots;
    this.inbox = repos.inbox;
    this.conflicts = repos.conflicts;
    this.deadLetters = repos.deadLetters;
    this.runs = repos.runs;
    this.plans = repos.plans;
    this.audit = repos.audit;
    this.leases = repos.leases;
    this.matchIndex = repos.matchIndex;
    this.matches = repos.matches;
    this.holds = repos.holds;
    this.problems = repos.problems;
  }

  async transaction<T>(work: (tx: StoreRepositories) => Promise<T>): Promise<T> {
    let workFailed = false;
    try {
      return await this.#db.transaction().execute(async (trx) => {
        try {
          return await work(repositories(new SqlContext(trx, this.kind, true, this.#clock, this.#auditAccess)));
        } catch (err) {
          workFailed = true;
          throw err;
        }
      });
    } catch (err) {
      // The caller's own errors come back unchanged; begin/commit failures are translated.
      throw workFailed ? err : translateStoreError(err);
    }
  }

  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.#db);
      return true;
    } catch {
      return false;
    }
  }

  async probeWrite(): Promise<void> {
    // In table leases, under a name nothing else uses; the row is gone again at commit.
    const name = `write-probe:${randomUUID()}`;
    try {
      await this.#db.transaction().execute(async (trx) => {
        await trx
          .insertInto('leases')
          .values({ name, holder: PROBE_HOLDER, expires_at: this.#clock().toISOString() })
          .execute();
        await trx.deleteFrom('leases').where('name', '=', name).execute();
      });
    } catch (err) {
      throw translateStoreError(err);
    }
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }
}
