import type { JsonObject } from './json.ts';

/**
 * Where a sync run is. `queued`: a pass a person asked for (admin API), recorded before its
 * job runs so its id can be polled at once; the pass that takes it makes it `running`
 * ({@link RunRepository.claim}).
 * `guarded`: a pass the create guard stopped (its mapping is held until a person accepts);
 * `stopped`: a pass asked to stop (Ctrl-C, SIGTERM): what it handled stays handled, the
 * next pass goes on from the cursor.
 */
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'guarded' | 'stopped';

/** One sync run of one mapping: what started it, how long it took, what it did. */
export interface Run {
  /** Store-assigned id (UUID). */
  id: string;
  /** Mapping id. */
  mappingId: string;
  /** What started it: `poll`, `webhook`, `manual`, `replay`, ... */
  trigger: string;
  /** See {@link RunStatus}. */
  status: RunStatus;
  /** Start time (ISO 8601); for a `queued` run, when it was queued. */
  startedAt: string;
  /** End time (ISO 8601), null while running. */
  finishedAt: string | null;
  /** Counts by outcome, e.g. `{ read: 120, applied: 3, skipped: 117 }`. */
  counts: JsonObject;
  /** Durations by phase in milliseconds, e.g. `{ read: 410, push: 95 }`. */
  timings: JsonObject;
  /** Why it failed, when it did. */
  error: string | null;
  /**
   * Where a pass is, stored after each page (src/sync/progress.ts: per stream, pages,
   * records read, written, skipped, failed, rate, total and ETA where known); null before
   * its first page and for runs that are not passes. Kept as it was last when the run ends.
   */
  progress: JsonObject | null;
}

/** What finishing a run records. */
export interface RunFinish {
  /** `succeeded`, `failed`, `guarded` or `stopped`. */
  status: Exclude<RunStatus, 'running' | 'queued'>;
  /** See {@link Run.counts}. */
  counts: JsonObject;
  /** See {@link Run.timings}. */
  timings: JsonObject;
  /** See {@link Run.error}. */
  error?: string | null;
}

/** Sync runs. */
export interface RunRepository {
  /** Records the start of a run and returns it (status `running`). */
  start(mappingId: string, trigger: string): Promise<Run>;
  /**
   * Records a run asked for and not started yet (status `queued`), so its id is known, and
   * can be polled, before the job that runs it is taken.
   */
  queue(mappingId: string, trigger: string): Promise<Run>;
  /**
   * Takes a `queued` run for the pass that runs it: `running` from now (compare-and-set).
   * False when it was not queued any more (taken by another delivery of its job, or finished).
   */
  claim(id: string): Promise<boolean>;
  /**
   * Records a running run's counts so far and its progress (one small update per page), so
   * another process (the admin API in `serve`) sees a pass running in a worker. A run
   * already finished is left as it is (a late page does not reopen it).
   */
  progress(id: string, counts: JsonObject, progress: JsonObject): Promise<void>;
  /** Records the end of a run. Throws StoreError (with `details.code` NOT_FOUND) for an unknown id. */
  finish(id: string, result: RunFinish): Promise<Run>;
  /** The run, or undefined. */
  get(id: string): Promise<Run | undefined>;
  /** The newest runs first, optionally of one mapping or in one status; default limit 100. */
  list(options?: { mappingId?: string; status?: RunStatus; limit?: number }): Promise<Run[]>;
}
