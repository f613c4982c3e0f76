/**
 * `frontback serve`: the webhook intake server (src/server) on `server.host:port`, with
 * the configured store and connections; stops cleanly on SIGTERM/SIGINT (no new
 * requests, the ones in flight finish, then the store closes). Stateless: run as many
 * copies as needed against the same store.
 *
 * Plans and runs asked for through the admin API: with `queue.redis`, serve only adds their
 * jobs to the shared queue (`frontback worker`s run them); in embedded mode (no queue.redis,
 * nobody else would take a job) serve runs them itself in the background, answering at
 * once either way (src/cli/admin-jobs.ts).
 */
import type { Command } from 'commander';
import { MappingError } from '../../errors.ts';
import { loadMappings } from '../../mapping/load.ts';
import { createMetricsRegistry } from '../../observability/metrics.ts';
import { createStore } from '../../store/sql/create-store.ts';
import { serveAdminJobs } from '../admin-jobs.ts';
import { adminsConfigured, loadCliConfig } from '../config.ts';
import { openConnectors } from '../connections.ts';
import { listenConfigured, exitAfterGrace, untilStopSignal } from '../lifecycle.ts';
import { cliLog } from '../log-format.ts';
import { mappingCatalog } from '../mapping-catalog.ts';

/** Registers `serve`. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'receive webhooks into the inbox (POST /webhooks/<connection>), with the admin API (/admin), /healthz, /readyz and /metrics',
    )
    .option('--port <n>', 'port to listen on (default: server.port of the configuration, 8080)')
    .action(async (options: { port?: string }, command: Command) => {
      const config = loadCliConfig(command);
      // The admin API resolves conflicts and replays dead letters with the mappings: they are loaded (and must
      // be valid) when it is on; webhook intake alone needs none.
      const loaded = !adminsConfigured(config)
        ? { mappings: [], issues: [] }
        : loadMappings(config.mappings.dir, { catalog: mappingCatalog(config) });
      if (loaded.issues.length > 0) throw new MappingError(loaded.issues);
      const log = cliLog(config, command);
      const { logger } = log;
      const store = await createStore({ url: config.store.url, logger });
      const metrics = createMetricsRegistry({ defaultLabels: { role: 'serve' } });
      const open = openConnectors(config, { logger, metrics });
      const { connectors } = open;
      const mappings = loaded.mappings.map((m) => m.mapping);
      // With the admin API on: a producer of the shared queue (no worker here), else passes run in this process.
      const adminJobs = serveAdminJobs(config, { mappings, connectors, store, logger });
      const { jobs } = adminJobs;
      const listening = await listenConfigured(config, {
        connectors,
        store,
        logger,
        metrics,
        mappings,
        ...(jobs === undefined ? {} : { jobs }),
        ...(options.port === undefined ? {} : { port: options.port }),
      }).catch(async (err: unknown) => {
        await adminJobs.close();
        throw err;
      });
      const { url, operationsUrl } = listening;
      const hooks = [...connectors.entries()]
        .filter(([, c]) => c.webhooks !== undefined)
        .map(([name]) => `${url}/webhooks/${name}`);
      const admin = adminsConfigured(config)
        ? `${operationsUrl}/admin`
        : 'off (set server.adminToken or server.admins)';
      const consoleAt = adminsConfigured(config) ? `${operationsUrl}/console` : 'off (name an admin)';
      const metricsAt = `${operationsUrl}/metrics${operationsUrl === url ? '' : ' (operations listener)'}`;
      // Listening for SIGTERM before saying so: whoever reads the line may stop us at once.
      const stopped = untilStopSignal();
      log.announce(
        `frontback serve listening on ${url} (store: ${config.store.kind})\n` +
          `  webhooks: ${hooks.length > 0 ? hooks.join(', ') : 'no connection takes webhooks'}\n  admin API: ${admin}\n` +
          `  console: ${consoleAt}\n  metrics: ${metricsAt}`,
        `frontback serve listening on ${url}`,
        { url, operationsUrl, store: config.store.kind, webhooks: hooks, admin, console: consoleAt },
      );
      await stopped;
      // Passes asked for and running here end after the page in hand (recorded stopped) while the server closes.
      await Promise.all([listening.close(), adminJobs.close()]);
      await open.close();
      await store.close();
      log.announce('frontback serve stopped', 'frontback serve stopped');
      exitAfterGrace();
    });
}
