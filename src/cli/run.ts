import type { Command } from 'commander';
import { ErrorCode, FrontbackError } from '../errors.ts';

/** The line printed for a known problem: credentials a system refused also say which connection, and where to fix them. */
export function problemLine(err: FrontbackError): string {
  const connection = err.details.connection;
  if (err.code !== ErrorCode.Auth || typeof connection !== 'string' || connection === '') return err.message;
  return `${connection}: credentials refused (check connections.${connection}.auth): ${err.message}`;
}

/**
 * Runs the program and turns errors into a clear message and an exit code:
 * 1 for a known problem (bad config, broken audit chain, ...), 2 for usage
 * errors, 70 (EX_SOFTWARE) for a bug. Stack traces only with FRONTBACK_DEBUG=1.
 */
export async function runCli(program: Command, argv: readonly string[]): Promise<void> {
  // exitOverride() applies to one command only: set it on every subcommand so a
  // usage error anywhere exits 2 through the handler below.
  const withOverride = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(withOverride);
  };
  withOverride(program);
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      // commander already printed help or the usage problem.
      process.exitCode = code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : 2;
      return;
    }
    if (err instanceof FrontbackError) {
      process.stderr.write(`frontback: ${problemLine(err)}\n`);
      if (process.env.FRONTBACK_DEBUG === '1') process.stderr.write(`${err.stack ?? ''}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`frontback: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 70;
  }
}
