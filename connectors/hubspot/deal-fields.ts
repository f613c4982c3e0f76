/**
 * What HubSpot keeps outside an object's properties, read as fields the way mappings use
 * them: a deal's `associatedcompanyid` (its primary company, HUBSPOT_DEFINED type 5, else
 * the first) and `line_items` (its associated line items as child rows), from
 * associations v4, one batch per page.
 */
import type { SourceRecord } from '../../src/connector/index.ts';
import type { AssociatedRecord } from './associations.ts';
import { DEAL_COMPANY, DEAL_LINES } from './describe.ts';
import type { HubSpotObjectType } from './objects.ts';

// HubSpot's deal -> company association type "Primary" (HUBSPOT_DEFINED 5).
const PRIMARY_DEAL_COMPANY = 5;

/** What the deal fields are read through. */
export interface DealFieldSources {
  associations(from: string, to: string, ids: readonly string[]): Promise<Map<string, AssociatedRecord[]>>;
  read(object: string, ids: readonly string[]): Promise<SourceRecord[]>;
}

/** The deal-field readers over `sources`. */
export function dealFields(sources: DealFieldSources): {
  withDealAssociations(
    object: HubSpotObjectType,
    records: SourceRecord[],
    fields: readonly string[] | undefined,
  ): Promise<SourceRecord[]>;
  propertiesOf(object: HubSpotObjectType, names: readonly string[]): string[];
} {
  return {
    async withDealAssociations(object, records, fields) {
      if (object.name !== 'deals' || records.length === 0) return records;
      const wants = (name: string): boolean => fields === undefined || fields.includes(name);
      const ids = records.map((r) => r.id);
      const companies = wants(DEAL_COMPANY) ? await sources.associations('deals', 'companies', ids) : undefined;
      const lines = wants(DEAL_LINES) ? await sources.associations('deals', 'line_items', ids) : undefined;
      const rows = new Map<string, SourceRecord>();
      if (lines) {
        const lineIds = [...new Set([...lines.values()].flat().map((l) => l.toId))];
        for (const row of await sources.read('line_items', lineIds)) rows.set(row.id, row);
      }
      return records.map((r) => {
        const out: Record<string, unknown> = { ...r.fields };
        if (companies) {
          const linked = companies.get(r.id) ?? [];
          const primary =
            linked.find((c) =>
              c.types.some((t) => t.category === 'HUBSPOT_DEFINED' && t.typeId === PRIMARY_DEAL_COMPANY),
            ) ?? linked[0];
          out[DEAL_COMPANY] = primary?.toId ?? null;
        }
        if (lines)
          out[DEAL_LINES] = (lines.get(r.id) ?? []).flatMap((l) =>
            rows.has(l.toId) ? [{ ...(rows.get(l.toId) as SourceRecord).fields, hs_object_id: l.toId }] : [],
          );
        return { ...r, fields: out };
      });
    },
    /** What HubSpot is asked for: the association-made fields are not properties. */
    propertiesOf(object, names) {
      return object.name === 'deals' ? names.filter((n) => n !== DEAL_COMPANY && n !== DEAL_LINES) : [...names];
    },
  };
}
