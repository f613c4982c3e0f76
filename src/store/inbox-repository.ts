import type { JsonValue } from './json.ts';

/** Where an inbox row is in its life. */
export type InboxStatus = 'pending' | 'processing' | 'done' | 'failed';

/** One accepted webhook delivery, written before the 2xx (ARCHITECTURE invariant 1). */
export interface InboxItem {
  /** Store-assigned id (UUID). */
  id: string;
  /** Connection the delivery came from (e.g. `hubspot`). */
  source: string;
  /** The connector-derived delivery key; unique per source. */
  deliveryKey: string;
  /** The parsed delivery. */
  payload: JsonValue;
  /** See {@link InboxStatus}. */
  status: InboxStatus;
  /** How many times processing started. */
  attempts: number;
  /** Message of the last failure, or null. */
  lastError: string | null;
  /** When it was accepted (ISO 8601). */
  receivedAt: string;
  /** When its status last changed (ISO 8601). */
  updatedAt: string;
}

/** What accepting a delivery needs. */
export interface InboxInput {
  /** See {@link InboxItem.source}. */
  source: string;
  /** See {@link InboxItem.deliveryKey}. */
  deliveryKey: string;
  /** See {@link InboxItem.payload}. */
  payload: JsonValue;
}

/** The answer to {@link InboxRepository.accept}. */
export interface InboxAcceptResult {
  /** Id of the row holding this delivery (the earlier row when it is a duplicate). */
  id: string;
  /** True when the delivery key was already in the inbox; nothing new was written. */
  duplicate: boolean;
}

/** Options for {@link InboxRepository.listOpen}. */
export interface InboxListOptions {
  /** Statuses to list; default `['pending', 'processing']` (what a reconciler re-enqueues). */
  statuses?: readonly InboxStatus[];
  /** Only rows received before this time (ISO 8601), e.g. to leave fresh rows to the queue. */
  receivedBefore?: string;
  /** Maximum rows; default 1000. */
  limit?: number;
}

/** The webhook inbox, deduplicated on (source, delivery key). */
export interface InboxRepository {
  /** Stores the delivery unless its key is already there. */
  accept(input: InboxInput): Promise<InboxAcceptResult>;
  /** The row, or undefined. */
  get(id: string): Promise<InboxItem | undefined>;
  /** Rows not yet done, oldest first. */
  listOpen(options?: InboxListOptions): Promise<InboxItem[]>;
  /** Marks the row processing and counts an attempt. */
  markProcessing(id: string): Promise<void>;
  /** Marks the row done. */
  markDone(id: string): Promise<void>;
  /** Marks the row failed with the message of what went wrong. */
  markFailed(id: string, error: string): Promise<void>;
  /** Puts the row back to pending (its pass stopped before the end), for the reconciler to take again. */
  release(id: string): Promise<void>;
  /** Rows per status that is not done (for /metrics). */
  countOpen(): Promise<Partial<Record<InboxStatus, number>>>;
  /**
   * Retention: deletes at most `limit` done rows received before `receivedBefore` (ISO
   * 8601), in one short statement, and answers how many it deleted. Rows pending,
   * processing or failed are never deleted, however old. Call it again while it answers
   * `limit` to remove more, a batch at a time, so that writers never wait long.
   */
  purgeDone(receivedBefore: string, limit: number): Promise<number>;
}
