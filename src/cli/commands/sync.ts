/**
 * `frontback sync <mapping> [--from crm|erp|both] [--dry-run]`: one sync pass of a
 * mapping from each side asked for (src/sync/pass.ts), printed record by record. With
 * `--dry-run` nothing is written to either system, and the store records only the run and
 * its plans (no links, snapshots, audit entries or cursor moves): it shows what a pass
 * would do, and `frontback runs show <run>` pages through every plan. Records the targets
 * refuse are dead-lettered with their message and counted; the pass goes on. Only the
 * first `--show` records that do something are kept to print (the pass handles them all):
 * memory stays bounded whatever the pass reads. Progress shows page by page (src/cli/progress.ts): bars on a
 * terminal, plain lines otherwise (both on stderr), or with `--json` one JSON object per
 * page and one per pass's summary on stdout.
 */
import { hostname } from 'node:os';
import { Option, type Command } from 'commander';
import { ConfigError, ErrorCode, FrontbackError } from '../../errors.ts';
import type { Side } from '../../mapping/spec.ts';
import { createStore } from '../../store/sql/create-store.ts';
import { runPass, type PassReport } from '../../sync/pass.ts';
import { prepareMapping } from '../../sync/prepare.ts';
import { mappingLeases } from '../../sync/runner/mapping-lease.ts';
import { runsInHand } from '../../sync/runner/runs-in-hand.ts';
import { describePlan, viewOf } from '../../sync/plan-view.ts';
import { describeGuard } from '../../sync/guard.ts';
import { describeIdentity } from '../../sync/identity-summary.ts';
import { loadCliConfig, requireConfiguration } from '../config.ts';
import { openConnectors } from '../connections.ts';
import { describeApiUse } from '../api-use.ts';
import { intOption } from '../int-option.ts';
import { cliLog } from '../log-format.ts';
import { mappingById } from '../mapping-by-id.ts';
import { EXIT_STOPPED, onStopSignals } from '../stop-signals.ts';
import { progressMode, progressReporter, summaryJson } from '../progress.ts';

interface SyncOptions {
  from: 'crm' | 'erp' | 'both';
  dryRun?: boolean;
  show?: string;
  /** The old name of `--show`, kept hidden so scripts that pass it go on working. */
  limit?: string;
  json?: boolean;
}

/** How many of the records that do something are listed after a pass, unless `--show` says. */
const SHOWN_BY_DEFAULT = 50;
const showOption = (): Option =>
  new Option(
    '--show <n>',
    `list this many of the records that do something (default ${SHOWN_BY_DEFAULT}); the pass handles all`,
  );
const limitAlias = (): Option => new Option('--limit <n>', 'deprecated: --show').hideHelp();

function summary(report: PassReport): string {
  const c = report.counts;
  if (report.dryRun)
    return `${report.read} read: ${c.sync} to sync or link, ${c.create} to create, ${c.archive + c.delete} to archive/delete, ${c.skip} nothing to do`;
  return (
    `${report.read} read: ${c.applied} applied, ${c.skipped} skipped (${c.unchanged} unchanged), ` +
    `${c.conflicted} conflicted, ${c.failed} failed (dead-lettered)`
  );
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
    .addOption(showOption())
    .addOption(limitAlias())
    .option('--json', 'one JSON object per page, then one per pass summary (stdout)')
    .action(syncAction);
  program
    .command('plan')
    .description('what one sync pass of a mapping would do, record by record; writes nothing (sync --dry-run)')
    .argument('<mapping>', 'mapping id')
    .addOption(
      new Option('--from <side>', 'side(s) whose changes are read').choices(['crm', 'erp', 'both']).default('both'),
    )
    .addOption(showOption())
    .addOption(limitAlias())
    .option('--json', 'one JSON object per page, then one per pass summary (stdout)')
    .action((wanted: string, options: SyncOptions, command: Command) =>
      syncAction(wanted, { ...options, dryRun: true }, command),
    );
}

async function syncAction(wanted: string, options: SyncOptions, command: Command): Promise<void> {
  const config = loadCliConfig(command);
  requireConfiguration(config);
  const loaded = mappingById(config, wanted);
  const { mapping } = loaded;
  // On stderr, readable on a terminal: stdout is the pass's own output (JSON lines with --json).
  const level = config.logging.level === 'info' ? 'warn' : config.logging.level;
  const { logger } = cliLog(config, command, { to: 'stderr', level });
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
  const limit = intOption('--show', options.show ?? options.limit, SHOWN_BY_DEFAULT, 0, 1_000_000) ?? SHOWN_BY_DEFAULT;
  const json = options.json === true;
  const progress = progressReporter(progressMode({ json, isTTY: process.stderr.isTTY }));
  // Ctrl-C (or SIGTERM) once: stop after the pages in hand, recorded; twice: stop now, closing the run and the lease.
  const stopping = new AbortController();
  // A real pass takes the mapping's lease, as a worker's does, renewed while it runs: if this process dies, workers
  // wait sync.leaseSeconds at most. A dry run writes nothing and needs none.
  const leases = mappingLeases({
    leases: store.leases,
    holder: `cli-${hostname()}-${process.pid}`,
    leaseMs: config.sync.leaseSeconds * 1_000,
    logger,
  });
  const runs = runsInHand(store.runs, logger);
  const stopListening = onStopSignals({
    first: () => stopping.abort(),
    say: (line) => progress.notice(line),
    now: () => Promise.all([runs.stopNow(), leases.releaseAll()]),
  });
  try {
    const fields = await prepareMapping(loaded, { crm, erp }, { dryRun: options.dryRun === true });
    for (const side of ['crm', 'erp'] as const) {
      if (fields[side].length === 0) continue;
      if (json)
        process.stdout.write(
          `${JSON.stringify({
            type: 'fields',
            side,
            connection: connections[side],
            object: mapping.sides[side].object,
            created: fields[side],
            dryRun: options.dryRun === true,
          })}\n`,
        );
      else
        process.stdout.write(
          `${options.dryRun ? 'would create' : 'created'} custom fields in ${connections[side]} ${mapping.sides[side].object}: ${fields[side].join(', ')}\n`,
        );
    }
    const sides: Side[] = options.from === 'both' ? ['crm', 'erp'] : [options.from];
    for (const from of sides) {
      if (stopping.signal.aborted) {
        // Stopped before this side's pass began (it did not run): still not a whole sync.
        process.exitCode = EXIT_STOPPED;
        break;
      }
      const lines: string[] = [];
      let more = 0;
      let runId: string | undefined;
      const pass = (): Promise<PassReport> =>
        runPass({ mapping, connectors: { crm, erp }, store, connections }, from, {
          apply: options.dryRun !== true,
          signal: stopping.signal,
          onRun: (id) => {
            runId = id;
            runs.add(id);
          },
          actor: 'admin',
          // sync.overlapMinutes: how far behind its cursor each listing re-reads (connectors may ask for more).
          overlapMs: config.sync.overlapMinutes * 60_000,
          ...(config.sync.pageSize === undefined ? {} : { pageSize: config.sync.pageSize }),
          onPage({ plans, applied, progress: done }) {
            progress.page({ mapping: mapping.id, side: from, dryRun: options.dryRun === true, runId }, done);
            if (json) return;
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
        }).finally(() => {
          progress.end();
          // Recorded by the pass itself now (stopped, failed or done): stopping now leaves it as it is.
          if (runId !== undefined) runs.delete(runId);
        });
      let report: PassReport;
      if (options.dryRun === true) report = await pass();
      else {
        const outcome = await leases.run(mapping.id, from, 'refuse', pass);
        if (!outcome.ran) {
          const held = outcome.lease;
          throw new FrontbackError(
            ErrorCode.Conflict,
            `a pass of ${mapping.id} is running elsewhere (${held?.holder ?? 'another process'}, ` +
              `lease until ${held?.expiresAt ?? '?'}): try again when it is done, or use --dry-run`,
            { details: { mapping: mapping.id } },
          );
        }
        report = outcome.value;
      }
      if (report.guarded && !options.dryRun) process.exitCode = 1;
      if (report.stopped) process.exitCode = EXIT_STOPPED;
      if (json) {
        process.stdout.write(`${summaryJson(report)}\n`);
        continue;
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
            : `  stopped at the create guard (${describeGuard(mapping)}): ${report.counts.guarded} ` +
                `records left; the mapping is held: look at the plan, then frontback accept ${mapping.id}\n`,
        );
      }
      for (const line of lines) process.stdout.write(`${line}\n`);
      if (more > 0)
        process.stdout.write(
          `  ... and ${more} more (--show n lists more${options.dryRun ? `; every plan: frontback runs show ${report.runId}` : ''})\n`,
        );
      if (report.stopped) {
        process.stdout.write(`  stopped (Ctrl-C) after the pages in hand: the next pass goes on from the cursor\n`);
      }
    }
  } finally {
    stopListening();
    await open.close();
    await store.close();
  }
}
