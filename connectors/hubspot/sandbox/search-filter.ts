/**
 * HubSpot search semantics: filters within a group are ANDed, groups are ORed; numbers
 * compare numerically, dates and datetimes as epoch milliseconds (values may be ms or
 * ISO text), strings case-insensitively. CONTAINS_TOKEN matches whole words (tokens
 * split on anything that is not a letter or digit) and accepts `*` wildcards.
 */
import { hubspotErrors } from './errors.ts';
import { dateMs } from './property-values.ts';
import type { ObjectTypeDef, PropertyType } from './properties.ts';

/** Search operators HubSpot documents. */
export const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;
/** One search operator. */
export type Operator = (typeof OPERATORS)[number];

/** A filter as sent in `filterGroups[].filters[]`. */
export interface SearchFilter {
  /** Property to test. */
  propertyName: string;
  /** Operator. */
  operator: Operator;
  /** Value for single-value operators (and BETWEEN's low end). */
  value?: string | number | boolean;
  /** BETWEEN's high end. */
  highValue?: string | number | boolean;
  /** Values for IN / NOT_IN. */
  values?: (string | number | boolean)[];
}

/** A compiled filter: a predicate over a record's properties. */
export type RecordPredicate = (props: Record<string, string>) => boolean;

type Kind = 'number' | 'date' | 'string';

function kindOf(type: PropertyType): Kind {
  if (type === 'number') return 'number';
  if (type === 'date' || type === 'datetime') return 'date';
  return 'string';
}

/** Comparable form of a value: a number for numbers and dates, lowercase text otherwise. */
function comparable(kind: Kind, value: string): number | string {
  if (kind === 'number') return Number(value);
  if (kind === 'date') return dateMs(value);
  return value.toLowerCase();
}

function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t !== '');
}

function wildcard(pattern: string): RegExp {
  const body = pattern
    .toLowerCase()
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'u');
}

function containsToken(value: string, needle: string): boolean {
  if (needle.includes('*')) {
    const re = wildcard(needle);
    return re.test(value.toLowerCase()) || tokens(value).some((t) => re.test(t));
  }
  const hay = tokens(value);
  const want = tokens(needle);
  if (want.length === 0) return false;
  // A multi-word value matches when its tokens appear consecutively.
  for (let i = 0; i + want.length <= hay.length; i += 1) {
    if (want.every((w, j) => hay[i + j] === w)) return true;
  }
  return false;
}

function need(filter: SearchFilter, field: 'value' | 'highValue'): string {
  const v = filter[field];
  if (v === undefined || v === null) {
    throw hubspotErrors.validation(
      `There was a problem with the request: ${field} is required for operator ${filter.operator} on ${filter.propertyName}.`,
    );
  }
  return String(v);
}

/** Compiles one filter for `type`; throws HubSpot's 400 for unknown properties or missing values. */
export function compileFilter(type: ObjectTypeDef, filter: SearchFilter): RecordPredicate {
  const def = type.properties.get(filter.propertyName);
  if (!def) {
    throw hubspotErrors.validation(
      `There was a problem with the request: Invalid property name ${filter.propertyName} for object type ${type.messageName}.`,
    );
  }
  const name = def.name;
  const kind = kindOf(def.type);
  const cmp = (a: number | string, b: number | string): number => (a < b ? -1 : a > b ? 1 : 0);
  const has = (p: Record<string, string>): boolean => (p[name] ?? '') !== '';
  const ordered = (test: (c: number) => boolean): RecordPredicate => {
    const target = comparable(kind, need(filter, 'value'));
    return (p) => has(p) && test(cmp(comparable(kind, p[name] ?? ''), target));
  };
  switch (filter.operator) {
    case 'EQ': {
      const target = comparable(kind, need(filter, 'value'));
      return (p) => has(p) && comparable(kind, p[name] ?? '') === target;
    }
    case 'NEQ': {
      const target = comparable(kind, need(filter, 'value'));
      return (p) => !has(p) || comparable(kind, p[name] ?? '') !== target;
    }
    case 'LT':
      return ordered((c) => c < 0);
    case 'LTE':
      return ordered((c) => c <= 0);
    case 'GT':
      return ordered((c) => c > 0);
    case 'GTE':
      return ordered((c) => c >= 0);
    case 'BETWEEN': {
      const low = comparable(kind, need(filter, 'value'));
      const high = comparable(kind, need(filter, 'highValue'));
      return (p) => {
        if (!has(p)) return false;
        const v = comparable(kind, p[name] ?? '');
        return cmp(v, low) >= 0 && cmp(v, high) <= 0;
      };
    }
    case 'IN':
    case 'NOT_IN': {
      if (!Array.isArray(filter.values)) {
        throw hubspotErrors.validation(
          `There was a problem with the request: values is required for operator ${filter.operator} on ${name}.`,
        );
      }
      const set = new Set(filter.values.map((v) => comparable(kind, String(v))));
      return filter.operator === 'IN'
        ? (p) => has(p) && set.has(comparable(kind, p[name] ?? ''))
        : (p) => !has(p) || !set.has(comparable(kind, p[name] ?? ''));
    }
    case 'HAS_PROPERTY':
      return has;
    case 'NOT_HAS_PROPERTY':
      return (p) => !has(p);
    case 'CONTAINS_TOKEN': {
      const needle = need(filter, 'value');
      return (p) => has(p) && containsToken(p[name] ?? '', needle);
    }
    case 'NOT_CONTAINS_TOKEN': {
      const needle = need(filter, 'value');
      return (p) => !has(p) || !containsToken(p[name] ?? '', needle);
    }
  }
}

/** Compiles `filterGroups` (OR of ANDs); no groups matches everything. */
export function compileFilterGroups(type: ObjectTypeDef, groups: { filters: SearchFilter[] }[]): RecordPredicate {
  if (groups.length === 0) return () => true;
  const compiled = groups.map((g) => g.filters.map((f) => compileFilter(type, f)));
  return (p) => compiled.some((g) => g.every((f) => f(p)));
}

/** Free-text `query`: every token must be a prefix of some token of the type's query properties. */
export function compileQuery(type: ObjectTypeDef, query: string | undefined): RecordPredicate {
  const want = tokens(query ?? '');
  if (want.length === 0) return () => true;
  return (p) => {
    const hay = type.queryProperties.flatMap((n) => tokens(p[n] ?? ''));
    return want.every((w) => hay.some((h) => h.startsWith(w)));
  };
}

/** Sort key extractor for a property of `type` (numbers and dates numerically). */
export function sortKey(
  type: ObjectTypeDef,
  propertyName: string,
): (p: Record<string, string>) => number | string | undefined {
  const def = type.properties.get(propertyName);
  if (!def)
    throw hubspotErrors.validation(
      `There was a problem with the request: Invalid property name ${propertyName} for sort on ${type.messageName}.`,
    );
  const kind = kindOf(def.type);
  return (p) => {
    const v = p[def.name];
    return v === undefined || v === '' ? undefined : comparable(kind, v);
  };
}
