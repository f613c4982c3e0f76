import type { Command } from 'commander';

export function registerValidateCommand(program: Command): void {
  program.command('validate').description('check the configuration').action(() => {});
}
