/**
 * Filters of audit listings (`audit tail`/`audit export`, `GET /admin/audit`, the console's
 * audit page): by action, mapping, record and time, parsed from what a person typed and validated with an error that
 * says which option is wrong and what it accepts. The store applies them in SQL.
 */
import { ErrorCode, FrontbackError } from '../../errors.ts';
import type { AuditFilter } from '../audit-repository.ts';

/**
 * Actions the engine and the admin commands append. A namespaced action (`demo.read`, any
 * name with a dot) is taken as given: tools may append their own.
 */
export const AUDIT_ACTIONS = [
  'applied',
  'skipped',
  'conflicted',
  'failed',
  'resolved',
  'replayed',
  'discarded',
  'accepted',
  'waiting',
  'admin',
  'requested',
] as const;

/** What a person typed: `action` a comma-separated list, `record` `crm:<id>`, `erp:<id>` or an id on either side. */
export interface RawAuditFilter {
  readonly action?: string | undefined;
  readonly mapping?: string | undefined;
  readonly record?: string | undefined;
  /** From this time on (ISO 8601; without a zone: UTC; a date alone: its midnight UTC). */
  readonly from?: string | undefined;
  /** Before this time (exclusive; read like `from`). */
  readonly to?: string | undefined;
}

/** How each raw field is called where it was typed (`--action`, or `query.action`). */
export interface FilterNames {
  readonly action: string;
  readonly mapping: string;
  readonly record: string;
  /** Default `from`. */
  readonly from?: string;
  /** Default `to`. */
  readonly to?: string;
}

/** A date, or a date and time, without a zone (what a browser's date and time inputs send). */
const NO_ZONE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)?$/;

/** `text` as the store writes `at` (ISO 8601 UTC with milliseconds), or a validation error naming `name`. */
function instant(text: string, name: string): string {
  const trimmed = text.trim();
  const ms = Date.parse(NO_ZONE.test(trimmed) && trimmed.includes('T') ? `${trimmed}Z` : trimmed);
  if (trimmed === '' || !Number.isFinite(ms))
    throw invalid(`${name} "${text}": not a time; give ISO 8601, e.g. 2026-12-03 or 2026-12-03T18:30 (UTC)`);
  return new Date(ms).toISOString();
}

const invalid = (message: string): FrontbackError =>
  new FrontbackError(ErrorCode.Validation, message, { details: { problems: [message] } });

/** Parses and validates a filter; throws a validation error naming the option and what it accepts. */
export function parseAuditFilter(raw: RawAuditFilter, names: FilterNames): AuditFilter {
  const filter: {
    actions?: string[];
    mappingId?: string;
    record?: { side?: 'crm' | 'erp'; id: string };
    from?: string;
    to?: string;
  } = {};
  if (raw.action !== undefined) {
    const actions = raw.action.split(',').map((a) => a.trim());
    if (actions.some((a) => a === '')) throw invalid(`${names.action} "${raw.action}": an empty action name`);
    const unknown = actions.filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a) && !a.includes('.'));
    if (unknown.length > 0) {
      const listed = unknown.map((a) => `"${a}"`).join(', ');
      throw invalid(
        `${names.action}: unknown action ${listed}; valid: ${AUDIT_ACTIONS.join(', ')} (or a namespaced one, e.g. demo.read)`,
      );
    }
    filter.actions = [...new Set(actions)];
  }
  if (raw.mapping !== undefined) {
    const mapping = raw.mapping.trim();
    if (mapping === '') throw invalid(`${names.mapping}: a mapping id is needed (e.g. contacts-partners)`);
    filter.mappingId = mapping;
  }
  if (raw.record !== undefined) {
    const text = raw.record.trim();
    const colon = text.indexOf(':');
    const side = colon < 0 ? undefined : text.slice(0, colon);
    const id = colon < 0 ? text : text.slice(colon + 1);
    if (side !== undefined && side !== 'crm' && side !== 'erp')
      throw invalid(
        `${names.record} "${raw.record}": the side "${side}" is neither crm nor erp (crm:<id>, erp:<id>, or an id on either side)`,
      );
    if (id === '')
      throw invalid(`${names.record} "${raw.record}": a record id is needed (crm:<id>, erp:<id>, or <id>)`);
    filter.record = side === undefined ? { id } : { side, id };
  }
  if (raw.from !== undefined) filter.from = instant(raw.from, names.from ?? 'from');
  if (raw.to !== undefined) filter.to = instant(raw.to, names.to ?? 'to');
  return filter;
}

/** Whether `filter` asks for anything. */
export function filters(filter: AuditFilter | undefined): filter is AuditFilter {
  return (
    filter !== undefined &&
    (filter.actions !== undefined ||
      filter.mappingId !== undefined ||
      filter.record !== undefined ||
      filter.from !== undefined ||
      filter.to !== undefined)
  );
}
