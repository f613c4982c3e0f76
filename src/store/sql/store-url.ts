import { StoreError } from '../../errors.ts';

/** Where the store lives, parsed from a store URL. */
export type StoreLocation =
  { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema: string | undefined };

/** The default store: a SQLite file under ./data. */
export const DEFAULT_STORE_URL = './data/frontback.db';

/**
 * Parses a store URL: `postgres://` or `postgresql://` (optional `?schema=name`)
 * selects PostgreSQL; `sqlite:<path>`, `:memory:` or a plain path selects SQLite.
 */
export function parseStoreUrl(raw: string = DEFAULT_STORE_URL): StoreLocation {
  const value = raw.trim();
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new StoreError('store URL is not a valid postgres:// URL');
    }
    const schema = url.searchParams.get('schema') ?? undefined;
    // node-postgres would send an unknown `schema` parameter to the server.
    url.searchParams.delete('schema');
    return { kind: 'postgres', url: url.toString(), schema };
  }
  if (value === '' || value === 'sqlite:') throw new StoreError('store URL is empty');
  if (/^sqlite:/i.test(value)) {
    const path = value.slice('sqlite:'.length).replace(/^\/\/(?=\/|\.)/, '');
    return { kind: 'sqlite', path };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new StoreError(`unsupported store URL scheme in "${value.split(':')[0]}:": use postgres:// or a SQLite path`);
  }
  return { kind: 'sqlite', path: value };
}
