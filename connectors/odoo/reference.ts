/**
 * Reference data looked up by code or name, never by database id (ids differ between
 * databases): res.country by ISO `code`, res.country.state by `code`, res.partner.industry,
 * res.partner.category, res.currency and uom.uom by `name`. Answers are cached per
 * connector instance (reference data hardly changes); misses are not cached, so a value
 * created later is found.
 */
import type { OdooClient } from './client.ts';

/** The field each reference model is looked up by, unless the caller names another. */
export const REFERENCE_KEYS: Readonly<Record<string, string>> = {
  'res.country': 'code',
  'res.country.state': 'code',
  'res.partner.industry': 'name',
  'res.partner.category': 'name',
  'res.currency': 'name',
  'uom.uom': 'name',
};

/** Lookups of reference records for one connection. */
export interface OdooReferences {
  /**
   * Ids (as strings) of the `model` records whose `by` field (default: {@link REFERENCE_KEYS})
   * equals each value; country codes compare upper-cased, names case-insensitively when no
   * exact match exists. Values without a record are absent from the map.
   */
  lookup(model: string, values: readonly string[], by?: string): Promise<Map<string, string>>;
  /** Forgets every cached answer. */
  clear(): void;
}

/** Creates the lookups over `client`, with an empty cache. */
export function odooReferences(client: OdooClient): OdooReferences {
  const cache = new Map<string, string>();
  const norm = (by: string, value: string): string => (by === 'code' ? value.trim().toUpperCase() : value.trim());
  return {
    async lookup(model, values, by = REFERENCE_KEYS[model] ?? 'name') {
      const out = new Map<string, string>();
      const missing = new Set<string>();
      for (const value of values) {
        const hit = cache.get(`${model}|${by}|${norm(by, value)}`);
        if (hit !== undefined) out.set(value, hit);
        else missing.add(norm(by, value));
      }
      if (missing.size === 0) return out;
      const rows = await client.searchRead(model, [[by, 'in', [...missing]]], { fields: [by], withArchived: true });
      const found = new Map<string, string>();
      for (const row of rows) {
        const key = row[by];
        if (typeof key === 'string' && !found.has(norm(by, key))) found.set(norm(by, key), String(row.id));
      }
      for (const value of [...missing].filter((v) => !found.has(v))) {
        // No exact match: one case-insensitive try (`=ilike` has no wildcards).
        const loose = await client.searchRead(model, [[by, '=ilike', value]], {
          fields: [by],
          limit: 1,
          withArchived: true,
        });
        if (loose[0] !== undefined) found.set(value, String(loose[0].id));
      }
      for (const [key, id] of found) cache.set(`${model}|${by}|${key}`, id);
      for (const value of values) {
        const id = found.get(norm(by, value));
        if (id !== undefined) out.set(value, id);
      }
      return out;
    },
    clear: () => cache.clear(),
  };
}
