/** Output formats of the `audit` commands. */
import { InvalidArgumentError } from 'commander';
import type { AuditEntry } from '../store/store.ts';

const DURATION = /^(\d+)\s*(s|m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses `--since`: an ISO 8601 time, or a duration back from `now` like `90s`, `30m`, `24h`, `7d`, `2w`. */
export function parseSince(value: string, now: Date = new Date()): string {
  const duration = DURATION.exec(value.trim());
  if (duration) {
    const [, amount, unit] = duration;
    return new Date(now.getTime() - Number(amount) * (UNIT_MS[(unit as string).toLowerCase()] as number)).toISOString();
  }
  const time = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time.getTime())) {
    throw new InvalidArgumentError('expected an ISO 8601 time (2025-01-31T12:00:00Z) or a duration (30m, 24h, 7d)');
  }
  return time.toISOString();
}

/** The exported fields of an entry (everything but the canonical text, which `canonicalize` re-derives). */
function exported(entry: AuditEntry): Omit<AuditEntry, 'canonical'> {
  const { canonical: _canonical, ...rest } = entry;
  return rest;
}

/** One JSON line. */
export function toJsonLine(entry: AuditEntry): string {
  return `${JSON.stringify(exported(entry))}\n`;
}

/** CSV header line (RFC 4180). */
export const CSV_HEADER =
  'seq,at,run_id,job_id,mapping_id,mapping_version,crm_id,erp_id,action,rule,actor,changes,details,prev_hash,hash\n';

function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line; `changes` and `details` are JSON text in their cells. */
export function toCsvLine(e: AuditEntry): string {
  const cells = [
    e.seq,
    e.at,
    e.runId,
    e.jobId,
    e.mappingId,
    e.mappingVersion,
    e.crmId,
    e.erpId,
    e.action,
    e.rule,
    e.actor,
    JSON.stringify(e.changes),
    e.details === null ? null : JSON.stringify(e.details),
    e.prevHash,
    e.hash,
  ];
  return `${cells.map(csvField).join(',')}\n`;
}

/** One human line for `audit tail`: seq, time, action, actor, mapping, ids, rule, changed fields. */
export function toTailLine(e: AuditEntry): string {
  const parts = [`#${e.seq}`, e.at, e.action, e.actor];
  if (e.mappingId !== null) parts.push(e.mappingVersion === null ? e.mappingId : `${e.mappingId}@${e.mappingVersion}`);
  if (e.crmId !== null) parts.push(`crm:${e.crmId}`);
  if (e.erpId !== null) parts.push(`erp:${e.erpId}`);
  if (e.rule !== null) parts.push(`rule=${e.rule}`);
  const fields = Object.keys(e.changes);
  if (fields.length > 0) parts.push(`fields=${fields.join(',')}`);
  return `${parts.join(' ')}\n`;
}
