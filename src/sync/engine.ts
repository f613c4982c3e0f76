/**
 * The loaded mappings with their live connectors and the store: where the commands and
 * the admin API find the sync context of a mapping by its id (for a pass, a conflict's
 * resolution or a dead letter's replay).
 */
import { didYouMean } from '../config/did-you-mean.ts';
import type { Connector } from '../connector/index.ts';
import { ErrorCode, FrontbackError } from '../errors.ts';
import type { CompiledMapping } from '../mapping/types.ts';
import type { Store } from '../store/store.ts';
import type { SyncContext } from './resync.ts';

/** Sync contexts by mapping id. */
export interface SyncEngine {
  /** The mappings it knows, in load order. */
  readonly mappings: readonly CompiledMapping[];
  /** The context of mapping `id`; a clear NOT_FOUND error for an unknown id or a connection without connector. */
  context(id: string): SyncContext;
}

/** Builds the engine's contexts from compiled mappings and live connectors by connection name. */
export function syncEngine(
  mappings: readonly CompiledMapping[],
  connectors: ReadonlyMap<string, Connector>,
  store: Store,
): SyncEngine {
  const byId = new Map(mappings.map((m) => [m.id, m]));
  return {
    mappings,
    context(id) {
      const mapping = byId.get(id);
      if (mapping === undefined) {
        const ids = [...byId.keys()];
        throw new FrontbackError(
          ErrorCode.NotFound,
          `no mapping "${id}"${didYouMean(id, ids)} (known: ${ids.join(', ') || 'none'})`,
          { details: { mapping: id } },
        );
      }
      const connections = { crm: mapping.sides.crm.connection, erp: mapping.sides.erp.connection };
      const crm = connectors.get(connections.crm);
      const erp = connectors.get(connections.erp);
      if (crm === undefined || erp === undefined) {
        throw new FrontbackError(
          ErrorCode.NotFound,
          `mapping ${id}: connection "${crm ? connections.erp : connections.crm}" has no connector in this configuration`,
          { details: { mapping: id } },
        );
      }
      return { mapping, connectors: { crm, erp }, store, connections };
    },
  };
}
