/**
 * `frontback conflicts`: the fields parked by the rule `manual` (both sides changed
 * differently), and a person's answer.
 *
 *   frontback conflicts list [--mapping <id>] [--resolved]
 *   frontback conflicts resolve <id> --take crm|erp [--by <name>]
 *
 * `resolve` writes the chosen side's value to the other side now (src/sync/resolve.ts),
 * closes the conflict and audits who chose what.
 */
import { Option, type Command } from 'commander';
import type { Conflict } from '../../store/conflict-repository.ts';
import { resolveConflict } from '../../sync/resolve.ts';
import { ErrorCode, FrontbackError } from '../../errors.ts';
import { openEngine } from '../engine.ts';
import { actorName, showValue } from '../actor.ts';

function line(c: Conflict): string {
  const resolved =
    c.status === 'resolved'
      ? `  resolved by ${c.resolvedBy ?? '?'} (${c.resolution?.choice ?? '?'}) at ${c.resolvedAt ?? '?'}`
      : '';
  return `${c.id}  ${c.mappingId}  ${c.field}  crm ${showValue(c.crmValue)}  erp ${showValue(c.erpValue)}  parked ${c.createdAt}${resolved}\n`;
}

/** Registers `conflicts list|resolve`. */
export function registerConflictsCommand(program: Command): void {
  const conflicts = program
    .command('conflicts')
    .description('fields both sides changed differently (rule manual): list them, choose a side');
  conflicts
    .command('list', { isDefault: true })
    .description('open conflicts, oldest first')
    .option('--mapping <id>', 'only this mapping')
    .option('--resolved', 'resolved ones instead of open ones')
    .option('--json', 'one JSON object per line')
    .action(async (options: { mapping?: string; resolved?: boolean; json?: boolean }, command: Command) => {
      const open = await openEngine(command);
      try {
        const rows = await open.store.conflicts.list({
          status: options.resolved ? 'resolved' : 'open',
          ...(options.mapping ? { mappingId: options.mapping } : {}),
        });
        for (const c of rows) process.stdout.write(options.json ? `${JSON.stringify(c)}\n` : line(c));
        if (!options.json)
          process.stdout.write(
            `${rows.length} ${options.resolved ? 'resolved' : 'open'} conflict${rows.length === 1 ? '' : 's'}\n`,
          );
      } finally {
        await open.close();
      }
    });
  conflicts
    .command('resolve')
    .description("take one side's value: it is written to the other side now, and the conflict closed (audited)")
    .argument('<id>', 'conflict id (from conflicts list)')
    .addOption(new Option('--take <side>', 'the side whose value wins').choices(['crm', 'erp']).makeOptionMandatory())
    .option('--by <name>', 'who decides (audited); default $USER')
    .action(async (id: string, options: { take: 'crm' | 'erp'; by?: string }, command: Command) => {
      const open = await openEngine(command);
      try {
        const conflict = await open.store.conflicts.get(id);
        if (!conflict)
          throw new FrontbackError(
            ErrorCode.NotFound,
            `no conflict ${id} (frontback conflicts list shows the open ones)`,
          );
        const outcome = await resolveConflict(
          open.engine.context(conflict.mappingId),
          id,
          options.take,
          actorName(options.by),
        );
        const to = options.take === 'crm' ? 'erp' : 'crm';
        const written = Object.keys(outcome.applied.plan.patch[to]);
        process.stdout.write(
          `resolved ${id}: ${conflict.field} takes the ${options.take} value ${showValue(options.take === 'crm' ? conflict.crmValue : conflict.erpValue)}; ` +
            `${written.length > 0 ? `written to ${to}: ${written.join(', ')}` : `${to} already agreed`} (run ${outcome.runId})\n`,
        );
      } finally {
        await open.close();
      }
    });
}
