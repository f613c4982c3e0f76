/**
 * Answers a page's lookups before it is translated. Mappings do no I/O: a first pass
 * runs `toPatch` with a resolver that only notes what is asked, the answers are then
 * loaded in bulk (reference data through the connector of its side, one `find` or
 * `read` per model; links of other mappings from the store), and the real pass runs
 * with a resolver over those answers.
 *
 * Aggregates (roll-ups over related records) are not answered here: a rule with one
 * reports "nothing found" and its field is left out of the patch.
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
    default:
      return `agg|${String(value)}`;
  }
};

/** A resolver for translating `canonicals` into patches for `target`, with every lookup loaded first. */
export async function preloadLookups(mapping: CompiledMapping, canonicals: readonly CanonicalRecord[], target: Side, sources: LookupSources): Promise<Resolver> {
  const asked = new Map<string, { lookup: LookupRequest; value: MappingValue }>();
  for (const canonical of canonicals) {
    mapping.toPatch(canonical, target, (lookup, value) => {
      asked.set(keyOf(lookup, value), { lookup, value });
      return undefined;
    });
  }
  const answers = new Map<string, MappingValue>();
  // Reference data: one call per (side, model, field, direction).
  const groups = new Map<string, { lookup: Extract<LookupRequest, { kind: 'reference' }>; values: Set<string> }>();
  for (const { lookup, value } of asked.values()) {
    if (lookup.kind === 'link') {
      const link = await sources.links.findBySide(lookup.mapping, lookup.from, String(value));
      if (link) answers.set(keyOf(lookup, value), lookup.to === 'crm' ? link.crmId : link.erpId);
    } else if (lookup.kind === 'reference') {
      const group = `${lookup.side}|${lookup.model}|${lookup.by}|${lookup.want}`;
      const entry = groups.get(group) ?? { lookup, values: new Set<string>() };
      entry.values.add(String(value));
      groups.set(group, entry);
    }
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
