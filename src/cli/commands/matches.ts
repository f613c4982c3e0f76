/**
 * `frontback matches`: records that wait for a person (ambiguous matches: several
 * candidates, a candidate linked elsewhere, weak evidence) or for their partner (no
 * partner, and the mapping may not create one; a link they need not there yet), and a
 * person's answer. `frontback accept`: lets a mapping held by its create guard go on.
 *
 *   frontback matches list [--mapping <id>] [--kind ambiguous|waiting] [--all]
 *   frontback matches resolve <id> --link <partner id> | --create | --never [--by <name>]
 *   frontback accept <mapping> [--by <name>]
 *
 * `resolve` carries the decision out at once (src/sync/matches.ts) and audits it.
 */
import { Option, type Command } from 'commander';
import { ErrorCode, FrontbackError } from '../../errors.ts';
import type { Match, MatchDecision, MatchKind } from '../../store/match-repository.ts';
import { acceptHold } from '../../sync/guard.ts';
import { resolveMatch } from '../../sync/matches.ts';
import { other } from '../../sync/sides.ts';
import { actorName } from '../actor.ts';
import { openEngine } from '../engine.ts';

function line(m: Match): string {
  const to = other(m.side);
  const candidates =
    m.candidates.length === 0
      ? 'no candidate'
      : m.candidates.map((c) => `${to} ${c.id} (${c.rule}${c.key ? ` ${JSON.stringify(c.key)}` : ''})`).join(', ');
  const decided = m.decision
    ? `  decided ${m.decision.choice}${m.decision.choice === 'link' ? ` ${m.decision.partnerId}` : ''} by ${m.decidedBy ?? '?'}`
    : '';
  return `${m.id}  ${m.mappingId}  ${m.kind}  ${m.side} ${m.recordId}  ${m.status}${decided}\n    ${m.reason}\n    candidates: ${candidates}\n`;
}

/** Registers `matches list|resolve` and `accept`. */
export function registerMatchesCommand(program: Command): void {
  const matches = program
    .command('matches')
    .description('records waiting for a person or for their partner: list them, decide');
  matches
    .command('list', { isDefault: true })
    .description('open matches, oldest first, with their candidates')
    .option('--mapping <id>', 'only this mapping')
    .addOption(new Option('--kind <kind>', 'only this kind').choices(['ambiguous', 'waiting']))
    .option('--all', 'decided ones too')
    .option('--limit <n>', 'how many', '100')
    .option('--json', 'one JSON object per line')
    .action(
      async (
        options: { mapping?: string; kind?: MatchKind; all?: boolean; limit: string; json?: boolean },
        command: Command,
      ) => {
        const open = await openEngine(command);
        try {
          const rows = await open.store.matches.list({
            ...(options.mapping ? { mappingId: options.mapping } : {}),
            ...(options.kind ? { kind: options.kind } : {}),
            ...(options.all ? {} : { status: 'open' as const }),
            limit: Math.max(1, Number(options.limit) || 100),
          });
          for (const m of rows) process.stdout.write(options.json ? `${JSON.stringify(m)}\n` : line(m));
          if (!options.json)
            process.stdout.write(`${rows.length} ${options.all ? '' : 'open '}match${rows.length === 1 ? '' : 'es'}\n`);
        } finally {
          await open.close();
        }
      },
    );
  matches
    .command('resolve')
    .description('link the record to a partner, create a new one, or never link it; carried out now and audited')
    .argument('<id>', 'match id (from matches list)')
    .option('--link <partner>', "the other side's record id to link it to")
    .option('--create', 'create a new partner for it (within what the mapping may create)')
    .option('--never', 'never link or create it automatically')
    .option('--by <name>', 'who decides (audited); default $USER')
    .action(
      async (
        id: string,
        options: { link?: string; create?: boolean; never?: boolean; by?: string },
        command: Command,
      ) => {
        const given = [options.link !== undefined, options.create === true, options.never === true].filter(
          Boolean,
        ).length;
        if (given !== 1)
          throw new FrontbackError(ErrorCode.Validation, 'give exactly one of --link <partner id>, --create, --never');
        const decision: MatchDecision =
          options.link !== undefined
            ? { choice: 'link', partnerId: options.link }
            : options.create
              ? { choice: 'create' }
              : { choice: 'never' };
        const open = await openEngine(command);
        try {
          const match = await open.store.matches.get(id);
          if (!match)
            throw new FrontbackError(ErrorCode.NotFound, `no match ${id} (frontback matches list shows the open ones)`);
          const outcome = await resolveMatch(open.engine.context(match.mappingId), id, decision, actorName(options.by));
          const what = outcome.applied
            ? `${outcome.applied.status}${outcome.applied.partnerId ? ` (partner ${outcome.applied.partnerId})` : ''}: ` +
              `${outcome.applied.message ?? outcome.applied.plan.reason}`
            : 'never linked';
          process.stdout.write(
            `resolved ${id}: ${decision.choice}; ${what}${outcome.runId ? ` (run ${outcome.runId})` : ''}\n`,
          );
        } finally {
          await open.close();
        }
      },
    );
  program
    .command('accept')
    .description('let a mapping held by its create guard go on: its next pass creates without the guard')
    .argument('<mapping>', 'mapping id')
    .option('--by <name>', 'who accepts (audited); default $USER')
    .action(async (mapping: string, options: { by?: string }, command: Command) => {
      const open = await openEngine(command);
      try {
        open.engine.context(mapping);
        const by = actorName(options.by);
        const hold = await acceptHold(open.store, mapping, by);
        process.stdout.write(
          `accepted ${mapping} (held since ${hold.heldAt}, run ${hold.runId}): its next pass from ` +
            `${String((hold.counts as { side?: unknown }).side ?? '?')} goes on without the guard\n`,
        );
      } finally {
        await open.close();
      }
    });
}
