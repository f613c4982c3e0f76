/**
 * What the Salesforce sandbox's store holds and announces: rows keyed by field API name
 * with values as the REST API writes them in JSON, and one change event per committed
 * record change (the feed Outbound Messages, signed callouts and getUpdated read).
 */

/** A field value as JSON carries it: text, number, checkbox or null. */
export type SObjectValue = string | number | boolean | null;

/**
 * One record: canonical field API names to values. Dates are `YYYY-MM-DD`; date-times are
 * Salesforce's `2024-06-01T09:30:00.000+0000` (always UTC); ids are 18 characters.
 */
export type SObjectRow = Record<string, SObjectValue>;

/** What happened to a record. `merged` is the survivor of a merge; its losers get `deleted`. */
export type SObjectChangeKind = 'created' | 'updated' | 'deleted' | 'undeleted' | 'merged';

/** One committed change of one record. */
export interface SObjectChange {
  /** sObject type, e.g. `Account`. */
  type: string;
  /** The record's 18-character id. */
  id: string;
  kind: SObjectChangeKind;
  /** The record after the change (for `deleted`, as it was when deleted, with `IsDeleted` true). */
  row: SObjectRow;
  /** Fields whose value changed (every set field on create). */
  changedFields: string[];
  /** When it committed, epoch ms of the sandbox clock (the row's SystemModstamp). */
  at: number;
  /** Who made it: `api` (a REST or SOAP call), `control` (the sandbox's control API) or `seed`. */
  origin: 'api' | 'control' | 'seed';
  /** Records changed by the same call share a transaction key (CDC's `transactionKey`). */
  transactionKey: string;
  /** Order within the transaction, from 1 (CDC's `sequenceNumber`). */
  sequenceNumber: number;
  /** For a deleted merge loser: the survivor's id (`MasterRecordId`). */
  masterRecordId?: string;
}

/** Formats epoch ms as Salesforce's JSON date-time: `2024-06-01T09:30:00.000+0000`. */
export function formatSfDatetime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** Parses a Salesforce date-time (`...+0000`, `Z` or `+hh:mm`/`+hhmm` offsets) to epoch ms; NaN when malformed. */
export function parseSfDatetime(value: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)(Z|[+-]\d{2}:?\d{2})?$/.exec(value);
  if (!m) return Number.NaN;
  const zone = m[2] ?? 'Z';
  const iso = zone === 'Z' ? `${m[1]}Z` : `${m[1]}${zone.slice(0, 3)}:${zone.slice(-2)}`;
  return Date.parse(iso);
}
