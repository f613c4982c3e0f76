/**
 * `frontback runs`: the sync runs the store recorded (passes, dry runs, replays,
 * resolutions), and the plans a dry run stored.
 *
 *   frontback runs list [--mapping <id>] [--limit n]
 *   frontback runs show <run> [--action sync|create|archive|delete|skip] [--after n] [--limit n] [--json]
 *
 * `show` pages through a dry run's plans in order (`--after` the last `seq` shown);
 * nothing is held in memory beyond one page.
 */
import { Option, type Command } from 'commander';
import { ErrorCode, FrontbackError } from '../../errors.ts';
import type { Run } from '../../store/run-repository.ts';
import { describePlan, viewOfStored } from '../../sync/plan-view.ts';
import { describeApiUse } from '../api-use.ts';
import { loadCliConfig } from '../config.ts';
import { openStore } from '../context.ts';
import { intOption } from '../int-option.ts';

function line(run: Run): string {
  const took = run.finishedAt
    ? `${((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1)} s`
    : run.status === 'queued'
      ? 'queued'
      : 'running';
  const counts = Object.entries(run.counts)
    .map(
      ([k, v]) =>
        `${k} ${k === 'api' ? describeApiUse(v) : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`,
    )
    .join(', ');
  return `${run.id}  ${run.mappingId}  ${run.trigger}  ${run.status}  ${run.startedAt}  ${took}  ${counts}${run.error ? `\n    ${run.error}` : ''}\n`;
}

/** Registers `runs list|show`. */
export function registerRunsCommand(program: Command): void {
  const runs = program.command('runs').description('sync runs, newest first, and the plans a dry run stored');
  runs
    .command('list', { isDefault: true })
    .description('the newest runs with their counts')
    .option('--mapping <id>', 'only this mapping')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'one JSON object per line')
    .action(async (options: { mapping?: string; limit: string; json?: boolean }, command: Command) => {
      const store = await openStore(loadCliConfig(command).store.url, { mustExist: true });
      try {
        const rows = await store.runs.list({
          limit: intOption('--limit', options.limit, 20, 1, 1000) ?? 20,
          ...(options.mapping ? { mappingId: options.mapping } : {}),
        });
        for (const run of rows) process.stdout.write(options.json ? `${JSON.stringify(run)}\n` : line(run));
      } finally {
        await store.close();
      }
    });
  runs
    .command('show')
    .description('a run and a page of its stored plans (dry runs store theirs)')
    .argument('<run>', 'run id (from runs list, or what plan printed)')
    .addOption(
      new Option('--action <action>', 'only plans of this action').choices([
        'sync',
        'create',
        'archive',
        'delete',
        'skip',
      ]),
    )
    .option('--after <seq>', 'plans after this position', '0')
    .option('--limit <n>', 'plans per page', '50')
    .option('--json', 'one JSON object per plan')
    .action(
      async (
        id: string,
        options: { action?: string; after: string; limit: string; json?: boolean },
        command: Command,
      ) => {
        const store = await openStore(loadCliConfig(command).store.url, { mustExist: true });
        try {
          const run = await store.runs.get(id);
          if (run === undefined)
            throw new FrontbackError(ErrorCode.NotFound, `no run ${id} (frontback runs list shows the newest)`);
          const limit = intOption('--limit', options.limit, 50, 1, 1000) ?? 50;
          const plans = await store.plans.list(id, {
            afterSeq: intOption('--after', options.after, 0, 0) ?? 0,
            limit,
            ...(options.action ? { action: options.action } : {}),
          });
          if (!options.json) {
            process.stdout.write(line(run));
            const counts = await store.plans.counts(id);
            const total = Object.values(counts).reduce((a, b) => a + b, 0);
            process.stdout.write(
              total === 0
                ? 'no stored plans (only dry runs store theirs, and the newest of each mapping keep them)\n'
                : `${total} plans: ${Object.entries(counts)
                    .map(([k, v]) => `${v} ${k}`)
                    .join(', ')}\n`,
            );
          }
          for (const stored of plans) {
            const view = viewOfStored(stored);
            process.stdout.write(
              options.json
                ? `${JSON.stringify({ seq: stored.seq, ...view })}\n`
                : `  ${String(stored.seq).padStart(6)}  ${describePlan(view)}\n`,
            );
          }
          const last = plans.at(-1);
          if (!options.json && last && plans.length === limit)
            process.stdout.write(
              `  ... more: frontback runs show ${id} --after ${last.seq}${options.action ? ` --action ${options.action}` : ''}\n`,
            );
        } finally {
          await store.close();
        }
      },
    );
}
