/**
 * The program: global options, and each command's module loaded on demand. Each command
 * lives in its own file under src/cli/commands/ and registers itself on the program.
 */
import { Command, Option } from 'commander';
import pkg from '../../package.json' with { type: 'json' };

/** Registers one command module's commands on the program. */
type Register = (program: Command) => void;

/*
 * Each top-level command -> its module, imported only when needed: a command's module pulls in
 * the store, the queue, the server or the connectors, and importing all of them cost every start
 * about a second. Keys are the command names; a module registering two commands appears twice.
 */
const audit = async (): Promise<Register> => (await import('./commands/audit.ts')).registerAuditCommands;
const matches = async (): Promise<Register> => (await import('./commands/matches.ts')).registerMatchesCommand;
const sync = async (): Promise<Register> => (await import('./commands/sync.ts')).registerSyncCommand;
export const COMMAND_MODULES: Readonly<Record<string, () => Promise<Register>>> = {
  audit,
  conflicts: async () => (await import('./commands/conflicts.ts')).registerConflictsCommand,
  'dead-letters': async () => (await import('./commands/dead-letters.ts')).registerDeadLettersCommand,
  demo: async () => (await import('./commands/demo.ts')).registerDemoCommand,
  describe: async () => (await import('./commands/describe.ts')).registerDescribeCommand,
  explain: async () => (await import('./commands/explain.ts')).registerExplainCommand,
  inbox: async () => (await import('./commands/inbox.ts')).registerInboxCommand,
  matches,
  accept: matches,
  migrate: async () => (await import('./commands/migrate.ts')).registerMigrateCommand,
  preview: async () => (await import('./commands/preview.ts')).registerPreviewCommand,
  problems: async () => (await import('./commands/problems.ts')).registerProblemsCommand,
  runs: async () => (await import('./commands/runs.ts')).registerRunsCommand,
  sandbox: async () => (await import('./commands/sandbox.ts')).registerSandboxCommand,
  schema: async () => (await import('./commands/schema.ts')).registerSchemaCommand,
  secret: async () => (await import('./commands/secret.ts')).registerSecretCommand,
  serve: async () => (await import('./commands/serve.ts')).registerServeCommand,
  start: async () => (await import('./commands/start.ts')).registerStartCommand,
  sync,
  plan: sync,
  validate: async () => (await import('./commands/validate.ts')).registerValidateCommand,
  worker: async () => (await import('./commands/worker.ts')).registerWorkerCommand,
};

/** Global options that take a value (so the value is not taken for the command's name). */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['-c', '--config', '--log-format']);

/**
 * The modules to load for these arguments: the named command's alone, none for `--version`, or
 * every module when no known command is named (top-level help, `help <cmd>`, a typo commander
 * suggests a fix for).
 */
function requestedCommand(argv: readonly string[]): Array<() => Promise<Register>> {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    const load = COMMAND_MODULES[arg];
    return load ? [load] : [...new Set(Object.values(COMMAND_MODULES))];
  }
  if (argv.includes('-V') || argv.includes('--version')) return [];
  return [...new Set(Object.values(COMMAND_MODULES))];
}

/** The program for these arguments (`process.argv` without node and the script). */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
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
  const loaders = requestedCommand(argv);
  for (const register of await Promise.all(loaders.map((load) => load()))) register(program);
  return program;
}
