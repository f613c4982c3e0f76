/**
 * One mapping of the configured folder by its id, for the commands that work on one
 * (`sync`, `plan`, `explain`): the folder must be valid as a whole (every problem
 * reported), and an id it does not hold is one line with a suggestion and the known ids.
 */
import { ConfigError, MappingError } from '../errors.ts';
import type { Config } from '../config/types.ts';
import { didYouMean } from '../config/did-you-mean.ts';
import { loadMappings, type LoadedMapping } from '../mapping/load.ts';
import { mappingCatalog } from './mapping-catalog.ts';

/** Loads the configured mappings and answers the one named `wanted`. */
export function mappingById(config: Config, wanted: string): LoadedMapping {
  const result = loadMappings(config.mappings.dir, { catalog: mappingCatalog(config), examples: false });
  if (result.issues.length > 0) throw new MappingError(result.issues);
  const loaded = result.mappings.find((m) => m.mapping.id === wanted);
  if (loaded) return loaded;
  const ids = result.mappings.map((m) => m.mapping.id);
  throw new ConfigError([
    {
      file: config.mappings.dir,
      path: '',
      message: `no mapping "${wanted}"${didYouMean(wanted, ids)} (known: ${ids.join(', ') || 'none'})`,
    },
  ]);
}
