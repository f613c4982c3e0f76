/**
 * `frontback worker`: the engine's loop without the server, for distributed mode: run as
 * many as needed, on any machines, against the same store (`store.url: postgres://...`)
 * and queue (`queue.redis: redis://...`); `frontback serve` copies take the webhooks and
 * the admin API. The workers share the jobs; leases in the store make one of them the
 * scheduler at a time and keep passes of one mapping apart (src/sync/runner/index.ts).
 * SIGTERM/SIGINT (exit 0): no new jobs, running passes end after the page in hand
 * (recorded `stopped`), leases are given up. A second signal stops now (exit 130): the
 * runs in hand are recorded `stopped` and every lease given up.
 */
import type { Command } from 'commander';
import { MappingError } from '../../errors.ts';
import { loadMappings } from '../../mapping/load.ts';
import { createMetricsRegistry } from '../../observability/metrics.ts';
import { queueAnswers } from '../../server/readiness.ts';
import { createStore } from '../../store/sql/create-store.ts';
import { loadCliConfig, requireConfiguration } from '../config.ts';
import { openConnectors } from '../connections.ts';
import { durationOption } from '../duration-option.ts';
import { intOption } from '../int-option.ts';
import { listenOn, exitAfterGrace, untilStopSignal } from '../lifecycle.ts';
import { cliLog } from '../log-format.ts';
import { startLoop } from '../loop.ts';
import { mappingCatalog } from '../mapping-catalog.ts';

/** Registers `worker`. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'run sync passes from the queue (distributed mode: many workers, one store, one Redis); one of them also schedules',
    )
    .option('--concurrency <n>', 'jobs at once in this worker (default: queue.concurrency of the configuration)')
    .option('--every <duration>', 'poll every mapping this often (30s, 5m) instead of its own schedule')
    .option(
      '--port <n>',
      'also answer /healthz, /readyz (store and queue answer) and /metrics on this port (on server.host)',
    )
    .action(async (options: { concurrency?: string; every?: string; port?: string }, command: Command) => {
      const config = loadCliConfig(command);
      requireConfiguration(config);
      const every = durationOption('--every', options.every);
      const concurrency =
        intOption('--concurrency', options.concurrency, config.queue.concurrency, 1, 1_000) ?? config.queue.concurrency;
      const loaded = loadMappings(config.mappings.dir, { catalog: mappingCatalog(config) });
      if (loaded.issues.length > 0) throw new MappingError(loaded.issues);
      const log = cliLog(config, command);
      const { logger } = log;
      const store = await createStore({ url: config.store.url, logger });
      const metrics = createMetricsRegistry({ defaultLabels: { role: 'worker' } });
      const open = openConnectors(config, { logger, metrics });
      const { connectors } = open;
      const port = intOption('--port', options.port, undefined, 0, 65_535);
      // The loop (and its queue) starts after the listener: until then the queue check says so.
      let pingQueue = (): Promise<void> => Promise.reject(new Error('not started yet'));
      // Listening first, when asked: a port already taken stops here, before any job is taken.
      // The server's module only when asked to listen (it is large: every route, the console).
      const buildOpsServer = port === undefined ? undefined : (await import('../../server/app.ts')).buildOpsServer;
      const ops =
        buildOpsServer === undefined
          ? undefined
          : buildOpsServer({
              store,
              logger,
              metrics,
              ...(config.server.trustProxy === undefined ? {} : { trustProxy: config.server.trustProxy }),
              metricsToken: config.server.metricsTokens,
              storeGaugeSeconds: config.server.storeGaugeSeconds,
              // A worker takes no job without its queue: /readyz fails while Redis does not answer.
              checks: [queueAnswers(config.queue.kind, () => pingQueue())],
            });
      const opsUrl = ops ? await listenOn(ops, config.server.host, port ?? 0) : undefined;
      const loop = await startLoop(config, loaded.mappings, {
        connectors,
        store,
        logger,
        metrics,
        concurrency,
        ...(every === undefined ? {} : { everyMs: every, everyLabel: options.every ?? '' }),
      });
      pingQueue = () => loop.pingQueue();
      const alone =
        config.queue.kind === 'memory'
          ? ' (queue.redis is not set: jobs stay in this process; other workers would not share them)'
          : '';
      // Listening for signals before saying we run: whoever reads the line may stop us at once.
      // Twice: stop now (runs in hand recorded stopped, every lease given up, exit 130).
      const stopped = untilStopSignal(() => loop.stopNow());
      log.announce(
        `frontback worker: running (store: ${config.store.kind}, queue: ${config.queue.kind}, concurrency ${concurrency})${alone}\n` +
          `  syncing: ${loop.schedules.join(', ') || 'no mappings'}${opsUrl ? `\n  metrics: ${opsUrl}/metrics` : ''}`,
        `frontback worker: running${alone}`,
        {
          store: config.store.kind,
          queue: config.queue.kind,
          concurrency,
          syncing: loop.schedules,
          ...(opsUrl ? { metrics: `${opsUrl}/metrics` } : {}),
        },
      );
      await stopped;
      await Promise.all([ops?.close(), loop.stop()]);
      await open.close();
      await store.close();
      log.announce('frontback worker stopped', 'frontback worker stopped');
      exitAfterGrace();
    });
}
