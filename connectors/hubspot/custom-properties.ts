/**
 * Creating the custom properties a mapping declares (`ensureFields`): the property type
 * and field type per field type, and a create that treats "already exists" as done.
 */
import { ConnectorError, type FieldType } from '../../src/connector/index.ts';

/** Runs a create; a 409 (someone created it meanwhile: another process, another mapping) counts as done. */
export async function createIfAbsent(create: () => Promise<void>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (!(err instanceof ConnectorError && err.status === 409)) throw err;
  }
}

/** HubSpot property `type` and `fieldType` for a field type. */
export const PROPERTY_TYPES: Partial<Record<FieldType, [string, string]>> = {
  number: ['number', 'number'],
  integer: ['number', 'number'],
  boolean: ['bool', 'booleancheckbox'],
  date: ['date', 'date'],
  datetime: ['datetime', 'date'],
  text: ['string', 'textarea'],
};
