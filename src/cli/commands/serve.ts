/**
 * `frontback serve`: the webhook intake server (src/server) on `server.host:port`, with
 * the configured store and connections; stops cleanly on SIGTERM/SIGINT (no new
 * requests, the ones in flight finish, then the store closes). Stateless: run as many
 * copies as needed against the same store.
 */
import type { Command } from 'commander';
import { createLogger } from '../../observability/logger.ts';
import { createMetricsRegistry } from '../../observability/metrics.ts';
import { buildServer } from '../../server/app.ts';
import { createStore } from '../../store/sql/create-store.ts';
import { loadCliConfig } from '../config.ts';
import { createConnectors } from '../connections.ts';
import { intOption } from '../int-option.ts';

/** Registers `serve`. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('receive webhooks into the inbox (POST /webhooks/<connection>), with /healthz, /readyz and /metrics')
    .option('--port <n>', 'port to listen on (default: server.port of the configuration, 8080)')
    .action(async (options: { port?: string }, command: Command) => {
      const config = loadCliConfig(command);
      const logger = createLogger({ level: config.logging.level });
      const store = await createStore({ url: config.store.url, logger });
      const connectors = createConnectors(config, { logger });
      const server = await buildServer({
        connectors,
        store,
        logger,
        metrics: createMetricsRegistry({ defaultLabels: { role: 'serve' } }),
        bodyLimitBytes: config.server.bodyLimitBytes,
        ...(config.server.publicBaseUrl === undefined ? {} : { publicBaseUrl: config.server.publicBaseUrl }),
      });
      const port = intOption('--port', options.port, config.server.port, 0, 65_535) ?? config.server.port;
      const url = await server.listen({ host: config.server.host, port });
      const hooks = [...connectors.entries()].filter(([, c]) => c.webhooks !== undefined).map(([name]) => `${url}/webhooks/${name}`);
      process.stdout.write(`frontback serve listening on ${url} (store: ${config.store.kind})\n  webhooks: ${hooks.length > 0 ? hooks.join(', ') : 'no connection takes webhooks'}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
      for (const c of connectors.values()) await c.close?.();
      await store.close();
      process.stdout.write('frontback serve stopped\n');
    });
}
