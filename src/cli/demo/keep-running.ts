/**
 * `frontback demo --keep-running`: what `frontback start` runs, in this process, on the
 * demo's configuration, store and connectors, while the sandboxes stay up. The server
 * (webhook intake into the inbox, admin API, metrics) listens before the story, so the
 * webhooks the sandboxes send for the story's writes are taken as they come; the engine's
 * loop starts after it (its inbox reconciler then turns them into passes, which find
 * their echoes) and syncs every mapping on a short interval. It says where to look, then
 * waits for Ctrl-C and stops everything cleanly (a second Ctrl-C stops now).
 */
import type { Config } from '../../config/types.ts';
import type { Connector } from '../../connector/index.ts';
import type { LoadedMapping } from '../../mapping/load.ts';
import type { Logger } from '../../observability/logger.ts';
import { createMetricsRegistry, type Registry } from '../../observability/metrics.ts';
import type { Store } from '../../store/store.ts';
import { listenConfigured, untilStopSignal, type ListeningServer } from '../lifecycle.ts';
import { startLoop } from '../loop.ts';
import { DEMO_MAPPINGS } from './scenario.ts';

/** How often the loop syncs every mapping while the demo keeps running. */
export const KEEP_RUNNING_EVERY = { ms: 30_000, label: '30s' } as const;

/** What the server and the loop share. */
interface Parts {
  mappings: readonly LoadedMapping[];
  connectors: ReadonlyMap<string, Connector>;
  store: Store;
  logger: Logger;
}

/** The demo's server, listening, with the metrics registry the loop shares. */
export interface DemoServer {
  readonly listening: ListeningServer;
  readonly metrics: Registry;
}

/** The base URL the server will listen at, for the sandboxes' webhooks (before it listens). */
export function serverBaseUrl(config: Config): string {
  return config.server.publicBaseUrl ?? `http://${config.server.host}:${config.server.port}`;
}

/** Starts the server of `frontback start` (webhooks into the inbox, admin API, /metrics, /healthz). */
export async function startDemoServer(config: Config, parts: Parts): Promise<DemoServer> {
  const metrics = createMetricsRegistry({ defaultLabels: { role: 'start' } });
  const listening = await listenConfigured(config, {
    connectors: parts.connectors,
    store: parts.store,
    logger: parts.logger,
    metrics,
    mappings: parts.mappings.map((m) => m.mapping),
  });
  return { listening, metrics };
}

/** Starts the loop next to `demo`'s server, prints where to look, and returns once stopped (the server closed). */
export async function keepRunning(
  config: Config,
  demo: DemoServer,
  parts: Parts & {
    /** The demo's `-c` (shown in the commands to try). */
    configFile: string;
    sandboxes: ReadonlyArray<{ connection: string; url: string; webhooksTo?: string }>;
    print: (line?: string) => void;
  },
): Promise<void> {
  const { print } = parts;
  const { url, operationsUrl } = demo.listening;
  const loop = await startLoop(config, parts.mappings, {
    connectors: parts.connectors,
    store: parts.store,
    logger: parts.logger,
    metrics: demo.metrics,
    everyMs: KEEP_RUNNING_EVERY.ms,
    everyLabel: KEEP_RUNNING_EVERY.label,
  });
  // Listening for Ctrl-C before saying we keep running: whoever reads the lines may stop us at once.
  const stopped = untilStopSignal(() => loop.stopNow());
  const c = `-c ${parts.configFile}`;
  print(
    `Keeping running: frontback start on ${url} (every mapping synced every ${KEEP_RUNNING_EVERY.label}, and on webhooks)`,
  );
  for (const s of parts.sandboxes) {
    const hooks = s.webhooksTo ? `webhooks to ${s.webhooksTo}` : 'no webhooks (no webhook secret in the configuration)';
    print(`   sandbox ${s.connection.padEnd(8)} ${s.url}   ${hooks}; control API ${s.url}/_sandbox/stats`);
  }
  print(
    `   admin API      curl -H "Authorization: Bearer <server.adminToken of ${parts.configFile}>" ${operationsUrl}/admin/runs`,
  );
  print(`   console        ${operationsUrl}/console      (sign in with server.adminToken of ${parts.configFile})`);
  print(`   metrics        ${operationsUrl}/metrics      health: ${url}/healthz`);
  print('   try, in another terminal:');
  print(
    `     npx frontback audit tail -f ${c}     (decisions as they happen; edit a record in a sandbox: docs/sandboxes.md)`,
  );
  print(`     npx frontback sync ${DEMO_MAPPINGS.people} ${c}`);
  print(`     npx frontback plan ${DEMO_MAPPINGS.people} ${c}      (what a pass would do; writes nothing)`);
  print(`     npx frontback runs ${c}`);
  print('Ctrl-C stops everything.');
  await stopped;
  await Promise.all([demo.listening.close(), loop.stop()]);
  print('frontback demo stopped');
}
