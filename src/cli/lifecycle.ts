/** What the long-running commands (`serve`, `start`, `worker`) share: the configured server, and waiting for the signal to stop. */
import { SYNC_QUEUE } from '../queue/create-queue.ts';
import { adminDirectory } from '../server/admins.ts';
import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { CONFIG_DEFAULTS } from '../config/defaults.ts';
import { DEMO_NOTICE } from '../config/describe.ts';
import type { Config } from '../config/types.ts';
import type { Connector } from '../connector/index.ts';
import type { CompiledMapping } from '../mapping/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Registry } from '../observability/metrics.ts';
import type { AdminOptions } from '../server/admin-routes.ts';
import { ErrorCode, FrontbackError } from '../errors.ts';
import { checkpointPath, readCheckpointFile } from '../store/audit/checkpoint-file.ts';
import { loadTrustedKeys } from '../store/audit/checkpoint-keys.ts';
import type { Store } from '../store/store.ts';
import { syncEngine } from '../sync/engine.ts';
import type { AdminJobs } from '../sync/runner/admin-jobs.ts';
import { intOption } from './int-option.ts';
import { onStopSignals } from './stop-signals.ts';
import { mappingCatalog } from './mapping-catalog.ts';

/** The listening server of `serve` and `start`. */
export interface ListeningServer {
  /** The main listener: webhooks, /healthz, /readyz (and /admin, /metrics without `server.operations`). */
  readonly server: FastifyInstance;
  /** Its URL. */
  readonly url: string;
  /** Where /admin and /metrics are served: the operations listener's URL, else `url`. */
  readonly operationsUrl: string;
  /** Closes every listener (no new requests; the ones in flight finish). */
  close(): Promise<void>;
}

/**
 * Builds the server from `config.server` and starts listening: the main listener, and the
 * operations listener when `server.operations` is set. Answers their URLs.
 */
export async function listenConfigured(
  config: Config,
  parts: {
    connectors: ReadonlyMap<string, Connector>;
    store: Store;
    logger: Logger;
    metrics: Registry;
    port?: string;
    mappings: readonly CompiledMapping[];
    /** Who runs the passes the admin API asks for (plan, run now): the queue's workers, or this process. */
    jobs?: AdminJobs;
  },
): Promise<ListeningServer> {
  const operations = config.server.operations;
  // Loaded here, not at the top: every command imports this file, few of them serve (the server's
  // plugins, the console and its templates would slow every `frontback` command's start).
  const [{ buildServers }, { CONSOLE_PAGES }] = await Promise.all([
    import('../server/app.ts'),
    import('../server/console/pages/index.ts'),
  ]);
  const admins = adminDirectory({
    adminTokens: config.server.adminTokens,
    admins: config.server.admins,
    logger: parts.logger,
  });
  // Read once: the admin API and the console's audit page verify against the same checkpoints.
  const checkpoints = adminCheckpoints(config);
  const servers = await buildServers(
    {
      connectors: parts.connectors,
      store: parts.store,
      logger: parts.logger,
      metrics: parts.metrics,
      bodyLimitBytes: config.server.bodyLimitBytes,
      ...(config.server.publicBaseUrl === undefined ? {} : { publicBaseUrl: config.server.publicBaseUrl }),
      ...(config.server.trustProxy === undefined ? {} : { trustProxy: config.server.trustProxy }),
      metricsToken: config.server.metricsTokens,
      storeGaugeSeconds: config.server.storeGaugeSeconds,
      webhookRateLimits: webhookRateLimits(config),
      admin: {
        token: admins.tokens(),
        directory: admins,
        engine: syncEngine(parts.mappings, parts.connectors, parts.store),
        overlapMs: config.sync.overlapMinutes * 60_000,
        ...(parts.jobs === undefined ? {} : { jobs: parts.jobs }),
        ...(config.queue.redis === undefined ? {} : { redisUrl: config.queue.redis }),
        ...checkpoints,
      },
      console: {
        directory: admins,
        sessionSecret: config.server.sessionSecret,
        queueKind: config.queue.kind,
        ...(config.queue.redis === undefined
          ? {}
          : { queueBoard: { redisUrl: config.queue.redis, prefix: config.queue.prefix, queues: [SYNC_QUEUE] } }),
        mappingFiles: { dir: config.mappings.dir, catalog: mappingCatalog(config) },
        ...(parts.jobs === undefined ? {} : { jobs: parts.jobs }),
        pages: CONSOLE_PAGES,
        ...checkpoints,
      },
    },
    { separateOperations: operations !== undefined },
  );
  if (config.demo) parts.logger.warn({ host: config.server.host }, DEMO_NOTICE);
  const close = async (): Promise<void> => {
    await Promise.all([servers.main.close(), servers.operations?.close()]);
  };
  const port = intOption('--port', parts.port, config.server.port, 0, 65_535) ?? config.server.port;
  try {
    const url = await listenOn(servers.main, config.server.host, port);
    const operationsUrl =
      servers.operations && operations ? await listenOn(servers.operations, operations.host, operations.port) : url;
    return { server: servers.main, url, operationsUrl, close };
  } catch (err) {
    // A port already taken: the other listener must not keep the process alive.
    await close().catch(() => undefined);
    throw err;
  }
}

/**
 * Starts `server` listening; the failures an operator meets at startup (the port taken, not
 * allowed, an address this machine does not have) become one line saying what to do.
 */
export async function listenOn(server: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    return await server.listen({ host, port });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why =
      code === 'EADDRINUSE'
        ? `port ${port} on ${host} is in use: stop the other process or pass --port`
        : code === 'EACCES'
          ? `not allowed to listen on port ${port} on ${host}: pick a port above 1023 (--port) or run with the right to bind it`
          : code === 'EADDRNOTAVAIL'
            ? `cannot listen on ${host}: not an address of this machine (server.host)`
            : undefined;
    if (why === undefined) throw err;
    await server.close().catch(() => undefined);
    throw new FrontbackError(ErrorCode.Config, why, { cause: err });
  }
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

/**
 * Called once a long-running command has stopped in order (server closed, passes ended, store
 * closed): the process then ends by itself, nothing being left open. A client that never lets
 * go would keep it alive for ever: BullMQ's connections to a Redis that is down reconnect
 * without end and their close() never resolves. Past `graceMs` the process exits anyway, with
 * the exit code already set; the timer is unref'd, so it never delays an exit that happens.
 */
export function exitAfterGrace(graceMs = 3_000): void {
  setTimeout(() => process.exit(), graceMs).unref();
}

/** Each connection's intake rate limit: its `webhook.rateLimit`, the default where it has no `webhook` section. */
function webhookRateLimits(config: Config): Map<string, number> {
  return new Map(
    Object.entries(config.connections).map(([name, c]) => [
      name,
      c.webhook?.rateLimit ?? CONFIG_DEFAULTS.webhook.rateLimit,
    ]),
  );
}

/**
 * The checkpoints `GET /admin/audit/verify` and the console's Verify check the log against, when the
 * configuration names a checkpoint directory.
 */
function adminCheckpoints(config: Config): { checkpoints?: NonNullable<AdminOptions['checkpoints']> } {
  const dir = config.audit.checkpointDir;
  if (dir === undefined) return {};
  const trusted = loadTrustedKeys(config.audit.trustedKeys);
  const file = checkpointPath(dir);
  return { checkpoints: { trusted, lines: () => (existsSync(file) ? readCheckpointFile(file) : []) } };
}
