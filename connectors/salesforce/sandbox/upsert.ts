/**
 * Upsert by an External ID field (REST API Developer Guide, "Insert or Update (Upsert) a
 * Record Using an External ID"): no record with the value creates one (201), one record
 * updates it (200; 204 with no body before API 46.0), several answer 300 with their
 * URLs. `Id` works as the field too. The value is matched case-insensitively unless the
 * field is case-sensitive.
 */
import { SalesforceApiError } from './errors.ts';
import type { SObjectRow } from './records.ts';
import { findField } from './schema.ts';
import type { SalesforceStore, WriteContext } from './store.ts';

/** Several records hold the external id value (HTTP 300 on the single-record upsert). */
export class MultipleMatchesError extends SalesforceApiError {
  constructor(
    readonly field: string,
    readonly value: string,
    readonly ids: string[],
  ) {
    super(300, 'MULTIPLE_CHOICES', `Multiple records found with ${field} = ${value}: ${ids.join(', ')}`, [field]);
  }
}

/** Creates or updates the record of `typeName` whose `fieldName` is `value`. */
export function upsertByExternalId(
  store: SalesforceStore,
  typeName: string,
  fieldName: string,
  value: string,
  values: Record<string, unknown>,
  ctx: WriteContext,
): { row: SObjectRow; created: boolean } {
  const type = store.requireType(typeName);
  const f = findField(type, fieldName);
  if (!f || (!f.externalId && f.name !== 'Id')) {
    throw new SalesforceApiError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${fieldName}`,
    );
  }
  const body = Object.fromEntries(Object.entries(values).filter(([k]) => k.toLowerCase() !== f.name.toLowerCase()));
  const written = Object.entries(values).find(([k]) => k.toLowerCase() === f.name.toLowerCase())?.[1];
  if (written !== undefined && written !== null && String(written) !== value) {
    throw new SalesforceApiError(
      400,
      'INVALID_FIELD',
      `The value of the external ID field in the URL (${value}) and in the body (${String(written)}) differ`,
      [f.name],
    );
  }
  return store.transaction(() => {
    if (f.name === 'Id') {
      return { row: store.update(type.name, value, body, ctx), created: false };
    }
    const matches = store.findBy(type.name, f, value);
    if (matches.length > 1)
      throw new MultipleMatchesError(
        f.name,
        value,
        matches.map((r) => String(r['Id'])),
      );
    const [match] = matches;
    if (match) return { row: store.update(type.name, String(match['Id']), body, ctx), created: false };
    return { row: store.create(type.name, { ...body, [f.name]: value }, ctx), created: true };
  });
}
