import type { Command } from 'commander';

export function registerAuditCommands(program: Command): void {
  program.command('audit').description('audit log commands');
}
