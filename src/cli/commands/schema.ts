/**
 * `frontback schema mapping [--out file]`: prints the JSON Schema of mapping files
 * (from the zod spec, the single definition), for editors: point
 * yaml-language-server at it with `# yaml-language-server: $schema=<file>`.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Argument, type Command } from 'commander';
import { mappingJsonSchema } from '../../mapping/spec.ts';

/** Registers `frontback schema`. */
export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of a file format (mapping), for editors')
    .addArgument(new Argument('<format>', 'file format').choices(['mapping']))
    .option('--out <file>', 'write to a file instead of standard output')
    .action((_format: string, options: { out?: string }) => {
      const text = `${JSON.stringify(mappingJsonSchema(), null, 2)}\n`;
      if (options.out === undefined) process.stdout.write(text);
      else {
        writeFileSync(resolve(process.cwd(), options.out), text);
        process.stdout.write(`wrote ${options.out}\n`);
      }
    });
}
