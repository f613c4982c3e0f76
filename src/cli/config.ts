/**
 * The one way CLI commands load configuration: `--config` (a program option),
 * then the process environment (FRONTBACK_CONFIG, FRONTBACK_* overrides, ${VAR}).
 */
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/types.ts';
import { KNOWN_CONNECTOR_KINDS } from './known-connectors.ts';

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
    knownConnectorKinds: KNOWN_CONNECTOR_KINDS,
    cwd: process.cwd(),
  });
}
