/**
 * Builds live connectors from the configuration: the composition root's one place
 * that joins config, the connector registry, the shared HTTP client and the rate
 * limiters. Embedded mode uses in-memory limiters; with `queue.redis` set the
 * limiters are shared through Redis so N workers together stay under each budget.
 */
import type { Redis } from 'ioredis';
import { connectorRegistry } from '../../connectors/index.ts';
import type { Config } from '../config/types.ts';
import {
  createHttpClient,
  memoryRateLimiterFactory,
  redisRateLimiterFactory,
  type Connector,
  type ConnectionSettings,
  type RateLimiterFactory,
} from '../connector/index.ts';
import type { Logger } from '../observability/logger.ts';

/** What {@link createConnectors} needs besides the config. */
export interface ConnectorWiring {
  logger: Logger;
  /** Redis client for shared rate limits (distributed mode); omitted = in-memory limits. */
  redis?: Redis;
  /** Clock in epoch ms; default Date.now. */
  clock?: () => number;
}

/** The connection named `name`, as the connector contract wants it. */
export function connectionSettings(config: Config, name: string): ConnectionSettings {
  const connection = config.connections[name];
  if (connection === undefined) throw new Error(`no connection named "${name}" in the configuration`);
  return { name, ...connection } as ConnectionSettings;
}

/** Creates one connector per configured connection whose kind is registered. */
export function createConnectors(config: Config, wiring: ConnectorWiring): Map<string, Connector> {
  const rateLimiters: RateLimiterFactory = wiring.redis
    ? redisRateLimiterFactory({ redis: wiring.redis, keyPrefix: `${config.queue.prefix}:ratelimit` })
    : memoryRateLimiterFactory();
  const connectors = new Map<string, Connector>();
  for (const name of Object.keys(config.connections)) {
    const settings = connectionSettings(config, name);
    if (!connectorRegistry.has(settings.kind)) continue;
    connectors.set(
      name,
      connectorRegistry.create(settings, {
        http: (options) => createHttpClient(options),
        logger: wiring.logger.child({ connection: name }),
        clock: wiring.clock ?? Date.now,
        rateLimiters,
      }),
    );
  }
  return connectors;
}
