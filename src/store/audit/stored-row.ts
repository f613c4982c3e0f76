/** The audit columns as every adapter reads them (seq already a number). */
export interface AuditRow {
  /** Chain position. */
  seq: number;
  /** ISO time. */
  at: string;
  /** Run id or null. */
  run_id: string | null;
  /** Job id or null. */
  job_id: string | null;
  /** Mapping id or null. */
  mapping_id: string | null;
  /** Mapping version or null. */
  mapping_version: string | null;
  /** CRM id or null. */
  crm_id: string | null;
  /** ERP id or null. */
  erp_id: string | null;
  /** Action. */
  action: string;
  /** Rule or null. */
  rule: string | null;
  /** Actor. */
  actor: string;
  /** Previous entry's hash. */
  prev_hash: string;
  /** This entry's hash. */
  hash: string;
  /** The canonical JSON text that was hashed. */
  canonical: string;
}

/** Every audit column, in the order raw (array) readers select them. */
export const AUDIT_ROW_COLUMNS = [
  'seq',
  'at',
  'run_id',
  'job_id',
  'mapping_id',
  'mapping_version',
  'crm_id',
  'erp_id',
  'action',
  'rule',
  'actor',
  'prev_hash',
  'hash',
  'canonical',
] as const satisfies ReadonlyArray<keyof AuditRow>;

/** Builds a row from an array read in {@link AUDIT_ROW_COLUMNS} order. */
export function auditRowFromArray(values: readonly unknown[]): AuditRow {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < AUDIT_ROW_COLUMNS.length; i++) row[AUDIT_ROW_COLUMNS[i] as string] = values[i];
  row.seq = Number(row.seq);
  return row as unknown as AuditRow;
}

/** Which column holds which hashed field; verification compares each pair. */
export const COLUMN_FIELDS = [
  ['seq', 'seq'],
  ['at', 'at'],
  ['run_id', 'runId'],
  ['job_id', 'jobId'],
  ['mapping_id', 'mappingId'],
  ['mapping_version', 'mappingVersion'],
  ['crm_id', 'crmId'],
  ['erp_id', 'erpId'],
  ['action', 'action'],
  ['rule', 'rule'],
  ['actor', 'actor'],
  ['prev_hash', 'prevHash'],
] as const satisfies ReadonlyArray<readonly [keyof AuditRow, string]>;

/** The columns verification reads for every row; the others only when they disagree. */
export type ChainRow = Pick<AuditRow, 'seq' | 'at' | 'prev_hash' | 'hash' | 'canonical'>;

/**
 * The reference check that every column equals the field it indexes in the
 * canonical text: the first column that differs, or undefined when all agree.
 */
export function columnMismatch(row: AuditRow): string | undefined {
  let hashed: Record<string, unknown>;
  try {
    hashed = JSON.parse(row.canonical) as Record<string, unknown>;
  } catch {
    return 'canonical text is not JSON';
  }
  for (const [column, field] of COLUMN_FIELDS) {
    if (row[column] !== (hashed[field] ?? null)) return `column ${column} differs from the hashed entry`;
  }
  return undefined;
}
