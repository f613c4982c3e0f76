/**
 * `frontback inbox`: webhook deliveries that are not done, and putting failed ones back.
 *
 *   frontback inbox list [--status pending|processing|failed]
 *   frontback inbox retry <id...> | --failed
 *
 * A delivery is only a hint (the pass re-reads the record), so retrying one is always
 * safe: it goes back to pending and the engine's loop (`start`, `worker`) takes it again.
 */
import { Option, type Command } from 'commander';
import { ErrorCode, FrontbackError } from '../../errors.ts';
import type { InboxItem, InboxStatus } from '../../store/inbox-repository.ts';
import { openEngine } from '../engine.ts';

function line(row: InboxItem): string {
  const payload = row.payload as { object?: unknown; id?: unknown } | null;
  const error = row.lastError ? `\n    ${row.lastError}` : '';
  return (
    `${row.id}  ${row.source}  ${String(payload?.object ?? '?')} ${String(payload?.id ?? '?')}  ${row.status} ` +
    ` ${row.attempts} attempt${row.attempts === 1 ? '' : 's'}  received ${row.receivedAt}${error}\n`
  );
}

/** Registers `inbox list|retry`. */
export function registerInboxCommand(program: Command): void {
  const inbox = program
    .command('inbox')
    .description('webhook deliveries not done yet: list them, put failed ones back');
  inbox
    .command('list', { isDefault: true })
    .description('deliveries not done, oldest first (default: every status but done)')
    .addOption(new Option('--status <status>', 'only this status').choices(['pending', 'processing', 'failed']))
    .option('--json', 'one JSON object per line')
    .action(async (options: { status?: InboxStatus; json?: boolean }, command: Command) => {
      const open = await openEngine(command);
      try {
        const rows = await open.store.inbox.listOpen({
          statuses: options.status ? [options.status] : ['pending', 'processing', 'failed'],
        });
        for (const row of rows) process.stdout.write(options.json ? `${JSON.stringify(row)}\n` : line(row));
        if (!options.json)
          process.stdout.write(
            `${rows.length} ${options.status ?? 'open'} deliver${rows.length === 1 ? 'y' : 'ies'}\n`,
          );
      } finally {
        await open.close();
      }
    });
  inbox
    .command('retry')
    .description('put deliveries back to pending: the running loop (start, worker) takes them again')
    .argument('[ids...]', 'delivery ids (from inbox list)')
    .option('--failed', 'every failed delivery')
    .action(async (ids: string[], options: { failed?: boolean }, command: Command) => {
      if ((ids.length === 0) === (options.failed !== true))
        throw new FrontbackError(ErrorCode.Validation, 'give delivery ids, or --failed (not both)');
      const open = await openEngine(command);
      try {
        const targets = options.failed
          ? (await open.store.inbox.listOpen({ statuses: ['failed'] })).map((r) => r.id)
          : ids;
        for (const id of targets) {
          const row = await open.store.inbox.get(id);
          if (!row) throw new FrontbackError(ErrorCode.NotFound, `no delivery ${id} (frontback inbox list shows them)`);
          await open.store.inbox.release(id);
          process.stdout.write(`${id}: back to pending (was ${row.status})\n`);
        }
        process.stdout.write(`${targets.length} put back\n`);
      } finally {
        await open.close();
      }
    });
}
