/**
 * HubSpot property values on the wire are strings (numbers, dates and booleans too);
 * frontback hands the engine decoded values. Decoding follows the field types from the
 * properties API; encoding needs no types.
 */
import { toTimestamp, type FieldType } from '../../src/connector/index.ts';

/** Field name -> decoded type, for one object. */
export type FieldTypes = ReadonlyMap<string, FieldType>;

/** Decodes one wire value; `""` and null are null, as the contract asks. */
export function decodeValue(raw: string | null | undefined, type: FieldType | undefined): unknown {
  if (raw === null || raw === undefined || raw === '') return null;
  switch (type) {
    case 'number':
    case 'integer': {
      const n = Number(raw);
      return Number.isFinite(n) ? n : raw;
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'datetime':
      return safeTimestamp(raw);
    case 'date': {
      const iso = safeTimestamp(raw);
      return typeof iso === 'string' && iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
    }
    default:
      return raw;
  }
}

function safeTimestamp(raw: string): string {
  try {
    // HubSpot answers datetimes as ISO text, and some older properties as epoch ms.
    return toTimestamp(/^\d+$/.test(raw) ? Number(raw) : raw);
  } catch {
    return raw;
  }
}

/** Decodes a record's properties with `types` (unknown properties stay strings). */
export function decodeProperties(
  properties: Record<string, string | null>,
  types: FieldTypes | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(properties)) out[name] = decodeValue(raw, types?.get(name));
  return out;
}

/** Encodes one value for the wire: null clears (`""`), arrays are multi-select (`a;b`), dates ISO. */
export function encodeValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(encodeValue).join(';');
  return JSON.stringify(value);
}

/** Encodes every field of a write. */
export function encodeProperties(fields: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields ?? {})) out[name] = encodeValue(value);
  return out;
}
