/**
 * Validating and normalising property values on write, as HubSpot does: every value is
 * stored as a string; numbers must parse, enumerations must name an option, dates take
 * epoch milliseconds or ISO text, read-only and unknown properties are refused.
 */
import { hubspotErrors, type HubSpotErrorDetail } from './errors.ts';
import type { ObjectTypeDef, PropertyDef } from './properties.ts';

/** A property value as clients send it (HubSpot accepts JSON numbers and booleans too). */
export type InputValue = string | number | boolean | null;

interface Invalid {
  isValid: false;
  message: string;
  error: string;
  name: string;
}

/** Milliseconds of a date value given as epoch ms or ISO text; NaN when neither. */
export function dateMs(value: string): number {
  if (/^-?\d+$/.test(value)) return Number(value);
  return value.trim() === '' ? Number.NaN : Date.parse(value);
}

function normalise(def: PropertyDef, raw: InputValue): string | Invalid {
  const value = raw === null ? '' : String(raw);
  if (value === '') return '';
  const bad = (error: string, message: string): Invalid => ({ isValid: false, message, error, name: def.name });
  switch (def.type) {
    case 'number':
      return Number.isFinite(Number(value)) ? value.trim() : bad('INVALID_LONG', `${value} was not a valid number.`);
    case 'bool':
      return value === 'true' || value === 'false'
        ? value
        : bad('INVALID_BOOLEAN', `${value} was not a valid boolean.`);
    case 'date':
    case 'datetime': {
      const ms = dateMs(value);
      if (Number.isNaN(ms)) return bad('INVALID_DATE', `${value} was not a valid date.`);
      // A date-only property holds midnight UTC (HubSpot refuses other times of day).
      if (def.type === 'date' && ms % 86_400_000 !== 0)
        return bad('INVALID_DATE', `${value} is at a time other than midnight UTC.`);
      return new Date(ms).toISOString();
    }
    case 'enumeration': {
      const allowed = new Set(def.options.map((o) => o.value));
      const parts = value.split(';');
      const wrong = parts.find((p) => !allowed.has(p));
      return wrong === undefined
        ? value
        : bad('INVALID_OPTION', `${wrong} was not one of the allowed options: [${[...allowed].join(', ')}]`);
    }
    default:
      if (def.name === 'email') {
        const email = value.trim().toLowerCase();
        return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)
          ? email
          : bad('INVALID_EMAIL', `Email address ${value} is invalid`);
      }
      return value;
  }
}

/**
 * Checks and normalises the properties of one write. Throws HubSpot's 400 listing every
 * invalid value at once. Empty strings (and null) clear a property.
 */
export function normaliseProperties(type: ObjectTypeDef, input: Record<string, InputValue>): Record<string, string> {
  const out: Record<string, string> = {};
  const invalid: Invalid[] = [];
  for (const [name, raw] of Object.entries(input)) {
    const def = type.properties.get(name);
    if (!def) {
      invalid.push({
        isValid: false,
        message: `Property "${name}" does not exist`,
        error: 'PROPERTY_DOESNT_EXIST',
        name,
      });
      continue;
    }
    if (def.readOnlyValue) {
      invalid.push({
        isValid: false,
        message: `"${name}" is a read only property; its value cannot be set.`,
        error: 'READ_ONLY_VALUE',
        name,
      });
      continue;
    }
    const value = normalise(def, raw);
    if (typeof value === 'string') out[name] = value;
    else invalid.push(value);
  }
  if (invalid.length > 0) {
    const details: HubSpotErrorDetail[] = invalid.map((i) => ({
      message: i.message,
      code: i.error,
      context: { propertyName: [i.name] },
    }));
    throw hubspotErrors.validation(`Property values were not valid: ${JSON.stringify(invalid)}`, details);
  }
  return out;
}
