import type { JsonObject } from './json.ts';

/**
 * A held mapping: a pass that would have created more records than the mapping's guard
 * allows stopped, and the mapping stays held until a person accepts (or the mapping changes).
 */
export interface Hold {
  /** The held mapping's id; one hold per mapping. */
  mappingId: string;
  /** The version (content hash) of the mapping the pass ran; a changed mapping is judged afresh. */
  mappingVersion: string;
  /** The run that stopped (a run id from RunRepository.start). */
  runId: string;
  /** Why, for a person (`would create 1,204 partners; the guard allows 50`). */
  reason: string;
  /** The figures behind it, as the engine wrote them (e.g. `{ create: 1204, allowed: 50 }`). */
  counts: JsonObject;
  /** When the mapping was held (ISO 8601). */
  heldAt: string;
  /** When a person accepted (ISO 8601), or null while held. */
  acceptedAt: string | null;
  /** Who accepted (admin user), or null while held. */
  acceptedBy: string | null;
}

/** What holding a mapping needs; the time comes from the store's clock. */
export interface HoldInput {
  /** See {@link Hold.mappingId}. */
  mappingId: string;
  /** See {@link Hold.mappingVersion}. */
  mappingVersion: string;
  /** See {@link Hold.runId}. */
  runId: string;
  /** See {@link Hold.reason}. */
  reason: string;
  /** See {@link Hold.counts}. */
  counts: JsonObject;
}

/** Held mappings: at most one hold per mapping, accepted or not. */
export interface HoldRepository {
  /**
   * Holds the mapping: writes a new, unaccepted hold with the store's time, replacing any
   * hold of the mapping (accepted or not, which is older). Answers the hold.
   */
  hold(input: HoldInput): Promise<Hold>;
  /** The current hold of the mapping (accepted or not), or undefined. */
  get(mappingId: string): Promise<Hold | undefined>;
  /** Unaccepted holds, oldest first (by heldAt, then mapping id). */
  listHeld(): Promise<Hold[]>;
  /**
   * A person accepts: sets acceptedAt (the store's time) and acceptedBy. Throws
   * FrontbackError NOT_FOUND when the mapping has no hold, CONFLICT when it is already
   * accepted (the first acceptance stays).
   */
  accept(mappingId: string, by: string): Promise<Hold>;
  /** Forgets the mapping's hold, if any (used when an accepted hold's allowance was spent). */
  clear(mappingId: string): Promise<void>;
}
