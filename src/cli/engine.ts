/**
 * What the commands that act on synced pairs share (`conflicts`, `dead-letters`): the
 * configuration's mappings, connectors and store, as a sync engine; `close()` releases
 * them all.
 */
import type { Command } from 'commander';
import { MappingError } from '../errors.ts';
import { loadMappings } from '../mapping/load.ts';
import { createStore } from '../store/sql/create-store.ts';
import type { Store } from '../store/store.ts';
import { syncEngine, type SyncEngine } from '../sync/engine.ts';
import { loadCliConfig } from './config.ts';
import { openConnectors } from './connections.ts';
import { cliLog } from './log-format.ts';
import { mappingCatalog } from './mapping-catalog.ts';

/** An open engine and how to release it. */
export interface OpenEngine {
  readonly engine: SyncEngine;
  readonly store: Store;
  close(): Promise<void>;
}

/** Opens the configuration's engine (`-c`), logging warnings and worse only, on stderr. */
export async function openEngine(command: Command): Promise<OpenEngine> {
  const config = loadCliConfig(command);
  const loaded = loadMappings(config.mappings.dir, { catalog: mappingCatalog(config), examples: false });
  if (loaded.issues.length > 0) throw new MappingError(loaded.issues);
  const { logger } = cliLog(config, command, {
    to: 'stderr',
    level: config.logging.level === 'info' ? 'warn' : config.logging.level,
  });
  const open = openConnectors(config, { logger });
  const { connectors } = open;
  const store = await createStore({ url: config.store.url, logger });
  return {
    engine: syncEngine(
      loaded.mappings.map((m) => m.mapping),
      connectors,
      store,
    ),
    store,
    async close() {
      await open.close();
      await store.close();
    },
  };
}
