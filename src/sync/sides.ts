/** The two sides of a mapping, and small helpers the engine shares about them. */
import type { SourceRecord } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';

/** Both sides, CRM first. */
export const SIDES: readonly Side[] = ['crm', 'erp'];

/** The other side. */
export const other = (side: Side): Side => (side === 'crm' ? 'erp' : 'crm');

/** The record's fields plus its id under `id`, as mappings read them. */
export function flatten(record: SourceRecord): Record<string, unknown> {
  return { ...record.fields, id: record.id };
}
