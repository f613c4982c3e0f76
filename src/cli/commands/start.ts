/**
 * `frontback start`: everything in one process (embedded mode, the default): the
 * webhook server of `serve`, and the engine's loop (src/sync/runner.ts) running every
 * mapping's passes on its schedule and for each webhook delivery, on the queue the
 * configuration names (in-process unless `queue.redis`). SIGTERM/SIGINT stop it cleanly:
 * no new requests or passes, running passes finish, then the store closes.
 */
import type { Command } from 'commander';
import { ConfigError, MappingError } from '../../errors.ts';
import { loadMappings } from '../../mapping/load.ts';
import { createLogger } from '../../observability/logger.ts';
import { createQueue } from '../../queue/create-queue.ts';
import { createStore } from '../../store/sql/create-store.ts';
import { prepareMapping } from '../../sync/prepare.ts';
import { startRunner } from '../../sync/runner.ts';
import { loadCliConfig } from '../config.ts';
import { createConnectors } from '../connections.ts';
import { listenConfigured, untilStopSignal } from '../lifecycle.ts';
import { mappingCatalog } from '../mapping-catalog.ts';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** `30s`, `5m`, `1h` -> ms. */
function duration(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+)(s|m|h)$/.exec(raw.trim());
  if (!m) throw new ConfigError([{ file: '(command line)', path: '--every', message: `expected a duration such as 30s, 5m or 1h; got "${raw}"` }]);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

/** Registers `start`. */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run everything in one process: webhooks into the inbox, and every mapping synced on its schedule and on each webhook')
    .option('--port <n>', 'port to listen on (default: server.port of the configuration, 8080)')
    .option('--every <duration>', 'poll every mapping this often (30s, 5m) instead of its own schedule')
    .action(async (options: { port?: string; every?: string }, command: Command) => {
      const config = loadCliConfig(command);
      const every = duration(options.every);
      const loaded = loadMappings(config.mappings.dir, { catalog: mappingCatalog(config) });
      if (loaded.issues.length > 0) throw new MappingError(loaded.issues);
      const logger = createLogger({ level: config.logging.level });
      const store = await createStore({ url: config.store.url, logger });
      const connectors = createConnectors(config, { logger });
      // Listening first: a port already taken stops here, before any pass is scheduled.
      const { server, url } = await listenConfigured(config, { connectors, store, logger, role: 'start', mappings: loaded.mappings.map((m) => m.mapping), ...(options.port === undefined ? {} : { port: options.port }) });
      for (const m of loaded.mappings) {
        const crm = connectors.get(m.mapping.sides.crm.connection);
        const erp = connectors.get(m.mapping.sides.erp.connection);
        if (!crm || !erp) continue;
        const made = await prepareMapping(m, { crm, erp });
        for (const side of ['crm', 'erp'] as const) {
          if (made[side].length > 0) process.stdout.write(`  created custom fields in ${m.mapping.sides[side].connection} ${m.mapping.sides[side].object}: ${made[side].join(', ')}\n`);
        }
      }
      const queue = createQueue(config.queue, 'sync');
      const runner = startRunner({
        mappings: loaded.mappings,
        connectors,
        store,
        queue,
        logger,
        overlapMs: config.sync.overlapMinutes * 60_000,
        concurrency: config.queue.concurrency,
        ...(every === undefined ? {} : { everyMsOverride: every }),
      });
      const schedules = loaded.mappings.map((m) => `${m.mapping.id} (${every !== undefined ? `every ${options.every ?? ''}` : 'everyMs' in m.mapping.schedule ? `every ${m.mapping.schedule.everyMs / 1000}s` : m.mapping.schedule.cron})`);
      process.stdout.write(
        `frontback start: listening on ${url} (store: ${config.store.kind}, queue: ${config.queue.kind})\n  syncing: ${schedules.join(', ') || 'no mappings'}\n`,
      );
      await untilStopSignal();
      await server.close();
      await runner.stop();
      await queue.close();
      for (const c of connectors.values()) await c.close?.();
      await store.close();
      process.stdout.write('frontback start stopped\n');
    });
}
