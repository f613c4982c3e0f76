/**
 * `frontback sync <mapping> [--from crm|erp|both] [--dry-run]`: one sync pass of a
 * mapping from each side asked for (src/sync/pass.ts), printed record by record. With
 * `--dry-run` nothing is written to either system, and the store records only the run and
 * its plans (no links, snapshots, audit entries or cursor moves): it shows what a pass
 * would do, and `frontback runs show <run>` pages through every plan. Records the targets
 * refuse are dead-lettered with their message and counted; the pass goes on. Only the
 * first `--limit` records that do something are kept to print: memory stays bounded
 * whatever the pass reads.
 */
import { hostname } from 'node:os';
import { Option, type Command } from 'commander';
import { ConfigError, ErrorCode, FrontbackError, MappingError } from '../../errors.ts';
import { didYouMean } from '../../config/did-you-mean.ts';
import { loadMappings } from '../../mapping/load.ts';
import type { Side } from '../../mapping/spec.ts';
import { createLogger } from '../../observability/logger.ts';
import { createStore } from '../../store/sql/create-store.ts';
import type { Store } from '../../store/store.ts';
import { runPass, type PassReport } from '../../sync/pass.ts';
import { prepareMapping } from '../../sync/prepare.ts';
import { passLease } from '../../sync/runner.ts';
import { describePlan, viewOf } from '../../sync/plan-view.ts';
import { describeGuard } from '../../sync/guard.ts';
import { describeIdentity } from '../../sync/identity-summary.ts';
import { loadCliConfig } from '../config.ts';
import { openConnectors } from '../connections.ts';
import { describeApiUse } from '../api-use.ts';
import { mappingCatalog } from '../mapping-catalog.ts';

interface SyncOptions {
  from: 'crm' | 'erp' | 'both';
  dryRun?: boolean;
  limit: string;
}

function summary(report: PassReport): string {
  const c = report.counts;
  if (report.dryRun)
    return `${report.read} read: ${c.sync} to sync or link, ${c.create} to create, ${c.archive + c.delete} to archive/delete, ${c.skip} nothing to do`;
  return `${report.read} read: ${c.applied} applied, ${c.skipped} skipped, ${c.conflicted} conflicted, ${c.failed} failed (dead-lettered)`;
}

/** Registers `sync`, and `plan` (the same as `sync --dry-run`). */
export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('run one sync pass of a mapping (--dry-run: show what it would do, write nothing)')
    .argument('<mapping>', 'mapping id')
    .addOption(
      new Option('--from <side>', 'side(s) whose changes are read').choices(['crm', 'erp', 'both']).default('both'),
    )
    .option('--dry-run', 'plan only: nothing is written to either system; the store records only the run')
    .option('--limit <n>', 'records listed per pass', '50')
    .action(syncAction);
  program
    .command('plan')
    .description('what one sync pass of a mapping would do, record by record; writes nothing (sync --dry-run)')
    .argument('<mapping>', 'mapping id')
    .addOption(
      new Option('--from <side>', 'side(s) whose changes are read').choices(['crm', 'erp', 'both']).default('both'),
    )
    .option('--limit <n>', 'records listed per pass', '50')
    .action((wanted: string, options: SyncOptions, command: Command) =>
      syncAction(wanted, { ...options, dryRun: true }, command),
    );
}

async function syncAction(wanted: string, options: SyncOptions, command: Command): Promise<void> {
  const config = loadCliConfig(command);
  const result = loadMappings(config.mappings.dir, { catalog: mappingCatalog(config), examples: false });
  if (result.issues.length > 0) throw new MappingError(result.issues);
  const loaded = result.mappings.find((m) => m.mapping.id === wanted);
  if (!loaded) {
    const ids = result.mappings.map((m) => m.mapping.id);
    throw new ConfigError([
      {
        file: config.mappings.dir,
        path: '',
        message: `no mapping "${wanted}"${didYouMean(wanted, ids)} (known: ${ids.join(', ') || 'none'})`,
      },
    ]);
  }
  const { mapping } = loaded;
  const logger = createLogger({ level: config.logging.level === 'info' ? 'warn' : config.logging.level });
  const open = openConnectors(config, { logger });
  const live = open.connectors;
  const connections = { crm: mapping.sides.crm.connection, erp: mapping.sides.erp.connection };
  const crm = live.get(connections.crm);
  const erp = live.get(connections.erp);
  if (!crm || !erp)
    throw new ConfigError([
      {
        file: loaded.file,
        path: 'sides',
        message: `connection "${crm ? connections.erp : connections.crm}" has no connector`,
      },
    ]);
  const store = await createStore({ url: config.store.url, logger });
  const limit = Math.max(0, Number(options.limit) || 0);
  // Ctrl-C (or SIGTERM) once: stop after the pages in hand, recorded; twice: stop now, closing the run and the lease.
  const stopping = new AbortController();
  let current: { runId?: string; lease?: string; holder?: string } = {};
  const onSignal = (): void => {
    if (!stopping.signal.aborted) {
      stopping.abort();
      process.stderr.write('stopping after the pages in hand; Ctrl-C again to stop now\n');
      return;
    }
    process.stderr.write('stopping now: what was written is recorded by the next pass\n');
    void stopNow(store, current).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const fields = await prepareMapping(loaded, { crm, erp }, { dryRun: options.dryRun === true });
    for (const side of ['crm', 'erp'] as const) {
      if (fields[side].length === 0) continue;
      process.stdout.write(
        `${options.dryRun ? 'would create' : 'created'} custom fields in ${connections[side]} ${mapping.sides[side].object}: ${fields[side].join(', ')}\n`,
      );
    }
    const sides: Side[] = options.from === 'both' ? ['crm', 'erp'] : [options.from];
    for (const from of sides) {
      if (stopping.signal.aborted) break;
      // A real pass takes the mapping's lease, as a worker's does (a dry run writes nothing and needs none).
      const lease = passLease(mapping.id);
      const me = `cli-${hostname()}-${process.pid}/${from}`;
      // Renewed while the pass runs, like a worker's: if this process dies, workers wait sync.leaseSeconds at most.
      const leaseMs = config.sync.leaseSeconds * 1_000;
      if (options.dryRun !== true && !(await store.leases.acquire(lease, me, leaseMs))) {
        const held = await store.leases.get(lease);
        throw new FrontbackError(
          ErrorCode.Conflict,
          `a pass of ${mapping.id} is running elsewhere (${held?.holder ?? 'another process'}, lease until ${held?.expiresAt ?? '?'}): try again when it is done, or use --dry-run`,
          { details: { mapping: mapping.id } },
        );
      }
      let report: PassReport;
      const renew =
        options.dryRun === true
          ? undefined
          : setInterval(() => void store.leases.acquire(lease, me, leaseMs).catch(() => undefined), leaseMs / 3);
      const lines: string[] = [];
      let more = 0;
      current = options.dryRun === true ? {} : { lease, holder: me };
      try {
        report = await runPass({ mapping, connectors: { crm, erp }, store, connections }, from, {
          apply: options.dryRun !== true,
          signal: stopping.signal,
          onRun: (runId) => (current = { ...current, runId }),
          actor: 'admin',
          // sync.overlapMinutes: how far behind its cursor each listing re-reads (connectors may ask for more).
          overlapMs: config.sync.overlapMinutes * 60_000,
          ...(config.sync.pageSize === undefined ? {} : { pageSize: config.sync.pageSize }),
          onPage({ plans, applied }) {
            const outcomes = new Map(applied.map((a) => [a.plan, a]));
            for (const plan of plans) {
              if (plan.action === 'skip') continue;
              if (lines.length >= limit) {
                more += 1;
                continue;
              }
              const outcome = outcomes.get(plan);
              const status = outcome ? ` [${outcome.status}${outcome.message ? `: ${outcome.message}` : ''}]` : '';
              lines.push(`  ${describePlan(viewOf(plan))}${status}`);
            }
          },
        });
      } finally {
        clearInterval(renew);
        if (options.dryRun !== true) await store.leases.release(lease, me);
        current = {};
      }
      process.stdout.write(
        `${options.dryRun ? 'dry run' : 'pass'} ${mapping.id} from ${from} (run ${report.runId}): ${summary(report)}\n`,
      );
      const identity = report.counts.identity;
      process.stdout.write(`  identity: ${describeIdentity(identity)}\n`);
      process.stdout.write(`  api: ${describeApiUse(report.api)}\n`);
      for (const [category, examples] of Object.entries(identity.examples))
        for (const example of examples) process.stdout.write(`    e.g. ${category}: ${example}\n`);
      if (report.guarded) {
        process.stdout.write(
          options.dryRun
            ? `  a real pass would stop at the create guard (${describeGuard(mapping)}) and hold the mapping until accepted\n`
            : `  stopped at the create guard (${describeGuard(mapping)}): ${report.counts.guarded} records left; the mapping is held: look at the plan, then frontback accept ${mapping.id}\n`,
        );
        if (!options.dryRun) process.exitCode = 1;
      }
      for (const line of lines) process.stdout.write(`${line}\n`);
      if (more > 0)
        process.stdout.write(
          `  ... and ${more} more (--limit${options.dryRun ? `; every plan: frontback runs show ${report.runId}` : ''})\n`,
        );
      if (report.stopped) {
        process.stdout.write(`  stopped (Ctrl-C) after the pages in hand: the next pass goes on from the cursor\n`);
        process.exitCode = 130;
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await open.close();
    await store.close();
  }
}

/** Stopping at once (Ctrl-C twice): the run in hand is recorded `stopped` and the mapping's lease given up. */
async function stopNow(store: Store, current: { runId?: string; lease?: string; holder?: string }): Promise<void> {
  const error = 'stopped at once (Ctrl-C twice): what was written is recorded by the next pass';
  if (current.runId !== undefined)
    await store.runs
      .finish(current.runId, { status: 'stopped', counts: {}, timings: {}, error })
      .catch(() => undefined);
  if (current.lease !== undefined && current.holder !== undefined)
    await store.leases.release(current.lease, current.holder).catch(() => undefined);
}
