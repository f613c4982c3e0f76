import type { JsonObject } from './json.ts';
import type { Side } from './link-repository.ts';

/** One record's plan from a dry run, as stored. */
export interface StoredPlan {
  /** The dry run that made it (a run id from RunRepository.start). */
  runId: string;
  /** Position in the run, 1-based, without gaps: the order the plans were added in. */
  seq: number;
  /** The side the planned record lives on. */
  side: Side;
  /** The planned record's id on {@link StoredPlan.side}. */
  recordId: string;
  /** Its partner's id on the other side, when it has one (linked or matched); else null. */
  partnerId: string | null;
  /** What the plan would do: `create`, `sync`, `skip`, `archive`, ... (the engine's words, not checked here). */
  action: string;
  /** Why: the rule that decided (`newest`, `echo`, `unchanged`, ...). */
  reason: string;
  /** The plan itself (patches, decisions), as the engine serialised it. */
  plan: JsonObject;
}

/** What storing one plan needs; the run and seq come from {@link PlanRepository.addMany}. */
export interface StoredPlanInput {
  /** See {@link StoredPlan.side}. */
  side: Side;
  /** See {@link StoredPlan.recordId}. */
  recordId: string;
  /** See {@link StoredPlan.partnerId}; default null. */
  partnerId?: string | null;
  /** See {@link StoredPlan.action}. */
  action: string;
  /** See {@link StoredPlan.reason}. */
  reason: string;
  /** See {@link StoredPlan.plan}. */
  plan: JsonObject;
}

/** Options of {@link PlanRepository.list}. */
export interface PlanListOptions {
  /** Only plans with a seq above this one (keyset paging: the last seq of the previous page); default 0. */
  afterSeq?: number;
  /** Maximum plans, a positive integer; default 100, at most 1000 (larger values read 1000). */
  limit?: number;
  /** Only plans with this action. */
  action?: string;
}

/**
 * The plans of dry runs (`frontback plan`, `sync --dry-run`), kept so a person can page
 * through what a run would do. They go with their run (on delete cascade) or by
 * {@link PlanRepository.prune}.
 */
export interface PlanRepository {
  /**
   * Appends one page of a run's plans, in order; seq continues from the run's last (1-based).
   * Atomic: all of the page or none. The run must exist (StoreError otherwise).
   */
  addMany(runId: string, plans: readonly StoredPlanInput[]): Promise<void>;
  /**
   * A page of a run's plans in seq order: seq > afterSeq (default 0), at most limit (default 100,
   * at most 1000), optionally only one action. A bad afterSeq or limit is a VALIDATION_FAILED error.
   */
  list(runId: string, options?: PlanListOptions): Promise<StoredPlan[]>;
  /** Counts of a run's plans by action (actions without plans are absent). */
  counts(runId: string): Promise<Record<string, number>>;
  /**
   * Bounded retention: deletes the plans of all but the newest `keepRuns` runs (by run start) of
   * `mappingId` that have plans; answers how many plan rows went. Runs themselves stay. Ties in
   * start time are broken by run id. `keepRuns` is a non-negative integer (0 deletes them all).
   */
  prune(mappingId: string, keepRuns: number): Promise<number>;
}
