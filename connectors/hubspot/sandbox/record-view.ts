/**
 * Renders stored records the way HubSpot answers them (`SimplePublicObject`): the
 * requested properties (null when empty) plus the id, create and modified dates, which
 * HubSpot always includes; the type's default properties when none are requested.
 */
import { propertyHistory, type StoredRecord } from './data-store.ts';
import type { ObjectTypeDef } from './properties.ts';

/** A record on the wire. */
export interface PublicObject {
  /** Record id. */
  id: string;
  /** Property values; null for requested properties without a value. */
  properties: Record<string, string | null>;
  /** ISO creation time. */
  createdAt: string;
  /** ISO last modification time. */
  updatedAt: string;
  /** Whether archived. */
  archived: boolean;
  /** ISO archive time, for archived records. */
  archivedAt?: string;
  /** Past values of the properties asked for with `propertiesWithHistory`, newest first. */
  propertiesWithHistory?: Record<string, { value: string; timestamp: string; sourceType: string }[]>;
}

/** Parses a `properties` query value (comma-separated, possibly repeated). */
export function propertyList(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(','));
  const names = parts.map((s) => s.trim()).filter((s) => s !== '');
  return names.length > 0 ? names : undefined;
}

/** The property names a response carries for a request naming `requested`. */
export function selectedProperties(type: ObjectTypeDef, requested: string[] | undefined): string[] {
  if (!requested || requested.length === 0) return type.defaultProperties;
  const always = ['hs_object_id', type.createdProperty, type.modifiedProperty];
  // Unknown names are ignored, as HubSpot documents for `properties`.
  return [...new Set([...always, ...requested.filter((n) => type.properties.has(n))])];
}

/** Renders one record with the given property names (and the history of `withHistory`, when given). */
export function toPublic(
  record: StoredRecord,
  names: readonly string[],
  withHistory?: readonly string[],
): PublicObject {
  const properties: Record<string, string | null> = {};
  for (const n of names) properties[n] = record.properties[n] ?? null;
  const out: PublicObject = {
    id: record.id,
    properties,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
    archived: record.archived,
  };
  if (record.archivedAt !== undefined) out.archivedAt = new Date(record.archivedAt).toISOString();
  if (withHistory !== undefined && withHistory.length > 0) {
    out.propertiesWithHistory = Object.fromEntries(
      withHistory.map((n) => [
        n,
        propertyHistory(record, n).map((v) => ({
          value: v.value,
          timestamp: new Date(v.timestamp).toISOString(),
          sourceType: v.sourceType,
        })),
      ]),
    );
  }
  return out;
}
