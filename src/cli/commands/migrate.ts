/**
 * `frontback migrate [--grant <role>]`: brings the store's schema up to date with the
 * owner's URL (`store.migrationUrl`, env FRONTBACK_MIGRATION_URL; default `store.url`)
 * and, on PostgreSQL, grants the runtime role (`--grant`, else `store.runtimeRole`) what
 * frontback needs and no more (docs/store.md, "Append-only that holds").
 *
 * The runtime still migrates at open when its role may (SQLite, a PostgreSQL role that
 * owns the schema); a runtime role that may not refuses to start and names this command.
 */
import type { Command } from 'commander';
import { safeUrl } from '../../observability/logger.ts';
import { migrateStore } from '../../store/sql/migrate-store.ts';
import { loadCliConfig } from '../config.ts';

/** Registers `migrate`. */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('bring the store schema up to date with the owner URL (store.migrationUrl); grant the runtime role')
    .option('--grant <role>', 'PostgreSQL: grant this runtime role its privileges (default: store.runtimeRole)')
    .action(async (options: { grant?: string }, command: Command) => {
      const config = loadCliConfig(command);
      const url = config.store.migrationUrl ?? config.store.url;
      const runtimeRole = options.grant ?? config.store.runtimeRole;
      const result = await migrateStore({ url, ...(runtimeRole === undefined ? {} : { runtimeRole }) });
      const where = result.kind === 'postgres' ? safeUrl(url) : url;
      const lines =
        result.applied.length === 0
          ? [`store ${where}: schema up to date`]
          : result.applied.map((name) => `store ${where}: applied ${name}`);
      if (result.granted !== undefined) {
        lines.push(`granted role ${result.granted}: read and append the audit log, read and write the other tables`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
