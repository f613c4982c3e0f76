/**
 * `frontback demo --keep-running`: after the story, what `frontback start` runs, in this
 * process, on the demo's configuration, store and connectors: the server (webhooks into
 * the inbox, admin API, metrics) and the engine's loop syncing every mapping on a short
 * interval, while the sandboxes stay up. It says where to look, then waits for Ctrl-C and
 * stops everything cleanly (a second Ctrl-C stops now).
 */
import type { Config } from '../../config/types.ts';
import type { Connector } from '../../connector/index.ts';
import type { LoadedMapping } from '../../mapping/load.ts';
import type { Logger } from '../../observability/logger.ts';
import { createMetricsRegistry } from '../../observability/metrics.ts';
import type { Store } from '../../store/store.ts';
import { listenConfigured, untilStopSignal } from '../lifecycle.ts';
import { startLoop } from '../loop.ts';
import { DEMO_MAPPINGS } from './scenario.ts';

/** How often the loop syncs every mapping while the demo keeps running. */
export const KEEP_RUNNING_EVERY = { ms: 30_000, label: '30s' } as const;

/** Starts the server and the loop, prints where to look, and returns once stopped. */
export async function keepRunning(
  config: Config,
  parts: {
    mappings: readonly LoadedMapping[];
    connectors: ReadonlyMap<string, Connector>;
    store: Store;
    logger: Logger;
    /** The demo's `-c` (shown in the commands to try). */
    configFile: string;
    sandboxes: ReadonlyArray<{ connection: string; url: string }>;
    print: (line?: string) => void;
  },
): Promise<void> {
  const { print } = parts;
  const metrics = createMetricsRegistry({ defaultLabels: { role: 'start' } });
  const { server, url } = await listenConfigured(config, {
    connectors: parts.connectors,
    store: parts.store,
    logger: parts.logger,
    metrics,
    mappings: parts.mappings.map((m) => m.mapping),
  });
  const loop = await startLoop(config, parts.mappings, {
    connectors: parts.connectors,
    store: parts.store,
    logger: parts.logger,
    metrics,
    everyMs: KEEP_RUNNING_EVERY.ms,
    everyLabel: KEEP_RUNNING_EVERY.label,
  });
  const c = `-c ${parts.configFile}`;
  const admin = `curl -H "Authorization: Bearer <server.adminToken of ${parts.configFile}>"`;
  print(
    `Keeping running: frontback start (server and loop, every mapping every ${KEEP_RUNNING_EVERY.label}) on ${url}`,
  );
  for (const s of parts.sandboxes)
    print(`   sandbox ${s.connection.padEnd(8)} ${s.url}   (control API: ${s.url}/_sandbox/stats)`);
  const names = parts.sandboxes.map((s) => s.connection).join(', ');
  print(
    `   webhook intake   POST ${url}/webhooks/<connection> (${names}); the demo's sandboxes send none: passes poll`,
  );
  print(`   admin API        ${admin} ${url}/admin/runs`);
  print(`   metrics          ${url}/metrics      health: ${url}/healthz`);
  print('   try, in another terminal:');
  print(`     npx frontback sync ${DEMO_MAPPINGS.people} ${c}`);
  print(`     npx frontback audit tail ${c}`);
  print(`     npx frontback plan ${DEMO_MAPPINGS.people} ${c}      (what a pass would do; writes nothing)`);
  print(`     npx frontback runs ${c}`);
  print('Ctrl-C stops everything.');
  await untilStopSignal(() => loop.stopNow());
  await Promise.all([server.close(), loop.stop()]);
  print('frontback demo stopped');
}
