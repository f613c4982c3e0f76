/**
 * `frontback dead-letters`: changes a target refused, with its message, and what to do
 * about them.
 *
 *   frontback dead-letters list [--mapping <id>] [--side crm|erp] [--status open|replayed|discarded]
 *   frontback dead-letters replay <id...> | --all [--mapping <id>]
 *   frontback dead-letters discard <id...> --reason <text>
 *
 * `replay` syncs each source record again as it is now (src/sync/replay.ts); the exit
 * code is 1 when any is refused again. `discard` closes without writing, audited.
 */
import { Option, type Command } from 'commander';
import { ErrorCode, FrontbackError } from '../../errors.ts';
import type { DeadLetter, DeadLetterStatus } from '../../store/dead-letter-repository.ts';
import type { Side } from '../../store/link-repository.ts';
import { discardDeadLetter, replayDeadLetter } from '../../sync/replay.ts';
import { actorName } from '../actor.ts';
import { openEngine } from '../engine.ts';

function line(dl: DeadLetter): string {
  const payload = dl.payload as { op?: string } | null;
  return (
    `${dl.id}  ${dl.mappingId}  ${dl.side} ${dl.recordId} -> ${dl.connection} ${payload?.op ?? '?'}  ` +
    `${dl.attempts} attempt${dl.attempts === 1 ? '' : 's'}  ${dl.status}  ${dl.updatedAt}\n    ${dl.message}\n`
  );
}

interface ListOptions {
  mapping?: string;
  side?: Side;
  status: DeadLetterStatus;
  json?: boolean;
}

/** Registers `dead-letters list|replay|discard`. */
export function registerDeadLettersCommand(program: Command): void {
  const dead = program
    .command('dead-letters')
    .description('changes a target refused: list them, replay or discard them');
  dead
    .command('list', { isDefault: true })
    .description("dead letters, oldest first, with the target's message")
    .option('--mapping <id>', 'only this mapping')
    .addOption(new Option('--side <side>', 'only source records on this side').choices(['crm', 'erp']))
    .addOption(new Option('--status <status>', 'which ones').choices(['open', 'replayed', 'discarded']).default('open'))
    .option('--json', 'one JSON object per line')
    .action(async (options: ListOptions, command: Command) => {
      const open = await openEngine(command);
      try {
        const rows = await open.store.deadLetters.list({
          status: options.status,
          ...(options.mapping ? { mappingId: options.mapping } : {}),
          ...(options.side ? { side: options.side } : {}),
        });
        for (const dl of rows) process.stdout.write(options.json ? `${JSON.stringify(dl)}\n` : line(dl));
        if (!options.json)
          process.stdout.write(`${rows.length} ${options.status} dead letter${rows.length === 1 ? '' : 's'}\n`);
      } finally {
        await open.close();
      }
    });
  dead
    .command('replay')
    .description('sync each source record again as it is now; a success closes the dead letter')
    .argument('[ids...]', 'dead letter ids (from dead-letters list)')
    .option('--all', 'every open dead letter (of --mapping, if given)')
    .option('--mapping <id>', 'with --all: only this mapping')
    .option('--by <name>', 'who replays (audited); default $USER')
    .action(async (ids: string[], options: { all?: boolean; mapping?: string; by?: string }, command: Command) => {
      if ((ids.length === 0) === (options.all !== true))
        throw new FrontbackError(ErrorCode.Validation, 'give dead letter ids, or --all (not both)');
      const open = await openEngine(command);
      let refused = 0;
      try {
        const targets = options.all
          ? (
              await open.store.deadLetters.list({
                status: 'open',
                ...(options.mapping ? { mappingId: options.mapping } : {}),
              })
            ).map((dl) => dl.id)
          : ids;
        for (const id of targets) {
          try {
            const dl = await open.store.deadLetters.get(id);
            if (!dl) throw new FrontbackError(ErrorCode.NotFound, `no dead letter ${id}`);
            const outcome = await replayDeadLetter(open.engine.context(dl.mappingId), id, actorName(options.by));
            if (outcome.deadLetter.status === 'open') {
              refused += 1;
              process.stdout.write(
                `${id}: refused again (attempt ${outcome.deadLetter.attempts}): ${outcome.deadLetter.message}\n`,
              );
            } else {
              process.stdout.write(
                `${id}: ${outcome.applied.status} (${outcome.applied.plan.reason}), dead letter ${outcome.deadLetter.status} (run ${outcome.runId})\n`,
              );
            }
          } catch (err) {
            if (!(err instanceof FrontbackError)) throw err;
            refused += 1;
            process.stdout.write(`${id}: not replayed: ${err.message}\n`);
          }
        }
        process.stdout.write(`${targets.length - refused} of ${targets.length} replayed\n`);
        if (refused > 0) process.exitCode = 1;
      } finally {
        await open.close();
      }
    });
  dead
    .command('discard')
    .description('close dead letters without writing anything (audited, with the reason)')
    .argument('<ids...>', 'dead letter ids')
    .requiredOption('--reason <text>', 'why (audited)')
    .option('--by <name>', 'who discards (audited); default $USER')
    .action(async (ids: string[], options: { reason: string; by?: string }, command: Command) => {
      const open = await openEngine(command);
      try {
        for (const id of ids) {
          await discardDeadLetter(open.store, id, actorName(options.by), options.reason);
          process.stdout.write(`${id}: discarded\n`);
        }
      } finally {
        await open.close();
      }
    });
}
