import type { JsonValue } from './json.ts';

/** Open until a person (or a rule) decides. */
export type ConflictStatus = 'open' | 'resolved';

/** How a conflict was decided: take one side's value, or a value given by the resolver. */
export interface ConflictResolution {
  /** `crm` / `erp`: that side's value wins; `value`: {@link ConflictResolution.value} wins. */
  choice: 'crm' | 'erp' | 'value';
  /** The chosen value when `choice` is `value`. */
  value?: JsonValue;
}

/** A field changed on both sides to different values and was parked (rule `manual`). */
export interface Conflict {
  /** Store-assigned id (UUID). */
  id: string;
  /** Mapping id. */
  mappingId: string;
  /** The linked pair. */
  linkId: string;
  /** Canonical field name. */
  field: string;
  /** The CRM's value when the conflict was parked. */
  crmValue: JsonValue;
  /** The ERP's value when the conflict was parked. */
  erpValue: JsonValue;
  /** See {@link ConflictStatus}. */
  status: ConflictStatus;
  /** The decision, once resolved. */
  resolution: ConflictResolution | null;
  /** Who resolved it (admin user or rule), once resolved. */
  resolvedBy: string | null;
  /** When it was resolved (ISO 8601). */
  resolvedAt: string | null;
  /** When it was parked (ISO 8601). */
  createdAt: string;
}

/** What parking a conflict needs. */
export interface ConflictInput {
  /** See {@link Conflict.mappingId}. */
  mappingId: string;
  /** See {@link Conflict.linkId}. */
  linkId: string;
  /** See {@link Conflict.field}. */
  field: string;
  /** See {@link Conflict.crmValue}. */
  crmValue: JsonValue;
  /** See {@link Conflict.erpValue}. */
  erpValue: JsonValue;
}

/** Filters for {@link ConflictRepository.list}. */
export interface ConflictListOptions {
  /** Only this status. */
  status?: ConflictStatus;
  /** Only this mapping. */
  mappingId?: string;
  /** Only this link. */
  linkId?: string;
  /** Only this canonical field (the console's bulk decisions for one field). */
  field?: string;
  /**
   * Only rows after this one in (createdAt, id) order: the last id of the previous page
   * (keyset paging). An id that is no conflict is VALIDATION_FAILED.
   */
  afterId?: string;
  /** Maximum rows; default 1000. */
  limit?: number;
}

/** Parked conflicts. */
export interface ConflictRepository {
  /** Parks a conflict. */
  open(input: ConflictInput): Promise<Conflict>;
  /** The conflict, or undefined. */
  get(id: string): Promise<Conflict | undefined>;
  /** Conflicts, oldest first by (createdAt, id), filtered and paged. */
  list(options?: ConflictListOptions): Promise<Conflict[]>;
  /**
   * Records the decision. Throws StoreError (with `details.code` NOT_FOUND) for an unknown id and
   * VersionConflictError when it was already resolved.
   */
  resolve(id: string, resolution: ConflictResolution, resolvedBy: string): Promise<Conflict>;
  /** Open conflicts per mapping id (for /metrics). */
  countOpen(): Promise<Record<string, number>>;
}
