import type { JsonValue } from './json.ts';
import type { Side } from './link-repository.ts';

/** `open` until replayed successfully or discarded by an admin. */
export type DeadLetterStatus = 'open' | 'replayed' | 'discarded';

/** A record the target rejected, with the target's own message (ARCHITECTURE invariant 7). */
export interface DeadLetter {
  /** Store-assigned id (UUID). */
  id: string;
  /** Mapping id. */
  mappingId: string;
  /** Target connection (e.g. `odoo`). */
  connection: string;
  /**
   * The side the source record lives on: with {@link DeadLetter.mappingId} it says
   * which record {@link DeadLetter.recordId} is (CRM contact 31 is not ERP partner 31).
   */
  side: Side;
  /** The source record's id on {@link DeadLetter.side} (the record whose change could not be written). */
  recordId: string;
  /** What was being written (the patch or the job data needed to replay it). */
  payload: JsonValue;
  /** The target's error message, verbatim. */
  message: string;
  /** How many attempts were made. */
  attempts: number;
  /** See {@link DeadLetterStatus}. */
  status: DeadLetterStatus;
  /** When it was dead-lettered (ISO 8601). */
  createdAt: string;
  /** When it last changed (ISO 8601). */
  updatedAt: string;
}

/** What dead-lettering a record needs. */
export interface DeadLetterInput {
  /** See {@link DeadLetter.mappingId}. */
  mappingId: string;
  /** See {@link DeadLetter.connection}. */
  connection: string;
  /** See {@link DeadLetter.side}. */
  side: Side;
  /** See {@link DeadLetter.recordId}. */
  recordId: string;
  /** See {@link DeadLetter.payload}. */
  payload: JsonValue;
  /** See {@link DeadLetter.message}. */
  message: string;
  /** See {@link DeadLetter.attempts}. */
  attempts: number;
}

/** Filters for {@link DeadLetterRepository.list}. */
export interface DeadLetterListOptions {
  /** Only this status. */
  status?: DeadLetterStatus;
  /** Only this mapping. */
  mappingId?: string;
  /** Only dead letters of source records on this side (with `mappingId` and `recordIds`: exactly those records). */
  side?: Side;
  /** Only dead letters of these source record ids; an empty list matches none. Any length (read 500 at a time). */
  recordIds?: readonly string[];
  /** Maximum rows; default 1000. */
  limit?: number;
}

/** Dead letters. */
export interface DeadLetterRepository {
  /** Adds a dead letter. */
  add(input: DeadLetterInput): Promise<DeadLetter>;
  /** The dead letter, or undefined. */
  get(id: string): Promise<DeadLetter | undefined>;
  /** Dead letters, oldest first. */
  list(options?: DeadLetterListOptions): Promise<DeadLetter[]>;
  /** Counts one more failed attempt with the target's new message. */
  recordAttempt(id: string, message: string): Promise<void>;
  /** Sets the status (after a replay or a discard). */
  setStatus(id: string, status: DeadLetterStatus): Promise<void>;
  /** Open dead letters per mapping id (for /metrics). */
  countOpen(): Promise<Record<string, number>>;
}
