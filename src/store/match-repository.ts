import type { Side } from './link-repository.ts';

/**
 * Why a record waits for a person: `ambiguous`, several candidates (or weak evidence) and
 * the engine will not guess; `waiting`, no candidate and the mapping may not create the
 * record on this side's partner system by itself (or the pass was held).
 */
export type MatchKind = 'ambiguous' | 'waiting';

/**
 * `open`: a person must decide. `resolved`: a person decided and the engine has not acted
 * yet (a `never` decision stays `resolved` for good). `closed`: the engine acted (linked,
 * created, or the record is gone); kept as history.
 */
export type MatchStatus = 'open' | 'resolved' | 'closed';

/** A record of the other side the engine found for the waiting record. */
export interface MatchCandidate {
  /** The candidate's record id on the other side. */
  id: string;
  /** The rule that found it (the engine's words, e.g. `email` or `0:email`). */
  rule: string;
  /** The normalised key both records share under that rule, when there is one. */
  key?: string;
  /** Something a person recognises the candidate by (name, email), when the engine has it. */
  label?: string;
}

/**
 * What a person decided: link the record with `partnerId` (a record id on the other side,
 * a candidate or not), create its partner, or never link or create it automatically.
 */
export type MatchDecision = { choice: 'link'; partnerId: string } | { choice: 'create' } | { choice: 'never' };

/** A record the engine will not link or create on its own, waiting for (or decided by) a person. */
export interface Match {
  /** Store-assigned id (UUID). */
  id: string;
  /** Mapping id. */
  mappingId: string;
  /** The side the waiting record lives on. */
  side: Side;
  /** The waiting record's id on {@link Match.side}. */
  recordId: string;
  /** See {@link MatchKind}. */
  kind: MatchKind;
  /** Why, for a person (`2 partners share email a@x.test`). */
  reason: string;
  /** The candidates on the other side, in the engine's order (possibly none). */
  candidates: MatchCandidate[];
  /** See {@link MatchStatus}. */
  status: MatchStatus;
  /** The person's decision, once resolved; else null. */
  decision: MatchDecision | null;
  /** Who decided (admin user), once resolved; else null. */
  decidedBy: string | null;
  /** When it was decided (ISO 8601), once resolved; else null. */
  decidedAt: string | null;
  /** When the row was created (ISO 8601). */
  createdAt: string;
  /** When its kind, reason, candidates or status last changed (ISO 8601). */
  updatedAt: string;
}

/** What {@link MatchRepository.upsertOpen} takes. */
export interface MatchInput {
  /** See {@link Match.mappingId}. */
  mappingId: string;
  /** See {@link Match.side}. */
  side: Side;
  /** See {@link Match.recordId}. */
  recordId: string;
  /** See {@link Match.kind}. */
  kind: MatchKind;
  /** See {@link Match.reason}. */
  reason: string;
  /** See {@link Match.candidates}. */
  candidates: readonly MatchCandidate[];
}

/** Filters and paging of {@link MatchRepository.list}. */
export interface MatchListOptions {
  /** Only this mapping. */
  mappingId?: string;
  /** Only records of this side. */
  side?: Side;
  /** Only this kind. */
  kind?: MatchKind;
  /** Only this status; default open and resolved (`closed` lists the history instead). */
  status?: MatchStatus;
  /**
   * Only rows after this one in (createdAt, id) order: the last id of the previous page
   * (keyset paging). An id that is no match is VALIDATION_FAILED.
   */
  afterId?: string;
  /** Maximum rows, a positive integer; default 100, at most 1000 (larger values read 1000). */
  limit?: number;
}

/**
 * Matches that wait for a person (ARCHITECTURE invariant 3: weak or ambiguous evidence goes
 * to a person, never to a guess or a create). Listed by `frontback matches` and the admin
 * API, and re-checked by every pass whatever the record's modified time. At most one row
 * per (mapping, side, record) is open or resolved; closed rows are history.
 */
export interface MatchRepository {
  /**
   * Creates the open match of (mapping, side, record), or updates the kind, reason and
   * candidates of its open one (updatedAt moves only when one of them changed). A row a
   * person already resolved is left as it is: it is answered, and the engine acts on its
   * decision. Safe under concurrent callers (one statement, `ON CONFLICT`). Answers the row.
   */
  upsertOpen(input: MatchInput): Promise<Match>;
  /**
   * {@link MatchRepository.upsertOpen} for many records at once (one page): one multi-row
   * upsert per 500, in one transaction; when a record appears twice the last input wins.
   * Answers nothing.
   */
  upsertOpenMany(inputs: readonly MatchInput[]): Promise<void>;
  /** The match with this id (any status), or undefined. */
  get(id: string): Promise<Match | undefined>;
  /**
   * Open and resolved rows (or only the status asked for, see {@link MatchListOptions}),
   * oldest first by (createdAt, id), filtered and paged. A bad limit or afterId is VALIDATION_FAILED.
   */
  list(options?: MatchListOptions): Promise<Match[]>;
  /**
   * Record ids of the open or resolved matches of (mapping, side): the records a pass
   * re-checks whatever their modified time. Oldest first, at most `limit` (a positive
   * integer, default 1000). Resolved `never` rows are left out: there is nothing left to
   * check or do for them, and they would otherwise crowd the others out of `limit` for good
   * (the engine still finds them with {@link MatchRepository.forRecords} when their record changes).
   */
  pendingRecordIds(mappingId: string, side: Side, limit?: number): Promise<string[]>;
  /**
   * The open or resolved rows of these records (including `never`), keyed by record id;
   * records without one are absent. What the engine consults before deciding them. One
   * query per 500 ids, any number.
   */
  forRecords(mappingId: string, side: Side, recordIds: readonly string[]): Promise<Map<string, Match>>;
  /**
   * A person's decision: status `resolved` with the decision, `by` and the time. Throws
   * FrontbackError NOT_FOUND for an unknown id, CONFLICT when the match is not open (decided
   * or closed), VALIDATION_FAILED for a decision of another shape (a `link` without a
   * non-empty partnerId).
   */
  resolve(id: string, decision: MatchDecision, by: string): Promise<Match>;
  /**
   * The engine acted on these records (linked, created, gone): their open and resolved rows
   * become `closed`. A resolved `never` row stays `resolved`: the record is never linked or
   * created automatically again. Any number of ids.
   */
  closeMany(mappingId: string, side: Side, recordIds: readonly string[]): Promise<void>;
  /**
   * Open matches per mapping and kind (for /metrics), sorted by mapping id, then kind;
   * pairs without an open match are absent.
   */
  countOpen(): Promise<Array<{ mappingId: string; kind: MatchKind; count: number }>>;
}
