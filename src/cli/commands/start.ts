/**
 * `frontback start`: everything in one process (embedded mode, the default): the
 * webhook server of `serve`, and the engine's loop (src/sync/runner/index.ts) running every
 * mapping's passes on its schedule and for each webhook delivery, on the queue the
 * configuration names (in-process unless `queue.redis`). SIGTERM/SIGINT stop it cleanly
 * (exit 0): no new requests or passes, running passes end after the page in hand
 * (recorded `stopped`), leases are given up, then the store closes. A second signal stops
 * now (exit 130): the runs in hand are recorded `stopped` and every lease given up.
 */
import type { Command } from 'commander';
import { MappingError } from '../../errors.ts';
import { loadMappings } from '../../mapping/load.ts';
import { createMetricsRegistry } from '../../observability/metrics.ts';
import { createStore } from '../../store/sql/create-store.ts';
import { loadCliConfig, requireConfiguration } from '../config.ts';
import { openConnectors } from '../connections.ts';
import { durationOption } from '../duration-option.ts';
import { listenConfigured, exitAfterGrace, untilStopSignal } from '../lifecycle.ts';
import { cliLog } from '../log-format.ts';
import { queuedAdminJobs } from '../../sync/runner/admin-jobs.ts';
import { createLoopQueue, startLoop } from '../loop.ts';
import { mappingCatalog } from '../mapping-catalog.ts';

/** Registers `start`. */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'run everything in one process: webhooks into the inbox, and every mapping synced on its schedule and on each webhook',
    )
    .option('--port <n>', 'port to listen on (default: server.port of the configuration, 8080)')
    .option('--every <duration>', 'poll every mapping this often (30s, 5m) instead of its own schedule')
    .action(async (options: { port?: string; every?: string }, command: Command) => {
      const config = loadCliConfig(command);
      requireConfiguration(config);
      const every = durationOption('--every', options.every);
      const loaded = loadMappings(config.mappings.dir, { catalog: mappingCatalog(config) });
      if (loaded.issues.length > 0) throw new MappingError(loaded.issues);
      const log = cliLog(config, command);
      const { logger } = log;
      const store = await createStore({ url: config.store.url, logger });
      const metrics = createMetricsRegistry({ defaultLabels: { role: 'start' } });
      const open = openConnectors(config, { logger, metrics });
      const { connectors } = open;
      // The loop's queue exists before the server: plans and runs asked for through the admin API wait in it.
      const queue = createLoopQueue(config, logger);
      // Listening first: a port already taken stops here, before any pass is scheduled.
      const listening = await listenConfigured(config, {
        connectors,
        store,
        logger,
        metrics,
        mappings: loaded.mappings.map((m) => m.mapping),
        jobs: queuedAdminJobs({ store, queue }),
        ...(options.port === undefined ? {} : { port: options.port }),
      }).catch(async (err: unknown) => {
        await queue.close().catch(() => undefined);
        throw err;
      });
      const loop = await startLoop(config, loaded.mappings, {
        connectors,
        store,
        logger,
        metrics,
        queue,
        ...(every === undefined ? {} : { everyMs: every, everyLabel: options.every ?? '' }),
      });
      const { url, operationsUrl } = listening;
      // Listening for signals before saying we run: whoever reads the line may stop us at once.
      // Twice: stop now (runs in hand recorded stopped, every lease given up, exit 130).
      const stopped = untilStopSignal(() => loop.stopNow());
      log.announce(
        `frontback start: listening on ${url} (store: ${config.store.kind}, queue: ` +
          `${config.queue.kind})\n  syncing: ${loop.schedules.join(', ') || 'no mappings'}` +
          (operationsUrl === url ? '' : `\n  operations (admin API, metrics): ${operationsUrl}`),
        `frontback start: listening on ${url}`,
        { url, operationsUrl, store: config.store.kind, queue: config.queue.kind, syncing: loop.schedules },
      );
      await stopped;
      // The passes are asked to stop at once, not after the server closed (a running pass ends after its page in hand).
      await Promise.all([listening.close(), loop.stop()]);
      await open.close();
      await store.close();
      log.announce('frontback start stopped', 'frontback start stopped');
      exitAfterGrace();
    });
}
