/**
 * Builds live connectors from the configuration: the composition root's one place
 * that joins config, the connector registry, the shared HTTP client and the rate
 * limiters. Embedded mode uses in-memory limiters; with `queue.redis` set the
 * limiters are shared through Redis so N workers together stay under each budget.
 */
import { Redis } from 'ioredis';
import { RedisOutageLog } from '../observability/redis-outage-log.ts';
import { connectorRegistry } from '../../connectors/index.ts';
import type { Config } from '../config/types.ts';
import {
  createHttpClient,
  httpMetricsHook,
  memoryRateLimiterFactory,
  redisRateLimiterFactory,
  registerBudgetMetrics,
  type Connector,
  type ConnectionSettings,
  type RateLimiterFactory,
} from '../connector/index.ts';
import type { Logger } from '../observability/logger.ts';
import type { Registry } from '../observability/metrics.ts';

/** What {@link createConnectors} needs besides the config. */
export interface ConnectorWiring {
  logger: Logger;
  /** Redis client for shared rate limits (distributed mode); omitted = in-memory limits. */
  redis?: Redis;
  /** Clock in epoch ms; default Date.now. */
  clock?: () => number;
  /** Where vendor request counts, latencies and budgets go (`frontback_connector_*`). */
  metrics?: Registry;
}

/** The connection named `name`, as the connector contract wants it. */
export function connectionSettings(config: Config, name: string): ConnectionSettings {
  const connection = config.connections[name];
  if (connection === undefined) throw new Error(`no connection named "${name}" in the configuration`);
  return { name, ...connection } as ConnectionSettings;
}

/** Creates one connector per configured connection (an unknown kind is refused: the registry says which exist). */
export function createConnectors(config: Config, wiring: ConnectorWiring): Map<string, Connector> {
  const rateLimiters: RateLimiterFactory = wiring.redis
    ? redisRateLimiterFactory({ redis: wiring.redis, keyPrefix: `${config.queue.prefix}:ratelimit` })
    : memoryRateLimiterFactory();
  const connectors = new Map<string, Connector>();
  const onRequest = wiring.metrics ? httpMetricsHook(wiring.metrics) : undefined;
  for (const name of Object.keys(config.connections)) {
    const settings = connectionSettings(config, name);
    connectors.set(
      name,
      connectorRegistry.create(settings, {
        http: (options) => createHttpClient(onRequest ? { ...options, onRequest } : options),
        logger: wiring.logger.child({ connection: name }),
        clock: wiring.clock ?? Date.now,
        rateLimiters,
        budgetReserve: config.sync.budgetReserve,
      }),
    );
  }
  if (wiring.metrics)
    registerBudgetMetrics(wiring.metrics, () => [...connectors.values()].flatMap((c) => c.budget?.() ?? []));
  return connectors;
}

/** Live connectors and what they hold open. */
export interface OpenConnectors {
  readonly connectors: Map<string, Connector>;
  /** Closes every connector and the Redis connection of the shared rate limits. */
  close(): Promise<void>;
}

/**
 * The configuration's connectors, with rate limits shared through `queue.redis` when it is
 * set (so N workers together stay under each vendor's budget), else in memory.
 */
export function openConnectors(config: Config, wiring: Omit<ConnectorWiring, 'redis'>): OpenConnectors {
  const redis =
    config.queue.redis === undefined
      ? undefined
      : new Redis(config.queue.redis, { maxRetriesPerRequest: 3, lazyConnect: true });
  // Its errors through the JSON log, once per outage (ioredis prints unlistened ones to stderr).
  if (redis) new RedisOutageLog(wiring.logger, 'shared API budgets').watch(redis);
  const connectors = createConnectors(config, { ...wiring, ...(redis ? { redis } : {}) });
  return {
    connectors,
    async close() {
      for (const c of connectors.values()) await c.close?.();
      if (redis) await redis.quit().catch(() => undefined);
    },
  };
}
