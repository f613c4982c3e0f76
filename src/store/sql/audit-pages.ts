/**
 * Page readers for audit verification through Kysely (PostgreSQL). SQLite reads
 * pages straight from the driver instead (see `auditAccess` in
 * sqlite-dialect.ts): there Kysely's row objects cost more than the hashing.
 */
import type { Kysely } from 'kysely';
import type { AuditRow } from '../audit/stored-row.ts';
import type { AuditLogTable, Database } from './database.ts';

/** Normalises a row read by either driver (node-postgres returns bigint as text). */
export function toAuditRow(row: AuditLogTable): AuditRow {
  return typeof row.seq === 'number' ? (row as AuditRow) : { ...row, seq: Number(row.seq) };
}

/** Up to `limit` full rows after `after`. */
export async function readFullPage(db: Kysely<Database>, after: number, limit: number): Promise<AuditRow[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toAuditRow);
}
