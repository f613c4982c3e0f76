/**
 * Records as connectors hand them to the engine, and the paging shape of change listings.
 */
import type { Cursor } from './cursor.ts';

/** One record read from a system, with values already decoded to their field types. */
export interface SourceRecord {
  /** The system's record id, as a string (`"51"`, `"0015g00000XyZabAAF"`). */
  id: string;
  /** Object name, as in {@link ObjectDescription.name}. */
  object: string;
  /** Last modification time, ISO-8601 UTC with milliseconds (see `toTimestamp`). */
  modifiedAt: string;
  /**
   * Field values by API name, decoded (numbers as numbers, empty as null, not Odoo's
   * `false` nor HubSpot's `""`). Only the requested fields need be present.
   */
  fields: Record<string, unknown>;
  /** True when the record is archived / soft-deleted. Default false. */
  archived?: boolean;
  /**
   * Per-field modification times (ISO-8601 UTC) where the API gives them (HubSpot
   * `propertiesWithHistory`); conflict rule `newest` prefers them over `modifiedAt`.
   */
  fieldModifiedAt?: Record<string, string>;
}

/** One page of a change listing. */
export interface ChangePage {
  /** Records in ascending (modifiedAt, id) order, all strictly after the `since` cursor. */
  records: SourceRecord[];
  /**
   * The position after this page (normally the last record's (modifiedAt, id)). Commit it
   * only after every record of the page is handled; a resumed listing starts here.
   */
  cursor: Cursor;
  /**
   * How many records the whole listing expects, where the system tells cheaply (HubSpot
   * search answers a `total`; Odoo's `search_count` costs one call per listing). For
   * progress only (a bar, an ETA): it may be approximate (records change meanwhile, an
   * overlap re-reads some), may appear only on later pages, and the engine never relies
   * on it. Optional: leave it out when counting would cost more than a call per listing.
   */
  total?: number;
}

/** Options of {@link Connector.listChanges}. */
export interface ListChangesOptions {
  /** Records per page; capped at the connector's `limits.maxPageSize`. Default: that cap. */
  pageSize?: number;
  /** Stop at records modified at or before this ISO-8601 UTC time (exclusive upper bound). Default: no bound. */
  until?: string;
  /**
   * Re-read this many milliseconds before `since` (see `rereadStart`); connectors that
   * know their lag may enforce a minimum. Default 0 (the engine usually applies the overlap).
   */
  overlapMs?: number;
  /** Fields to return; default: every field of the object description. */
  fields?: string[];
  /** Aborts the listing between pages (shutdown). */
  signal?: AbortSignal;
}

/** A lookup by key: the records whose `field` equals one of `values`. */
export interface FindQuery {
  /** Field to match on, usually an external-id field (`email`, `ref`, `External_Id__c`). */
  field: string;
  /** Values to look for, compared exactly as the system compares them. */
  values: string[];
  /**
   * `exact` (default): the field equals one of the values. `contains`: the field's text
   * contains one of them (case-insensitively where the system compares so), for fields that
   * hold several keys in one text (Odoo `invoice_origin` "S001, S002"); callers compare
   * again in memory.
   */
  match?: 'exact' | 'contains';
  /** Fields to return; default: every field of the object description. */
  fields?: string[];
}
