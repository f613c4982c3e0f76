/**
 * The one way CLI commands load configuration: `--config` (a program option),
 * then the process environment (FRONTBACK_CONFIG, FRONTBACK_* overrides, ${VAR}).
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/types.ts';
import { connectorRegistry } from '../../connectors/index.ts';

/**
 * Loads the configuration for the command `command` (the program or any
 * subcommand: `--config` is read from wherever it was given). Throws ConfigError,
 * which runCli prints with every problem and turns into exit code 1.
 */
export function loadCliConfig(command: Command, env: NodeJS.ProcessEnv = process.env): Config {
  const { config } = command.optsWithGlobals<{ config?: string }>();
  return loadConfig({
    ...(config === undefined ? {} : { file: config }),
    env,
    // The registry's kinds: a kind nothing implements is an error at load, listing the available ones.
    knownConnectorKinds: connectorRegistry.kinds(),
    cwd: process.cwd(),
  });
}
