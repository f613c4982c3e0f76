/**
 * The composition root: the only module that wires concrete connectors, store,
 * queue and server together. Each command lives in its own file under
 * src/cli/commands/ and registers itself on the program.
 */
import { Command, Option } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { registerAuditCommands } from './commands/audit.ts';
import { registerConflictsCommand } from './commands/conflicts.ts';
import { registerDeadLettersCommand } from './commands/dead-letters.ts';
import { registerInboxCommand } from './commands/inbox.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerDescribeCommand } from './commands/describe.ts';
import { registerExplainCommand } from './commands/explain.ts';
import { registerPreviewCommand } from './commands/preview.ts';
import { registerProblemsCommand } from './commands/problems.ts';
import { registerRunsCommand } from './commands/runs.ts';
import { registerMigrateCommand } from './commands/migrate.ts';
import { registerMatchesCommand } from './commands/matches.ts';
import { registerSandboxCommand } from './commands/sandbox.ts';
import { registerSchemaCommand } from './commands/schema.ts';
import { registerSecretCommand } from './commands/secret.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerStartCommand } from './commands/start.ts';
import { registerSyncCommand } from './commands/sync.ts';
import { registerValidateCommand } from './commands/validate.ts';
import { registerWorkerCommand } from './commands/worker.ts';
import { runCli } from './run.ts';

export function buildProgram(): Command {
  const program = new Command('frontback')
    .description('Two-way CRM <-> ERP sync with field-level conflict resolution and a hash-chained audit log')
    .option(
      '-c, --config <file>',
      'configuration file (default: $FRONTBACK_CONFIG, else config/frontback.yaml if present, else built-in defaults)',
    )
    .addOption(
      new Option(
        '--log-format <format>',
        'logs as text for people or as JSON lines (default: $FRONTBACK_LOG_FORMAT, else logging.format, else pretty on a terminal, else json)',
      ).choices(['pretty', 'json']),
    )
    .version(pkg.version, '-V, --version', 'print the version')
    .showHelpAfterError()
    // Global options (-c, --log-format) listed in every subcommand's help too.
    .configureHelp({ sortSubcommands: true, showGlobalOptions: true });
  registerDemoCommand(program);
  registerValidateCommand(program);
  registerAuditCommands(program);
  registerSandboxCommand(program);
  registerPreviewCommand(program);
  registerSchemaCommand(program);
  registerServeCommand(program);
  registerStartCommand(program);
  registerWorkerCommand(program);
  registerSyncCommand(program);
  registerConflictsCommand(program);
  registerDeadLettersCommand(program);
  registerInboxCommand(program);
  registerRunsCommand(program);
  registerMatchesCommand(program);
  registerProblemsCommand(program);
  registerMigrateCommand(program);
  registerDescribeCommand(program);
  registerExplainCommand(program);
  registerSecretCommand(program);
  return program;
}

await runCli(buildProgram(), process.argv);
