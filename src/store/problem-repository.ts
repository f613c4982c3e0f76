/**
 * Problems an admin can list: a field a pass left out of a write (a lookup found nothing,
 * a transform refused the value), kept per record until a later sync writes that field
 * for that record, or the record is deleted or unlinked (docs/problems.md).
 */
import type { Side } from './link-repository.ts';

/** A field left out of a write to `target` of the record `recordId` read on `side`. */
export interface ProblemInput {
  /** The field rule's name in the mapping. */
  readonly field: string;
  /** The side the field was to be written to. */
  readonly target: Side;
  /** Why it was left out (the mapping's words: `lookup ...: nothing found for 5`, `not a country: "Narnia"`). */
  readonly reason: string;
}

/** What one synced record brings: the fields left out now, and the fields written (which settle their problems). */
export interface ProblemOutcome {
  /** The record's id on the side it was read on. */
  readonly recordId: string;
  /** Fields left out by this sync. */
  readonly open: readonly ProblemInput[];
  /** Fields written by this sync, per target (`'*'`: every field, a create): their problems are settled. */
  readonly written: Readonly<Partial<Record<Side, readonly string[] | '*'>>>;
}

/** A stored problem. */
export interface Problem {
  /** Store-assigned id (UUID), for paging. */
  id: string;
  mappingId: string;
  /** The side the record was read on. */
  side: Side;
  /** Its id there. */
  recordId: string;
  /** See {@link ProblemInput}. */
  target: Side;
  field: string;
  reason: string;
  /** When a pass first left the field out (ISO 8601). */
  firstSeen: string;
  /** When a pass last left it out. */
  lastSeen: string;
  /** The run that last left it out. */
  runId: string;
}

/** Options of {@link ProblemRepository.list}. */
export interface ProblemListOptions {
  mappingId?: string;
  /** The field rule's name. */
  field?: string;
  /** Page on after this problem's id (in the listing's order). */
  afterId?: string;
  /** At most this many; default 100, at most 1,000. */
  limit?: number;
}

/** How many open problems of a mapping share a field and a reason. */
export interface ProblemCount {
  mappingId: string;
  field: string;
  reason: string;
  count: number;
}

/** Problems per record (table `field_problems`). */
export interface ProblemRepository {
  /**
   * Records the outcomes of records of `mappingId` read on `side` and synced by run `runId`:
   * upserts each open problem (its first seen kept), and deletes the problems of the fields
   * written now that are not open again.
   */
  record(mappingId: string, side: Side, runId: string, outcomes: readonly ProblemOutcome[]): Promise<void>;
  /** Deletes every problem of these records (deleted, archived or unlinked). */
  clearRecords(mappingId: string, side: Side, recordIds: readonly string[]): Promise<void>;
  /** Open problems, oldest first seen first (then by mapping, side, record, target, field). */
  list(options?: ProblemListOptions): Promise<Problem[]>;
  /** Counts per mapping, field and reason (the most first), of one mapping or all. */
  counts(mappingId?: string): Promise<ProblemCount[]>;
  /** Open problems per mapping (for a gauge). */
  countByMapping(): Promise<Array<{ mappingId: string; count: number }>>;
}
