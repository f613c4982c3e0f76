import type { Command } from 'commander';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the demo on embedded defaults')
    .action(() => {
      process.stdout.write('frontback demo: being assembled in this change\n');
    });
}
