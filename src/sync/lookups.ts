/**
 * Answers a page's lookups before it is translated. Mappings do no I/O: a first pass
 * runs `toPatch` with a resolver that only notes what is asked, the answers are then
 * loaded in bulk (reference data through the connector of its side, one `find` or
 * `read` per model; links of other mappings from the store, one query per mapping), and the real pass runs
 * with a resolver over those answers.
 *
 * Aggregates (roll-ups over related records, such as the open invoice amount of a
 * company) are answered the same way: one `find` of the rows referencing the page's
 * records, filtered by the rule's `where` in memory, then summed (or min, max, count) per
 * record. A record no row references sums to 0 and counts 0; its min and max are null.
 */
import type { Connector } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';
import type { MappingValue } from '../mapping/transforms/index.ts';
import type { CanonicalRecord, CompiledMapping, LookupRequest, Resolver } from '../mapping/types.ts';
import type { LinkRepository } from '../store/link-repository.ts';

/** Where lookups are answered from. */
export interface LookupSources {
  /** The connector of each side (reference data lives on a side). */
  connectors: Readonly<Record<Side, Connector>>;
  /** Links, for lookups through another mapping (`lookup: companies-partners`). */
  links: LinkRepository;
}

const keyOf = (lookup: LookupRequest, value: MappingValue): string => {
  switch (lookup.kind) {
    case 'reference':
      return `ref|${lookup.side}|${lookup.model}|${lookup.by}|${lookup.want}|${String(value)}`;
    case 'link':
      return `link|${lookup.mapping}|${lookup.from}|${String(value)}`;
    case 'aggregate':
      return `agg|${aggregateGroup(lookup)}|${String(value)}`;
  }
};

/** What one `find` answers: the rows of one object referencing records by one field. */
const aggregateGroup = (lookup: Extract<LookupRequest, { kind: 'aggregate' }>): string =>
  `${lookup.side}|${lookup.from}|${lookup.by}|${lookup.op}|${lookup.field ?? ''}|${lookup.where ?? ''}|${lookup.order ?? ''}|${lookup.split ?? ''}`;

/** The keys of the records a row references: its `by` value, or each part of it when several share one text. */
export function referencedKeys(value: unknown, split: string | undefined): string[] {
  if (value === null || value === undefined || value === false || value === '') return [];
  const text = String(value);
  return split === undefined
    ? [text]
    : text
        .split(split)
        .map((part) => part.trim())
        .filter((part) => part !== '');
}

/** The newest of `rows` by `order` (absent values first), then by id: deterministic whatever order they came in. */
function newest(
  rows: readonly Record<string, unknown>[],
  order: string | undefined,
): Record<string, unknown> | undefined {
  const rank = (row: Record<string, unknown>): [string, number] => {
    const value = order === undefined ? undefined : row[order];
    return [value === null || value === undefined || value === false ? '' : String(value), Number(row.id) || 0];
  };
  return [...rows]
    .sort((a, b) => {
      const [ra, ia] = rank(a);
      const [rb, ib] = rank(b);
      return ra === rb ? ia - ib : ra < rb ? -1 : 1;
    })
    .at(-1);
}

/** The roll-up of `rows` (already filtered) for one record. */
function rollUp(
  lookup: Extract<LookupRequest, { kind: 'aggregate' }>,
  rows: readonly Record<string, unknown>[],
): MappingValue {
  const { op, field } = lookup;
  if (op === 'count') return rows.length;
  if (op === 'latest') return (newest(rows, lookup.order)?.[field ?? ''] ?? null) as MappingValue;
  const values = rows
    .map((r) => r[field ?? ''])
    .filter((v): v is number | string => typeof v === 'number' || (typeof v === 'string' && v !== ''));
  if (op === 'sum') return Math.round(values.reduce<number>((total, v) => total + Number(v), 0) * 1e6) / 1e6;
  if (values.length === 0) return null;
  // Numbers by value; dates (ISO text) by their order as text.
  const numeric = values.every((v) => typeof v === 'number');
  const sorted = [...values].sort((a, b) => (numeric ? Number(a) - Number(b) : String(a).localeCompare(String(b))));
  return (op === 'min' ? sorted[0] : sorted[sorted.length - 1]) as MappingValue;
}

/** A resolver for translating `canonicals` into patches for `target`, with every lookup loaded first. */
export async function preloadLookups(
  mapping: CompiledMapping,
  canonicals: readonly CanonicalRecord[],
  target: Side,
  sources: LookupSources,
): Promise<Resolver> {
  const asked = new Map<string, { lookup: LookupRequest; value: MappingValue }>();
  for (const canonical of canonicals) {
    mapping.toPatch(canonical, target, (lookup, value) => {
      asked.set(keyOf(lookup, value), { lookup, value });
      return undefined;
    });
  }
  const answers = new Map<string, MappingValue>();
  // Reference data: one call per (side, model, field, direction); aggregates: one per (side, object, field, op, where).
  const groups = new Map<string, { lookup: Extract<LookupRequest, { kind: 'reference' }>; values: Set<string> }>();
  const linkGroups = new Map<string, { lookup: Extract<LookupRequest, { kind: 'link' }>; values: Set<string> }>();
  const aggregates = new Map<string, { lookup: Extract<LookupRequest, { kind: 'aggregate' }>; values: Set<string> }>();
  for (const { lookup, value } of asked.values()) {
    if (lookup.kind === 'link') {
      const group = `${lookup.mapping}|${lookup.from}|${lookup.to}`;
      const entry = linkGroups.get(group) ?? { lookup, values: new Set<string>() };
      entry.values.add(String(value));
      linkGroups.set(group, entry);
    } else if (lookup.kind === 'reference') {
      const group = `${lookup.side}|${lookup.model}|${lookup.by}|${lookup.want}`;
      const entry = groups.get(group) ?? { lookup, values: new Set<string>() };
      entry.values.add(String(value));
      groups.set(group, entry);
    } else if (value !== null && value !== undefined && value !== '') {
      const group = aggregateGroup(lookup);
      const entry = aggregates.get(group) ?? { lookup, values: new Set<string>() };
      entry.values.add(String(value));
      aggregates.set(group, entry);
    }
  }
  // Links of other mappings: one store query per (mapping, direction).
  for (const { lookup, values } of linkGroups.values()) {
    for (const [id, link] of await sources.links.findManyBySide(lookup.mapping, lookup.from, [...values]))
      answers.set(keyOf(lookup, id), lookup.to === 'crm' ? link.crmId : link.erpId);
  }
  for (const { lookup, values } of aggregates.values()) {
    // Rows that name several records in one text ("S001, S002") are found by a contains search, then split here.
    const query = {
      field: lookup.by,
      values: [...values],
      ...(lookup.split === undefined ? {} : { match: 'contains' as const }),
    };
    const rows = await sources.connectors[lookup.side].find(lookup.from, query);
    const byRecord = new Map<string, Record<string, unknown>[]>();
    const seen = new Set<string>();
    for (const row of rows) {
      const fields = { ...row.fields, id: row.id };
      if (seen.has(row.id) || row.archived === true || (lookup.matches && lookup.matches(fields) !== true)) continue;
      seen.add(row.id);
      for (const key of referencedKeys(row.fields[lookup.by], lookup.split))
        byRecord.set(key, [...(byRecord.get(key) ?? []), fields]);
    }
    for (const value of values) answers.set(keyOf(lookup, value), rollUp(lookup, byRecord.get(value) ?? []));
  }
  for (const { lookup, values } of groups.values()) {
    const connector = sources.connectors[lookup.side];
    if (lookup.want === 'id') {
      const found = await connector.find(lookup.model, { field: lookup.by, values: [...values], fields: [lookup.by] });
      for (const record of found) answers.set(keyOf(lookup, String(record.fields[lookup.by])), record.id);
    } else {
      const found = await connector.read(lookup.model, [...values], [lookup.by]);
      for (const record of found) {
        const key = record.fields[lookup.by];
        if (key !== null && key !== undefined) answers.set(keyOf(lookup, record.id), key as MappingValue);
      }
    }
  }
  return (lookup, value) => answers.get(keyOf(lookup, value));
}
