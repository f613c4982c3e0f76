import type { Command } from 'commander';
import { describeConfig } from '../../config/describe.ts';
import { MappingError } from '../../errors.ts';
import { loadMappings } from '../../mapping/load.ts';
import { loadCliConfig, requireConfiguration } from '../config.ts';
import { mappingCatalog } from '../mapping-catalog.ts';

/**
 * `frontback validate [-c file]`: loads the configuration and every mapping under
 * `mappings.dir`, and prints a summary with secrets masked (exit 0), or every
 * problem with file:line:column (exit 1, printed by runCli from the ConfigError or
 * MappingError). Mappings are checked against the configured connections and the
 * connectors' offline descriptions, and their examples run. It refuses what `sync` would:
 * a `mappings.dir` that does not exist; with no configuration at all it says in one line
 * how to get one.
 */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check the configuration and every mapping (examples run); print a summary (secrets masked)')
    .action((_options: unknown, command: Command) => {
      const config = loadCliConfig(command);
      requireConfiguration(config);
      const lines = [describeConfig(config)];
      const result = loadMappings(config.mappings.dir, { catalog: mappingCatalog(config) });
      if (result.issues.length > 0) throw new MappingError(result.issues);
      const ids = result.mappings.map((m) => `${m.mapping.id}@${m.mapping.version}`);
      lines.push(`mappings: ${ids.length} OK${ids.length > 0 ? ` (${ids.join(', ')})` : ''}`);
      for (const warning of result.warnings) lines.push(`  warning: ${warning}`);
      lines.push('configuration OK');
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
