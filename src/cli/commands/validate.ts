import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { describeConfig } from '../../config/describe.ts';
import { loadCliConfig } from '../config.ts';

/**
 * `frontback validate [-c file]`: loads the configuration and prints a summary with
 * secrets masked (exit 0), or every problem with file:line:column (exit 1, printed
 * by runCli from the ConfigError).
 */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check the configuration and print a summary (secrets masked)')
    .action((_options: unknown, command: Command) => {
      const config = loadCliConfig(command);
      const lines = [describeConfig(config)];
      if (existsSync(resolve(process.cwd(), config.mappings.dir))) {
        lines.push('mappings: not validated yet (mapping engine not built)');
      }
      lines.push('configuration OK');
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
