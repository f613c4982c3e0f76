/**
 * Page readers for audit verification. On SQLite the fast reader lets SQLite's
 * JSON functions check that every indexed column equals the field it indexes in
 * the canonical text, so Node reads four columns and a flag per row instead of
 * parsing every entry; rows whose flag is false are re-read in full and judged
 * by the reference check in JavaScript. On PostgreSQL, jsonb parsing on the
 * server measured slower than parsing in Node, so full rows are read there.
 */
import { sql, type Kysely } from 'kysely';
import { COLUMN_FIELDS, type AuditRow, type ChainRow } from '../audit/stored-row.ts';
import type { AuditLogTable, Database } from './database.ts';

/** A row as verification reads it: the chain columns and whether the other columns agree. */
export interface FlaggedRow extends ChainRow {
  /** True when the database found every indexed column equal to the hashed field. */
  agrees: boolean;
}

const SQLITE_AGREES = COLUMN_FIELDS.map(([column, field]) => `(canonical ->> '$.${field}') is ${column}`).join(' and ');
// json_valid guards ->> from raising on text that is not JSON (then the row is re-read).
const SQLITE_PAGE = sql.raw(
  `select seq, prev_hash, hash, canonical, case when json_valid(canonical) then (${SQLITE_AGREES}) else 0 end as agrees ` +
    'from audit_log where seq > ',
);

/** Normalises a row read by either driver (node-postgres returns bigint as text). */
export function toAuditRow(row: AuditLogTable): AuditRow {
  return typeof row.seq === 'number' ? (row as AuditRow) : { ...row, seq: Number(row.seq) };
}

/** SQLite: up to `limit` rows after `after`, with SQLite's column check. */
export async function readFlaggedPage(db: Kysely<Database>, after: number, limit: number): Promise<FlaggedRow[]> {
  const result = await sql<ChainRow & { agrees: number }>`${SQLITE_PAGE}${after} order by seq limit ${limit}`.execute(db);
  return result.rows.map((r) => ({ ...r, agrees: r.agrees === 1 }));
}

/** Up to `limit` full rows after `after`. */
export async function readFullPage(db: Kysely<Database>, after: number, limit: number): Promise<AuditRow[]> {
  const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(limit).execute();
  return rows.map(toAuditRow);
}
