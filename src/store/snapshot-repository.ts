import type { JsonObject } from './json.ts';

/**
 * The last-synced values of the mapped fields of both sides of a link, and a
 * version for compare-and-set (ARCHITECTURE invariants 4 and 5).
 */
export interface Snapshot {
  /** The link this snapshot belongs to. */
  linkId: string;
  /** Mapped field values on the CRM side, by canonical field name. */
  crm: JsonObject;
  /** Mapped field values on the ERP side, by canonical field name. */
  erp: JsonObject;
  /** Starts at 1 and grows by one per successful compare-and-set. 0 means "no snapshot yet". */
  version: number;
  /** When it was last written (ISO 8601). */
  updatedAt: string;
}

/** The values a compare-and-set writes. */
export interface SnapshotValues {
  /** See {@link Snapshot.crm}. */
  crm: JsonObject;
  /** See {@link Snapshot.erp}. */
  erp: JsonObject;
}

/** Snapshots per link, written only by compare-and-set. */
export interface SnapshotRepository {
  /** The snapshot of a link, or undefined when none was written yet (version 0). */
  get(linkId: string): Promise<Snapshot | undefined>;
  /**
   * The snapshots of many links, keyed by link id; links without one (version 0) are
   * absent. One query per 500 ids; repeated ids are read once.
   */
  getMany(linkIds: readonly string[]): Promise<Map<string, Snapshot>>;
  /**
   * Writes `next` when the stored version is `expectedVersion` (0 for "none yet")
   * and returns the new version. When another writer got there first, throws
   * VersionConflictError (details: linkId, expectedVersion): re-read and re-diff.
   */
  compareAndSet(linkId: string, expectedVersion: number, next: SnapshotValues): Promise<number>;
}
