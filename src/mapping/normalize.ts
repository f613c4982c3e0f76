/**
 * Normalised equality: tells a real change from a formatting difference, so the
 * engine does not sync (or loop on) values that only look different:
 * "" / null / missing (and `false` in a field that is not boolean) are all empty;
 * text is compared trimmed; "10.0", "10" and 10 are one number; " A@B.com" and
 * "a@b.com" are one e-mail address; date-times in different zones are one instant.
 * A normaliser is built once per field from what is known about it.
 */
import type { FieldType } from '../connector/describe.ts';
import type { MappingValue } from './transforms/index.ts';

/** What the normaliser knows about a field. */
export interface NormalizeHints {
  /** Field type, when a connector describes it. */
  type?: FieldType;
  /** Field (or rule) name: names containing "email" compare case-insensitively. */
  name: string;
  /** Normalisers of the field's transforms, applied after the generic ones. */
  extra?: readonly ((value: MappingValue) => MappingValue)[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const EPOCH_MS = /^\d{12,14}$/;

/** Builds the normaliser of one field: values that are "the same" map to one comparable value. */
export function createNormalizer(hints: NormalizeHints): (value: MappingValue | undefined) => MappingValue {
  const email = /e-?mail/i.test(hints.name);
  const type = hints.type;
  const numeric = type === 'number' || type === 'integer';
  const datetime = type === 'datetime';
  const boolean = type === 'boolean';
  const extra = hints.extra ?? [];
  const base = (value: MappingValue | undefined): MappingValue => {
    if (value === undefined || value === null) return null;
    if (value === false && !boolean) return null;
    if (typeof value === 'string') {
      const text = value.trim();
      if (text === '') return null;
      if (boolean && (text === 'true' || text === 'false')) return text === 'true';
      if (numeric && NUMBER.test(text)) return Number(text);
      if ((datetime || type === undefined) && DATETIME.test(text)) {
        const ms = Date.parse(text.replace(' ', 'T'));
        if (!Number.isNaN(ms)) return `@${ms}`;
      }
      if (datetime && EPOCH_MS.test(text)) return `@${Number(text)}`;
      return email ? text.toLowerCase() : text;
    }
    if (typeof value === 'number' && datetime) return `@${value}`;
    return value;
  };
  if (extra.length === 0) return base;
  return (value) => {
    let out = base(value);
    for (const fn of extra) {
      try {
        out = fn(out);
      } catch {
        // A value the transform refuses is compared as it is.
      }
    }
    return out;
  };
}

/** Deep equality of two normalised values; a number equals a numeric string ("10.0" vs 10). */
export function sameValue(a: MappingValue, b: MappingValue): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'string') return NUMBER.test(b) && Number(b) === a;
  if (typeof b === 'number' && typeof a === 'string') return NUMBER.test(a) && Number(a) === b;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bl = b as readonly MappingValue[];
    return a.length === bl.length && a.every((v: MappingValue, i) => sameValue(v, bl[i] as MappingValue));
  }
  const ao = a as Record<string, MappingValue>;
  const bo = b as Record<string, MappingValue>;
  const keys = Object.keys(ao);
  return (
    keys.length === Object.keys(bo).length &&
    keys.every((k) => Object.hasOwn(bo, k) && sameValue(ao[k] as MappingValue, bo[k] as MappingValue))
  );
}
