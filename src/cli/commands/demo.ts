/**
 * `frontback demo`: frontback doing its job on this machine, in a few seconds. Starts the
 * sandboxes the demo configuration points at (seeded afresh), resets the demo's SQLite
 * store, then runs real sync passes (the engine of `frontback sync` and `start`) and tells
 * what they did, each line computed from what happened (src/cli/demo/scenario.ts): a
 * first sync over customers that partly overlap, an update each way, a conflict, a
 * deletion, echoes suppressed, and the audit log verified. `--keep-running` then leaves
 * the sandboxes and `frontback start` up and says where to look; Ctrl-C stops them.
 */
import { existsSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.ts';
import type { Config } from '../../config/types.ts';
import { ConfigError, MappingError } from '../../errors.ts';
import { loadMappings } from '../../mapping/load.ts';
import { createLogger } from '../../observability/logger.ts';
import type { Store } from '../../store/store.ts';
import { createStore } from '../../store/sql/create-store.ts';
import { parseStoreUrl } from '../../store/sql/store-url.ts';
import { openConnectors } from '../connections.ts';
import { intOption } from '../int-option.ts';
import { mappingCatalog } from '../mapping-catalog.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { connectorConfigFacts } from '../config.ts';
import { keepRunning, serverBaseUrl, startDemoServer, type DemoServer } from '../demo/keep-running.ts';
import { startDemoSandboxes, type DemoSandbox } from '../demo/sandboxes.ts';
import { runDemoScenario } from '../demo/scenario.ts';

/** The shipped demo configuration (resolved from the package, not the working directory). */
export const DEMO_CONFIG = join(PACKAGE_ROOT, 'config', 'demo.yaml');

interface DemoOptions {
  seed: string;
  records: string;
  latency?: string;
  keepRunning?: boolean;
}

/**
 * The demo starts from nothing every time (the sandboxes are seeded afresh, so links and
 * cursors of an earlier run would point at records that are gone): its SQLite file is
 * removed before it opens. A PostgreSQL store is never touched: the demo refuses it.
 */
function resetStore(config: Config): string {
  const location = parseStoreUrl(config.store.url);
  if (location.kind !== 'sqlite')
    throw new ConfigError([
      {
        file: config.source.file ?? 'demo',
        path: 'store.url',
        message: 'the demo starts from an empty store and removes it first: give it a SQLite file, not PostgreSQL',
      },
    ]);
  if (location.path !== ':memory:')
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${location.path}${suffix}`, { force: true });
  return location.path;
}

/** The audit log verified, and its entries counted by action. */
async function auditSection(
  store: Store,
  storePath: string,
  configFile: string,
  print: (line?: string) => void,
): Promise<boolean> {
  const verdict = await store.audit.verify();
  const actions = new Map<string, number>();
  for (
    let seq = 0, page = await store.audit.after(0, 1000);
    page.length > 0;
    page = await store.audit.after(seq, 1000)
  ) {
    for (const e of page) actions.set(e.action, (actions.get(e.action) ?? 0) + 1);
    seq = page[page.length - 1]?.seq ?? seq;
  }
  print(`7. The audit log (${storePath}): one entry per decision, hash-chained`);
  print(`   by action: ${[...actions].map(([a, n]) => `${a} ${n}`).join(', ') || 'none'}`);
  print(
    verdict.ok
      ? `   verified: intact, ${verdict.count} entries, head ${verdict.head?.hash.slice(0, 16) ?? '-'}...`
      : `   verified: BROKEN at entry ${verdict.firstBroken.seq}: ${verdict.firstBroken.reason}`,
  );
  print(
    `   see it:   npx frontback audit tail -c ${configFile}\n   check it: npx frontback audit verify -c ${configFile}`,
  );
  return verdict.ok;
}

/** `path` relative to the working directory when it is below it, else as given. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'frontback at work on this machine: HubSpot and Odoo sandboxes, real sync passes, a verified audit log',
    )
    .option('--seed <n>', "seed of the sandboxes' generated data", '42')
    .option('--records <n>', 'contacts/people to generate per sandbox', '30')
    .option('--latency <ms>', 'delay every sandbox request by this many ms (the sandboxes\u2019 latency fault)', '0')
    .option('--keep-running', 'then leave the sandboxes and `frontback start` running (Ctrl-C stops them)')
    .action(async (options: DemoOptions, command: Command) => {
      const started = Date.now();
      const print = (line = ''): void => void process.stdout.write(`${line}\n`);
      const { config: file } = command.optsWithGlobals<{ config?: string }>();
      // Shown in the commands to try: relative to where they are typed, when it is below.
      const configFile = shortPath(file ?? DEMO_CONFIG);
      const config = loadConfig({ file: configFile, env: process.env, ...connectorConfigFacts() });
      const seed = intOption('--seed', options.seed, 42, 0) ?? 42;
      const records = intOption('--records', options.records, 30, 4) ?? 30;
      const latencyMs = intOption('--latency', options.latency, 0, 0, 10_000) ?? 0;
      const logger = createLogger({ level: process.env.FRONTBACK_LOG_LEVEL ?? 'warn' });
      print('frontback demo: real sync passes between a HubSpot and an Odoo sandbox on this machine');
      print(`   configuration ${configFile}; logs: warnings only (FRONTBACK_LOG_LEVEL=info for more)`);
      print();

      // The sandboxes first: they refuse a configuration whose connections are not on this machine, before the store is reset.
      // Kept running, the sandboxes send their webhooks to the server started below (before the story).
      const sandboxes: DemoSandbox[] = await startDemoSandboxes(config, seed, records, {
        latencyMs,
        ...(options.keepRunning ? { webhooksTo: serverBaseUrl(config) } : {}),
      });
      const open = openConnectors(config, { logger });
      let store: Store | undefined;
      let server: DemoServer | undefined;
      try {
        const storePath = resetStore(config);
        // A throwaway store: commits need not wait for the disk.
        store = await createStore({ url: config.store.url, logger, synchronous: 'normal' });
        print(
          `1. Sandboxes, seeded afresh (seed ${seed}${latencyMs > 0 ? `, ${latencyMs} ms latency per request` : ''}); store ${storePath}, emptied`,
        );
        for (const s of sandboxes) print(`   ${s.connection.padEnd(8)} ${s.url.padEnd(24)} ${s.holds}`);
        // The mappings folder as configured (relative to the working directory), else the shipped one.
        const dir = existsSync(resolve(config.mappings.dir))
          ? resolve(config.mappings.dir)
          : join(PACKAGE_ROOT, 'mappings');
        const loaded = loadMappings(dir, { catalog: mappingCatalog(config), examples: false });
        if (loaded.issues.length > 0) throw new MappingError(loaded.issues);
        print(`   mappings ${dir}: ${loaded.mappings.map((l) => l.mapping.id).join(', ')}`);
        const parts = { mappings: loaded.mappings, connectors: open.connectors, store, logger };
        if (options.keepRunning) server = await startDemoServer(config, parts);
        const outcome = await runDemoScenario({
          store,
          connectors: open.connectors,
          mappings: loaded.mappings,
          overlapMs: config.sync.overlapMinutes * 60_000,
          ...(config.sync.pageSize === undefined ? {} : { pageSize: config.sync.pageSize }),
          print,
        });
        const intact = await auditSection(store, storePath, configFile, print);
        print();
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        const verdict =
          outcome.doubled === 0 && outcome.surprises.length === 0 && intact
            ? 'every step went as told'
            : `${outcome.surprises.length + (intact ? 0 : 1)} step(s) did not go as expected (marked !! above)`;
        print(`Demo done in ${seconds} s: ${verdict}.`);
        if (!options.keepRunning) {
          print(
            'Next: npm run demo -- --keep-running (the sandboxes and frontback start stay up, with commands to try)',
          );
          print('   README.md, "The demo", tells what each step shows; docs/sync.md how a pass decides.');
        }
        if (outcome.doubled > 0 || outcome.surprises.length > 0 || !intact) process.exitCode = 1;

        if (server) {
          print();
          await keepRunning(config, server, { ...parts, configFile, sandboxes, print });
          server = undefined;
        }
      } finally {
        await server?.listening.close();
        await open.close();
        await store?.close();
        await Promise.allSettled(sandboxes.map((s) => s.close()));
      }
    });
}
