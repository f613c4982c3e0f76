/**
 * The Store port: everything the engine keeps in SQL (ARCHITECTURE "store/").
 * It exposes no Kysely, SQL or driver type, so the sync engine can be tested
 * against any implementation and the adapters can change underneath.
 */
import type { AuditRepository } from './audit-repository.ts';
import type { ConflictRepository } from './conflict-repository.ts';
import type { CursorRepository } from './cursor-repository.ts';
import type { DeadLetterRepository } from './dead-letter-repository.ts';
import type { HoldRepository } from './hold-repository.ts';
import type { InboxRepository } from './inbox-repository.ts';
import type { LeaseRepository } from './lease-repository.ts';
import type { LinkRepository } from './link-repository.ts';
import type { MatchIndexRepository } from './match-index-repository.ts';
import type { MatchRepository } from './match-repository.ts';
import type { PlanRepository } from './plan-repository.ts';
import type { ProblemRepository } from './problem-repository.ts';
import type { RunRepository } from './run-repository.ts';
import type { SnapshotRepository } from './snapshot-repository.ts';

export type * from './audit-repository.ts';
export type * from './conflict-repository.ts';
export type * from './cursor-repository.ts';
export type * from './dead-letter-repository.ts';
export type * from './hold-repository.ts';
export type * from './inbox-repository.ts';
export type * from './json.ts';
export type * from './lease-repository.ts';
export type * from './link-repository.ts';
export type * from './match-index-repository.ts';
export type * from './match-repository.ts';
export type * from './plan-repository.ts';
export type * from './problem-repository.ts';
export type * from './run-repository.ts';
export type * from './snapshot-repository.ts';

/** The repositories, available on the store and inside a transaction. */
export interface StoreRepositories {
  /** Poll cursors. */
  readonly cursors: CursorRepository;
  /** Record links per mapping. */
  readonly links: LinkRepository;
  /** Last-synced snapshots with compare-and-set. */
  readonly snapshots: SnapshotRepository;
  /** The webhook inbox. */
  readonly inbox: InboxRepository;
  /** Parked conflicts. */
  readonly conflicts: ConflictRepository;
  /** Dead letters. */
  readonly deadLetters: DeadLetterRepository;
  /** Sync runs. */
  readonly runs: RunRepository;
  /** Stored plans of dry runs, per run, with bounded retention. */
  readonly plans: PlanRepository;
  /** The hash-chained audit log. */
  readonly audit: AuditRepository;
  /** Leases that keep processes apart (one scheduler, one pass per mapping). */
  readonly leases: LeaseRepository;
  /** The key index of identity matching: one side's normalised match keys per mapping and rules. */
  readonly matchIndex: MatchIndexRepository;
  /** Matches that wait for a person (ambiguous, or not to be created automatically). */
  readonly matches: MatchRepository;
  /** Mappings held by their create guard until a person accepts. */
  readonly holds: HoldRepository;
  /** Fields left out of a write, per record, until a later sync writes them. */
  readonly problems: ProblemRepository;
}

/** Which database is underneath (for logs and `/readyz`, not for branching in the engine). */
export type StoreKind = 'sqlite' | 'postgres';

/** The SQL store. Create one with `createStore` (src/store/sql/create-store.ts). */
export interface Store extends StoreRepositories {
  /** See {@link StoreKind}. */
  readonly kind: StoreKind;
  /**
   * Runs `work` as one unit: everything written through `tx` commits together or
   * not at all (a throw rolls back and rethrows). Use it to write links,
   * snapshots, audit entries, dead letters and a cursor for one page at once.
   * Do not use the outer store's repositories inside `work`.
   */
  transaction<T>(work: (tx: StoreRepositories) => Promise<T>): Promise<T>;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  /**
   * Resolves when the store can write: a row larger than a page written and removed again
   * in one transaction, so it needs free space as a real write does and leaves nothing
   * behind. Rejects with the store's error otherwise (a full disk says `disk full`).
   * What `/readyz` asks of a process that takes webhooks.
   */
  probeWrite(): Promise<void>;
  /** Closes connections. The store must not be used afterwards. */
  close(): Promise<void>;
}
