/**
 * `frontback demo`: the main job on embedded defaults. Starts the HubSpot and Odoo
 * sandboxes on this machine, reads them through the real connectors, keeps cursors
 * and an audit trail in the SQLite store, verifies the audit chain, and says what
 * the sync engine (not built yet) will add.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.ts';
import { describeConfig } from '../../config/describe.ts';
import { MappingError } from '../../errors.ts';
import { loadMappings } from '../../mapping/load.ts';
import { createLogger } from '../../observability/logger.ts';
import { mappingCatalog } from '../mapping-catalog.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import type { Store } from '../../store/store.ts';
import { cursorKey } from '../../sync/pass.ts';
import { createStore } from '../../store/sql/create-store.ts';
import { connectorConfigFacts } from '../config.ts';
import { createConnectors } from '../connections.ts';
import { startDemoSandboxes, type DemoSandbox } from '../demo/sandboxes.ts';
import { runDemoScenario } from '../demo/scenario.ts';

/** The shipped demo configuration (resolved from the package, not the working directory). */
export const DEMO_CONFIG = join(PACKAGE_ROOT, 'config', 'demo.yaml');

interface DemoOptions {
  seed: string;
  records: string;
  keepRunning?: boolean;
}

const NEXT = [
  'Try a real sync pass: `npm run demo -- --keep-running`, then in another terminal',
  '  npx frontback plan contacts-partners -c config/demo.yaml             (what a pass would do; writes nothing)',
  '  npx frontback sync contacts-partners -c config/demo.yaml             (do it; run it twice: nothing left)',
  '  npx frontback start -c config/demo.yaml --every 30s                  (everything, continuously: webhooks in, passes on schedule)',
  '  npx frontback dead-letters -c config/demo.yaml                       (what a system refused, with its message; replay or discard)',
  '  npx frontback conflicts -c config/demo.yaml                          (fields both sides changed, under conflicts: manual)',
  '  curl -H "Authorization: Bearer demo-admin-token-not-a-secret" http://127.0.0.1:8080/admin/runs   (the admin API, while start runs)',
  'Distributed mode: `frontback serve` copies and `frontback worker`s against PostgreSQL and Redis (README, Scaling out).',
];

/**
 * The demo's sandboxes are seeded afresh on every run, so links, snapshots and sync
 * cursors kept from an earlier run point at records that are gone: drop them (demo
 * store only; the audit log keeps what happened). Returns the links dropped.
 */
async function forgetSyncState(store: Store, mappingIds: readonly string[]): Promise<number> {
  let dropped = 0;
  for (const id of mappingIds) {
    for (const side of ['crm', 'erp'] as const) await store.cursors.delete(cursorKey(id, side));
    for (let links = await store.links.list(id); links.length > 0; links = await store.links.list(id)) {
      for (const link of links) if (await store.links.delete(link.id)) dropped += 1;
    }
  }
  return dropped;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run frontback on embedded defaults: local HubSpot and Odoo sandboxes, SQLite store, audit log')
    .option('--seed <n>', "seed of the sandboxes' generated data", '42')
    .option('--records <n>', 'contacts/people to generate per sandbox', '60')
    .option('--keep-running', 'leave the sandboxes running afterwards (Ctrl-C to stop)')
    .action(async (options: DemoOptions, command: Command) => {
      const print = (line = ''): void => void process.stdout.write(`${line}\n`);
      const { config: file } = command.optsWithGlobals<{ config?: string }>();
      const config = loadConfig({
        file: file ?? DEMO_CONFIG,
        env: process.env,
        ...connectorConfigFacts(),
      });
      const logger = createLogger({ level: process.env.FRONTBACK_LOG_LEVEL ?? 'warn' });
      print('frontback demo: embedded mode (SQLite store, in-process), sandboxes on this machine');
      for (const line of describeConfig(config).split('\n')) print(`   ${line}`);
      print();

      const sandboxes: DemoSandbox[] = await startDemoSandboxes(config, Number(options.seed), Number(options.records));
      const store = await createStore({ url: config.store.url, logger });
      try {
        print(`1. Sandboxes (seed ${options.seed})`);
        for (const s of sandboxes) print(`   ${s.connection.padEnd(8)} ${s.url.padEnd(24)} ${s.holds}`);
        print();
        const connectors = createConnectors(config, { logger });
        for (const name of Object.keys(config.connections)) {
          if (!connectors.has(name))
            print(`   (connection ${name}: no ${config.connections[name]?.kind} connector is registered yet; skipped)`);
        }
        const runId = `demo-${randomUUID()}`;
        // The mappings folder as configured (relative to the working directory), else the shipped one.
        const dir = existsSync(resolve(config.mappings.dir))
          ? resolve(config.mappings.dir)
          : join(PACKAGE_ROOT, 'mappings');
        const loaded = loadMappings(dir, { catalog: mappingCatalog(config) });
        if (loaded.issues.length > 0) throw new MappingError(loaded.issues);
        print(
          `   mappings: ${loaded.mappings.length} loaded and validated (${loaded.mappings.map((l) => l.mapping.id).join(', ')})`,
        );
        const forgotten = await forgetSyncState(
          store,
          loaded.mappings.map((l) => l.mapping.id),
        );
        if (forgotten > 0)
          print(
            `   the sandboxes start fresh, so ${forgotten} link(s) and the sync cursors of earlier demo runs in ${config.store.url} were dropped`,
          );
        print();
        const appended = await runDemoScenario({
          config,
          store,
          connectors,
          logger,
          runId,
          mappings: loaded.mappings,
          print,
        });

        const verdict = await store.audit.verify();
        print(`5. Audit log (${config.store.url}): appended ${appended} entries for run ${runId}`);
        print(
          verdict.ok
            ? `   frontback audit verify: intact, ${verdict.count} entries, head ${verdict.head?.hash ?? '-'}`
            : `   frontback audit verify: BROKEN at entry ${verdict.firstBroken.seq}: ${verdict.firstBroken.reason}`,
        );
        print(`   try: npx frontback audit tail -n 5 --store ${config.store.url}`);
        print();
        for (const line of NEXT) print(line);
        if (!verdict.ok) process.exitCode = 1;

        if (options.keepRunning) {
          print();
          print('Sandboxes keep running; press Ctrl-C to stop.');
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
        }
      } finally {
        await store.close();
        await Promise.allSettled(sandboxes.map((s) => s.close()));
      }
    });
}
