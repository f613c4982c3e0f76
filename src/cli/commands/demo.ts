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
import { createStore } from '../../store/sql/create-store.ts';
import { KNOWN_CONNECTOR_KINDS } from '../known-connectors.ts';
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
  'What comes next: the sync engine that runs these mappings for real: three-way diff',
  'against the snapshots, conflict rules, echo suppression, links written with each result, queued',
  'pushes, webhooks into the inbox, the admin API, and `frontback start` / `serve` / `worker`.',
];

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run frontback on embedded defaults: local HubSpot and Odoo sandboxes, SQLite store, audit log')
    .option('--seed <n>', 'seed of the sandboxes\' generated data', '42')
    .option('--records <n>', 'contacts/people to generate per sandbox', '60')
    .option('--keep-running', 'leave the sandboxes running afterwards (Ctrl-C to stop)')
    .action(async (options: DemoOptions, command: Command) => {
      const print = (line = ''): void => void process.stdout.write(`${line}\n`);
      const { config: file } = command.optsWithGlobals<{ config?: string }>();
      const config = loadConfig({ file: file ?? DEMO_CONFIG, env: process.env, knownConnectorKinds: KNOWN_CONNECTOR_KINDS });
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
          if (!connectors.has(name)) print(`   (connection ${name}: no ${config.connections[name]?.kind} connector is registered yet; skipped)`);
        }
        const runId = `demo-${randomUUID()}`;
        // The mappings folder as configured (relative to the working directory), else the shipped one.
        const dir = existsSync(resolve(config.mappings.dir)) ? resolve(config.mappings.dir) : join(PACKAGE_ROOT, 'mappings');
        const loaded = loadMappings(dir, { catalog: mappingCatalog(config) });
        if (loaded.issues.length > 0) throw new MappingError(loaded.issues);
        print(`   mappings: ${loaded.mappings.length} loaded and validated (${loaded.mappings.map((l) => l.mapping.id).join(', ')})`);
        print();
        const appended = await runDemoScenario({ config, store, connectors, logger, runId, mappings: loaded.mappings, print });

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
