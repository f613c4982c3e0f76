/** What the long-running commands (`serve`, `start`, `worker`) share: the configured server, and waiting for the signal to stop. */
import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { DEMO_NOTICE } from '../config/describe.ts';
import type { Config } from '../config/types.ts';
import type { Connector } from '../connector/index.ts';
import type { CompiledMapping } from '../mapping/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Registry } from '../observability/metrics.ts';
import type { AdminOptions } from '../server/admin-routes.ts';
import { buildServer } from '../server/app.ts';
import { checkpointPath, readCheckpointFile } from '../store/audit/checkpoint-file.ts';
import { loadTrustedKeys } from '../store/audit/checkpoint-keys.ts';
import type { Store } from '../store/store.ts';
import { syncEngine } from '../sync/engine.ts';
import { intOption } from './int-option.ts';
import { onStopSignals } from './stop-signals.ts';

/** Builds the server from `config.server` and starts listening; answers its URL. */
export async function listenConfigured(
  config: Config,
  parts: {
    connectors: ReadonlyMap<string, Connector>;
    store: Store;
    logger: Logger;
    metrics: Registry;
    port?: string;
    mappings: readonly CompiledMapping[];
  },
): Promise<{ server: FastifyInstance; url: string }> {
  const server = await buildServer({
    connectors: parts.connectors,
    store: parts.store,
    logger: parts.logger,
    metrics: parts.metrics,
    bodyLimitBytes: config.server.bodyLimitBytes,
    ...(config.server.publicBaseUrl === undefined ? {} : { publicBaseUrl: config.server.publicBaseUrl }),
    ...(config.server.trustProxy === undefined ? {} : { trustProxy: config.server.trustProxy }),
    metricsToken: config.server.metricsTokens,
    admin: {
      token: config.server.adminTokens,
      engine: syncEngine(parts.mappings, parts.connectors, parts.store),
      overlapMs: config.sync.overlapMinutes * 60_000,
      ...(config.queue.redis === undefined ? {} : { redisUrl: config.queue.redis }),
      ...adminCheckpoints(config),
    },
  });
  if (config.demo) parts.logger.warn({ host: config.server.host }, DEMO_NOTICE);
  const port = intOption('--port', parts.port, config.server.port, 0, 65_535) ?? config.server.port;
  return { server, url: await server.listen({ host: config.server.host, port }) };
}

/**
 * Resolves on the first SIGTERM or SIGINT (Ctrl-C), saying at once what happens: running
 * passes end after the pages in hand. A second signal stops the process now: `now` records
 * what is in hand (runs `stopped`, leases given up), then it exits 130 (stop-signals.ts).
 */
export function untilStopSignal(now: () => Promise<unknown> = () => Promise.resolve()): Promise<void> {
  return new Promise<void>((resolve) => {
    onStopSignals({ first: resolve, now });
  });
}

/** The checkpoints `GET /admin/audit/verify` checks against, when the configuration names a checkpoint directory. */
function adminCheckpoints(config: Config): { checkpoints?: NonNullable<AdminOptions['checkpoints']> } {
  const dir = config.audit.checkpointDir;
  if (dir === undefined) return {};
  const trusted = loadTrustedKeys(config.audit.trustedKeys);
  const file = checkpointPath(dir);
  return { checkpoints: { trusted, lines: () => (existsSync(file) ? readCheckpointFile(file) : []) } };
}
