/**
 * The explicit connector registry: connectors/index.ts lists every descriptor; the
 * composition root looks connectors up by kind. No discovery, no side-effect imports.
 */
import { ErrorCode, FrontbackError } from '../errors.ts';
import type { ConnectionSettings } from './connection.ts';
import type { Connector, ConnectorDeps } from './connector.ts';
import type { ConnectorDescriptor } from './define-connector.ts';

/** Looks connector descriptors up by kind. */
export interface ConnectorRegistry {
  /** Registered kinds, sorted. */
  kinds(): string[];
  /** True when `kind` is registered. */
  has(kind: string): boolean;
  /** The descriptor for `kind`, or undefined. */
  get(kind: string): ConnectorDescriptor | undefined;
  /**
   * The descriptor for `kind`.
   * @throws FrontbackError `CONFIG_INVALID` naming the known kinds.
   */
  require(kind: string): ConnectorDescriptor;
  /**
   * Creates the live connector for a connection, after checking its kind and auth type.
   * @throws FrontbackError `CONFIG_INVALID` for an unknown kind or an unsupported auth type.
   */
  create(connection: ConnectionSettings, deps: ConnectorDeps): Connector;
}

/**
 * Builds a registry from descriptors.
 * @throws FrontbackError `CONNECTOR_DEFINITION_INVALID` when two descriptors share a kind.
 */
export function createRegistry(descriptors: readonly ConnectorDescriptor[]): ConnectorRegistry {
  const byKind = new Map<string, ConnectorDescriptor>();
  for (const descriptor of descriptors) {
    if (byKind.has(descriptor.kind)) {
      throw new FrontbackError(
        ErrorCode.ConnectorDefinition,
        `two connectors registered with kind "${descriptor.kind}"`,
        {
          details: { kind: descriptor.kind },
        },
      );
    }
    byKind.set(descriptor.kind, descriptor);
  }
  const kinds = (): string[] => [...byKind.keys()].sort();
  const require = (kind: string): ConnectorDescriptor => {
    const descriptor = byKind.get(kind);
    if (descriptor === undefined) {
      const known = kinds();
      throw new FrontbackError(
        ErrorCode.Config,
        `unknown connector kind "${kind}" (known: ${known.length === 0 ? 'none' : known.join(', ')})`,
        {
          details: { kind, known },
        },
      );
    }
    return descriptor;
  };
  return {
    kinds,
    has: (kind) => byKind.has(kind),
    get: (kind) => byKind.get(kind),
    require,
    create(connection, deps) {
      const descriptor = require(connection.kind);
      if (descriptor.authTypes !== undefined && !descriptor.authTypes.includes(connection.auth.type)) {
        throw new FrontbackError(
          ErrorCode.Config,
          `connection "${connection.name}": connector "${descriptor.kind}" does not support ` +
            `auth type "${connection.auth.type}" (use ${descriptor.authTypes.join(' or ')})`,
          { details: { connection: connection.name, kind: descriptor.kind, authType: connection.auth.type } },
        );
      }
      return descriptor.create(connection, deps);
    },
  };
}
