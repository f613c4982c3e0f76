/**
 * `frontback problems [mapping]`: the fields passes left out of a write (a lookup found
 * nothing, a transform refused the value), per record, until a later sync writes them
 * (docs/problems.md); with counts per field and reason.
 *
 *   frontback problems [mapping] [--field <name>] [--limit 50] [--after <id>] [--json]
 */
import type { Command } from 'commander';
import type { Problem, ProblemCount } from '../../store/problem-repository.ts';
import { loadCliConfig } from '../config.ts';
import { openStore } from '../context.ts';
import { intOption } from '../int-option.ts';

function line(p: Problem): string {
  return (
    `${p.id}  ${p.mappingId}  ${p.side} ${p.recordId} -> ${p.target}  ${p.field}: ${p.reason}` +
    `  (first ${p.firstSeen}, last ${p.lastSeen}, run ${p.runId})\n`
  );
}

/** The counts as a small table: count, mapping, field, reason. */
export function countsTable(counts: readonly ProblemCount[]): string {
  if (counts.length === 0) return '';
  const width = Math.max(...counts.map((c) => String(c.count).length));
  const field = Math.max(...counts.map((c) => `${c.mappingId}  ${c.field}`.length));
  const rows = counts.map(
    (c) => `  ${String(c.count).padStart(width)}  ${`${c.mappingId}  ${c.field}`.padEnd(field)}  ${c.reason}\n`,
  );
  return `by field and reason:\n${rows.join('')}`;
}

/** Registers `problems`. */
export function registerProblemsCommand(program: Command): void {
  program
    .command('problems')
    .description('fields passes left out of a write (lookup found nothing, value refused), per record, until synced')
    .argument('[mapping]', 'only this mapping')
    .option('--field <name>', 'only this field (its rule name in the mapping)')
    .option('--limit <n>', 'how many records to list (the counts cover all)', '50')
    .option('--after <id>', 'list on after this problem id (the last one printed)')
    .option('--json', 'print {"problems": [...], "counts": [...]} as JSON')
    .action(
      async (
        mapping: string | undefined,
        options: { field?: string; limit: string; after?: string; json?: boolean },
        command: Command,
      ) => {
        const limit = intOption('--limit', options.limit, 50, 1, 1000) ?? 50;
        const store = await openStore(loadCliConfig(command).store.url, { mustExist: true });
        try {
          const problems = await store.problems.list({
            ...(mapping ? { mappingId: mapping } : {}),
            ...(options.field ? { field: options.field } : {}),
            ...(options.after ? { afterId: options.after } : {}),
            limit,
          });
          const counts = (await store.problems.counts(mapping)).filter(
            (c) => options.field === undefined || c.field === options.field,
          );
          if (options.json) {
            process.stdout.write(`${JSON.stringify({ problems, counts })}\n`);
            return;
          }
          for (const p of problems) process.stdout.write(line(p));
          process.stdout.write(countsTable(counts));
          const total = counts.reduce((n, c) => n + c.count, 0);
          const scope = [mapping ? `mapping ${mapping}` : '', options.field ? `field ${options.field}` : '']
            .filter(Boolean)
            .join(', ');
          process.stdout.write(`${total} open problem${total === 1 ? '' : 's'}${scope ? ` (${scope})` : ''}`);
          if (problems.length < total && problems.length === limit)
            process.stdout.write(`; listed ${problems.length}: --after ${problems.at(-1)?.id ?? ''} for more`);
          process.stdout.write('\n');
          if (total === 0 && mapping !== undefined) {
            const others = [...new Set((await store.problems.counts()).map((c) => c.mappingId))];
            if (others.length > 0) process.stdout.write(`(open problems exist for: ${others.join(', ')})\n`);
          }
        } finally {
          await store.close();
        }
      },
    );
}
