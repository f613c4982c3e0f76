/**
 * Table shapes as Kysely sees them. Times are ISO 8601 UTC text (they sort as
 * they compare), JSON is text: the same columns work on SQLite and PostgreSQL.
 */
import type { AuditRow } from '../audit/stored-row.ts';

/** `cursors`: one row per poll cursor. */
export interface CursorsTable {
  key: string;
  ts: string | null;
  record_id: string | null;
  state: string;
  updated_at: string;
}

/** `links`: unique (mapping_id, crm_id) and (mapping_id, erp_id). */
export interface LinksTable {
  id: string;
  mapping_id: string;
  crm_id: string;
  erp_id: string;
  created_at: string;
}

/** `snapshots`: one row per link (cascade-deleted with it). */
export interface SnapshotsTable {
  link_id: string;
  crm_values: string;
  erp_values: string;
  version: number;
  updated_at: string;
}

/** `inbox`: unique (source, delivery_key). */
export interface InboxTable {
  id: string;
  source: string;
  delivery_key: string;
  payload: string;
  status: string;
  attempts: number;
  last_error: string | null;
  received_at: string;
  updated_at: string;
}

/** `conflicts`. */
export interface ConflictsTable {
  id: string;
  mapping_id: string;
  link_id: string;
  field: string;
  crm_value: string;
  erp_value: string;
  status: string;
  resolution: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  created_at: string;
}

/** `dead_letters`: found by (mapping_id, side, record_id, status). */
export interface DeadLettersTable {
  id: string;
  mapping_id: string;
  connection: string;
  side: string;
  record_id: string;
  payload: string;
  message: string;
  attempts: number;
  status: string;
  created_at: string;
  updated_at: string;
}

/** `runs`. */
export interface RunsTable {
  id: string;
  mapping_id: string;
  trigger: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  counts: string;
  timings: string;
  error: string | null;
  /** JSON, null until the run's first page (migration 0007). */
  progress: string | null;
}

/** `run_plans`: primary key (run_id, seq), index (run_id, action, seq); deleted with the run. */
export interface RunPlansTable {
  run_id: string;
  seq: number;
  side: string;
  record_id: string;
  partner_id: string | null;
  action: string;
  reason: string;
  plan: string;
}

/** `audit_log`: append-only (triggers refuse UPDATE, DELETE and, on PostgreSQL, TRUNCATE). */
export type AuditLogTable = Omit<AuditRow, 'seq'> & { seq: number | string };

/** Table `leases`. */
export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: string;
}

/** `match_keys`: primary key (scope, side, rule, record_id), index (scope, side, rule, key). */
export interface MatchKeysTable {
  scope: string;
  side: string;
  rule: number;
  record_id: string;
  key: string;
}

/**
 * `matches`: unique (mapping_id, side, record_id) among rows whose status is not `closed`
 * (a partial index); `decision` is the choice, `partner_id` the partner of a `link`.
 */
export interface MatchesTable {
  id: string;
  mapping_id: string;
  side: string;
  record_id: string;
  kind: string;
  reason: string;
  candidates: string;
  status: string;
  decision: string | null;
  partner_id: string | null;
  decided_by: string | null;
  decided_at: string | null;
  created_at: string;
  updated_at: string;
}

/** `holds`: one row per held mapping (primary key mapping_id). */
export interface HoldsTable {
  mapping_id: string;
  mapping_version: string;
  run_id: string;
  reason: string;
  counts: string;
  held_at: string;
  accepted_at: string | null;
  accepted_by: string | null;
}

/** `field_problems`: fields left out of a write, per record (unique mapping, side, record, target, field). */
export interface FieldProblemsTable {
  id: string;
  mapping_id: string;
  side: string;
  record_id: string;
  target: string;
  field: string;
  reason: string;
  first_seen: string;
  last_seen: string;
  run_id: string;
}

/** The whole schema. */
export interface Database {
  leases: LeasesTable;
  cursors: CursorsTable;
  links: LinksTable;
  snapshots: SnapshotsTable;
  inbox: InboxTable;
  conflicts: ConflictsTable;
  dead_letters: DeadLettersTable;
  runs: RunsTable;
  run_plans: RunPlansTable;
  audit_log: AuditLogTable;
  match_keys: MatchKeysTable;
  matches: MatchesTable;
  holds: HoldsTable;
  field_problems: FieldProblemsTable;
}
