/**
 * The offline catalog mapping validation checks against: connection names and
 * kinds from the configuration, object descriptions from each connector
 * descriptor's static `objects` (no network). Lives in src/cli because it wires a
 * concrete registry (connectors/index.ts) into the mapping engine.
 */
import { connectorRegistry } from '../../connectors/index.ts';
import type { Config } from '../config/types.ts';
import type { ConnectorCatalog } from '../mapping/check-connectors.ts';

/** Builds the catalog for `config`. */
export function mappingCatalog(config: Config): ConnectorCatalog {
  const connections = new Map(Object.entries(config.connections).map(([name, c]) => [name, c.kind]));
  return {
    connections,
    objectsOf: (kind) => connectorRegistry.get(kind)?.objects,
  };
}
