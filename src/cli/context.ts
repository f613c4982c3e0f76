import { existsSync } from 'node:fs';
import { StoreError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { createStore } from '../store/sql/create-store.ts';
import { DEFAULT_STORE_URL, parseStoreUrl } from '../store/sql/store-url.ts';

/** The store URL a command uses: `--store`, else $FRONTBACK_STORE_URL, else `./data/frontback.db`. */
export function resolveStoreUrl(option?: string): string {
  return option ?? process.env.FRONTBACK_STORE_URL ?? DEFAULT_STORE_URL;
}

/**
 * Opens the store for a command. With `mustExist`, a SQLite file that is not
 * there is an error instead of a fresh empty store (an audit command on a typo'd
 * path must not report "0 entries, intact").
 */
export async function openStore(url?: string, options: { mustExist?: boolean } = {}): Promise<Store> {
  const resolved = resolveStoreUrl(url);
  const location = parseStoreUrl(resolved);
  if (options.mustExist && location.kind === 'sqlite' && location.path !== ':memory:' && !existsSync(location.path)) {
    throw new StoreError(
      `no store at ${location.path} (give --store, a configuration with store.url (-c), or FRONTBACK_STORE_URL)`,
    );
  }
  return createStore({ url: resolved });
}
