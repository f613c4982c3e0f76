import type { Anchor } from './audit/chain-verifier.ts';
import type { JsonObject, JsonValue } from './json.ts';

/** What was decided about a change. Free-form strings are allowed for later kinds. */
export type AuditAction =
  'applied' | 'skipped' | 'conflicted' | 'failed' | 'resolved' | 'replayed' | 'admin' | (string & {});

/** Who caused the decision. */
export type AuditActor = 'poll' | 'webhook' | 'admin' | 'replay' | 'system';

/** One field's value before and after the decision. */
export interface FieldChange {
  /** Value before (null when absent). */
  before: JsonValue;
  /** Value after (null when cleared). */
  after: JsonValue;
}

/** What a caller appends (ARCHITECTURE invariant 6). Absent ids are stored as null. */
export interface AuditEntryInput {
  /** Sync run id. */
  runId?: string | null;
  /** Queue job id. */
  jobId?: string | null;
  /** Mapping id. */
  mappingId?: string | null;
  /** Mapping version (e.g. the content hash of the mapping file). */
  mappingVersion?: string | null;
  /** CRM record id. */
  crmId?: string | null;
  /** ERP record id. */
  erpId?: string | null;
  /** See {@link AuditAction}. */
  action: AuditAction;
  /** The rule that decided (e.g. `newest`, `owner:erp`, `echo`). */
  rule?: string | null;
  /** See {@link AuditActor}. */
  actor: AuditActor;
  /** Per-field before/after, by field name; default `{}`. */
  changes?: Record<string, FieldChange>;
  /** Extra facts (an error message, a reason); default null. Never secrets. */
  details?: JsonObject | null;
}

/**
 * A stored entry. `canonical` is the exact RFC 8785 JSON text that was hashed:
 * `hash = sha256(utf8(canonical))`, and it contains every field below except
 * `hash` and `canonical` (plus a format version `v`).
 */
export interface AuditEntry {
  /** Position in the chain, 1-based, without gaps. */
  seq: number;
  /** When it was appended (ISO 8601, UTC, millisecond precision). */
  at: string;
  /** See {@link AuditEntryInput.runId}. */
  runId: string | null;
  /** See {@link AuditEntryInput.jobId}. */
  jobId: string | null;
  /** See {@link AuditEntryInput.mappingId}. */
  mappingId: string | null;
  /** See {@link AuditEntryInput.mappingVersion}. */
  mappingVersion: string | null;
  /** See {@link AuditEntryInput.crmId}. */
  crmId: string | null;
  /** See {@link AuditEntryInput.erpId}. */
  erpId: string | null;
  /** See {@link AuditAction}. */
  action: AuditAction;
  /** See {@link AuditEntryInput.rule}. */
  rule: string | null;
  /** See {@link AuditActor}. */
  actor: AuditActor;
  /** See {@link AuditEntryInput.changes}. */
  changes: Record<string, FieldChange>;
  /** See {@link AuditEntryInput.details}. */
  details: JsonObject | null;
  /** Hash of entry `seq - 1` (64 zeros for the first entry). */
  prevHash: string;
  /** SHA-256 of `canonical`, lowercase hex. */
  hash: string;
  /** The canonical JSON text that was hashed. */
  canonical: string;
}

/** The newest entry's position. */
export interface AuditHead {
  /** Its seq, which is also the number of entries in an intact log. */
  seq: number;
  /** Its hash. */
  hash: string;
}

/** The first entry that fails verification, and why. */
export interface AuditBreak {
  /** The seq of the broken entry (for a gap: the first missing seq). */
  seq: number;
  /** e.g. `hash mismatch`, `gap: expected seq 41, found 43`, `column action differs from the hashed entry`. */
  reason: string;
}

/** The answer of {@link AuditRepository.verify}. */
export type AuditVerifyResult =
  { ok: true; count: number; head: AuditHead | null } | { ok: false; count: number; firstBroken: AuditBreak };

/** Options of {@link AuditRepository.verify}. */
export interface AuditVerifyOptions {
  /** Rows read per page; default 10,000. */
  pageSize?: number;
  /**
   * Hashes that signed checkpoints hold, by seq (see src/store/audit/checkpoint.ts): an
   * entry whose hash differs is a break (`rewritten or forged`). Checked as the rows stream by.
   */
  anchors?: ReadonlyMap<number, Anchor>;
}

/** Which entries a listing returns (src/store/audit/filter.ts parses one); every given condition must hold. */
export interface AuditFilter {
  /** Any of these actions. */
  readonly actions?: readonly string[];
  /** This mapping's entries. */
  readonly mappingId?: string;
  /** Entries about this record: its id on one side, or (no side) on either. */
  readonly record?: { readonly side?: 'crm' | 'erp'; readonly id: string };
  /** Entries appended at or after this time (ISO 8601, UTC, as `at` is stored). */
  readonly from?: string;
  /** Entries appended before this time (exclusive; ISO 8601, UTC). */
  readonly to?: string;
}

/** The append-only, hash-chained audit log. */
export interface AuditRepository {
  /** Appends one entry (serialised with every other writer) and returns it. */
  append(input: AuditEntryInput): Promise<AuditEntry>;
  /** Appends entries in order under one lock and one transaction; much faster per entry. */
  appendMany(inputs: readonly AuditEntryInput[]): Promise<AuditEntry[]>;
  /**
   * Recomputes every hash from the stored canonical text, checks the chain links,
   * the seq sequence, that every column agrees with the hashed entry, that `at` never
   * goes backwards and, given `anchors`, the checkpointed hashes. Streams; `count` is
   * the number of entries found intact before the first break.
   */
  verify(options?: AuditVerifyOptions): Promise<AuditVerifyResult>;
  /** Entries appended at or after `since` (ISO 8601), oldest first, streamed in pages; only those `filter` matches. */
  since(since: string, options?: { pageSize?: number; filter?: AuditFilter }): AsyncIterable<AuditEntry>;
  /** Up to `limit` entries with seq greater than `seq`, oldest first; only those `filter` matches. */
  after(seq: number, limit?: number, filter?: AuditFilter): Promise<AuditEntry[]>;
  /** The last `n` entries (of those `filter` matches), oldest first. */
  tail(n: number, filter?: AuditFilter): Promise<AuditEntry[]>;
  /** Number of rows in the log. */
  count(): Promise<number>;
  /** The newest entry's seq and hash, or null when the log is empty. */
  head(): Promise<AuditHead | null>;
}
