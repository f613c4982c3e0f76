/**
 * The one way CLI commands load configuration: `--config` (a program option),
 * then the process environment (FRONTBACK_CONFIG, FRONTBACK_* overrides, ${VAR}).
 */
import type { Command } from 'commander';
import { ErrorCode, FrontbackError } from '../errors.ts';
import { loadConfig, type LoadConfigOptions } from '../config/load.ts';
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
    ...connectorConfigFacts(),
    cwd: process.cwd(),
  });
}

/** What a newcomer without a configuration is told, in one line. */
export const NO_CONFIGURATION =
  'no configuration: pass -c config/demo.yaml (the demo, on the sandboxes: npm run demo), or copy ' +
  'config/frontback.example.yaml to config/frontback.yaml (read by default) and fill in your connections';

/**
 * Refuses to go on without a configuration file and with no connection: every mapping would
 * fail alike ("unknown connection"), so the one thing to say is how to get a configuration.
 */
export function requireConfiguration(config: Config): void {
  if (config.source.file === null && Object.keys(config.connections).length === 0)
    throw new FrontbackError(ErrorCode.Config, NO_CONFIGURATION);
}

/**
 * What the configuration loader needs to know of the connectors: the registry's kinds (a
 * kind nothing implements is an error at load, listing the available ones) and who
 * chooses each kind's webhook secret (an admin-chosen one must be strong).
 */
export function connectorConfigFacts(): Pick<LoadConfigOptions, 'knownConnectorKinds' | 'webhookSecretOrigins'> {
  const kinds = connectorRegistry.kinds();
  const webhookSecretOrigins = Object.fromEntries(
    kinds.flatMap((kind) => {
      const origin = connectorRegistry.get(kind)?.webhookSecret;
      return origin === undefined ? [] : [[kind, origin] as const];
    }),
  );
  return { knownConnectorKinds: kinds, webhookSecretOrigins };
}

/** True when the configuration names an admin (`server.adminToken` or `server.admins`): the admin API and the console are on. */
export function adminsConfigured(config: Config): boolean {
  return config.server.adminTokens.length > 0 || config.server.admins.length > 0;
}
