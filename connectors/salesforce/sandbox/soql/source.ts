/**
 * What the SOQL engine reads: the org's sObject catalogue and rows. The sandbox's store
 * implements it; tests implement it over a handful of handmade rows.
 */
import type { SObjectType } from '../schema.ts';
import type { SObjectRow } from '../records.ts';

/** The org as the SOQL engine sees it. */
export interface SoqlSource {
  /** The type by API name, case-insensitive; undefined when the org has no such object. */
  type(name: string): SObjectType | undefined;
  /** Every row of a type; with includeDeleted also the deleted (IsDeleted true) and merged-away rows. */
  rows(typeName: string, includeDeleted: boolean): Iterable<SObjectRow>;
  /** A row by 18-char id (deleted rows only when includeDeleted), with its type name. */
  byId(id: string, includeDeleted: boolean): { type: string; row: SObjectRow } | undefined;
  /** Sandbox clock now, epoch ms (for TODAY, LAST_N_DAYS:n ...; the sandbox's time zone is UTC). */
  now(): number;
}
