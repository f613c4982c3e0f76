/**
 * Loads the configuration: find the file, parse it keeping positions, interpolate
 * `${VAR}`, apply environment overrides, validate, and freeze. Every problem is
 * collected and thrown once, as a {@link ConfigError} whose issues each carry
 * file:line:column, key path and what was expected.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, type SourceIssue } from '../errors.ts';
import { CONFIG_DEFAULTS } from './defaults.ts';
import { didYouMean } from './did-you-mean.ts';
import { interpolateValue, type Env } from './interpolate.ts';
import { checkChosenSecrets, type WebhookSecretOrigin } from './check-secrets.ts';
import { checkDemoSecrets } from './demo-secrets.ts';
import { configSchema, SECRET_KEYS } from './schema.ts';
import type { Config } from './types.ts';
import { createIssueTranslator, describeInput } from './zod-issues.ts';
import { compareIssues, formatPath, parseYamlSource, type YamlPath, type YamlSource } from './yaml-source.ts';

/** How to load the configuration. */
export interface LoadConfigOptions {
  /** Configuration file (from `--config`); default `$FRONTBACK_CONFIG`, else `config/frontback.yaml` if it exists, else none. */
  file?: string;
  /** The environment for `${VAR}`, `VAR_FILE` and the FRONTBACK_* overrides. Passed in, never read globally. */
  env: Env;
  /** Connector kinds the registry knows; when given, any other `kind` is refused. */
  knownConnectorKinds?: readonly string[];
  /**
   * Who chooses each connector kind's webhook secret, as the connectors declare it: an
   * `admin-chosen` one must be strong (docs/security.md); kinds not listed have theirs
   * checked for presence only.
   */
  webhookSecretOrigins?: Readonly<Record<string, WebhookSecretOrigin>>;
  /** Directory relative paths are resolved against; default `process.cwd()`. */
  cwd?: string;
}

/** Environment variables that override one key each (applied after the file, before validation). */
export const ENV_OVERRIDES: readonly { readonly env: string; readonly path: readonly string[] }[] = [
  { env: 'FRONTBACK_STORE_URL', path: ['store', 'url'] },
  { env: 'FRONTBACK_MIGRATION_URL', path: ['store', 'migrationUrl'] },
  { env: 'FRONTBACK_REDIS_URL', path: ['queue', 'redis'] },
  { env: 'FRONTBACK_ADMIN_TOKEN', path: ['server', 'adminToken'] },
  { env: 'FRONTBACK_METRICS_TOKEN', path: ['server', 'metricsToken'] },
  // A container listens on 0.0.0.0 (the image sets it) where a host install keeps 127.0.0.1.
  { env: 'FRONTBACK_HOST', path: ['server', 'host'] },
  { env: 'FRONTBACK_PORT', path: ['server', 'port'] },
  { env: 'FRONTBACK_LOG_LEVEL', path: ['logging', 'level'] },
  { env: 'FRONTBACK_LOG_FORMAT', path: ['logging', 'format'] },
];

/** Connection names: lowercase identifiers, so they are safe in URLs, metrics labels and mapping files. */
const CONNECTION_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** Label used as `file` when no configuration file is read. */
export const NO_FILE = '(built-in defaults)';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Recursively freezes a plain value so no part of the loaded config can change. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function chooseFile(options: LoadConfigOptions, cwd: string): string | null {
  if (options.file !== undefined && options.file !== '') return options.file;
  const fromEnv = options.env.FRONTBACK_CONFIG;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return existsSync(resolve(cwd, CONFIG_DEFAULTS.configFile)) ? CONFIG_DEFAULTS.configFile : null;
}

function readSource(file: string | null, cwd: string): YamlSource {
  if (file === null) return parseYamlSource('', NO_FILE);
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code ?? err);
    throw new ConfigError([{ file, path: '', message: `cannot read the configuration file: ${why}` }]);
  }
  return parseYamlSource(text, file);
}

/** Connection names and connector kinds, checked on the raw value so they are reported with everything else. */
function checkConnections(
  raw: Record<string, unknown>,
  source: YamlSource,
  knownKinds: readonly string[] | undefined,
): SourceIssue[] {
  const issues: SourceIssue[] = [];
  const connections = raw.connections;
  if (!isPlainObject(connections)) return issues;
  for (const [name, connection] of Object.entries(connections)) {
    if (!CONNECTION_NAME.test(name)) {
      issues.push(
        source.issueAt(
          ['connections', name],
          `connection name "${name}" must be a lowercase identifier (a-z, 0-9, "-", "_", starting with a letter)`,
          'key',
        ),
      );
    }
    const kind = isPlainObject(connection) ? connection.kind : undefined;
    if (knownKinds && typeof kind === 'string' && kind !== '' && !knownKinds.includes(kind)) {
      issues.push(
        source.issueAt(
          ['connections', name, 'kind'],
          `unknown connector kind "${kind}"${didYouMean(kind, knownKinds)}; known kinds: ${knownKinds.join(', ')}`,
        ),
      );
    }
  }
  return issues;
}

/** Applies FRONTBACK_* overrides; returns the override (env name) that now owns each path. */
function applyOverrides(raw: Record<string, unknown>, env: Env): Map<string, string> {
  const owners = new Map<string, string>();
  for (const { env: name, path } of ENV_OVERRIDES) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const [section, key] = path as [string, string];
    const existing = raw[section];
    // A section that is not a mapping is reported by the schema at its place in the file.
    if (existing !== undefined && !isPlainObject(existing)) continue;
    raw[section] = { ...existing, [key]: value };
    owners.set(formatPath(path), name);
  }
  return owners;
}

/**
 * Loads, validates and deep-freezes the configuration. Throws one ConfigError
 * listing every problem found (syntax errors alone stop earlier: nothing else can
 * be checked in a file that does not parse).
 */
export function loadConfig(options: LoadConfigOptions): Config {
  const cwd = options.cwd ?? process.cwd();
  const file = chooseFile(options, cwd);
  const source = readSource(file, cwd);
  if (source.value === undefined && source.issues.length > 0) throw new ConfigError(source.issues);

  const issues: SourceIssue[] = [...source.issues];
  const top = source.value ?? {};
  if (!isPlainObject(top)) {
    issues.push(
      source.issueAt([], `expected a mapping (key: value pairs) at the top level; got ${describeInput(top, false)}`),
    );
    throw new ConfigError(issues);
  }

  // `connections:` with every entry commented out parses as null: treat it as absent.
  for (const [key, value] of Object.entries(top)) if (value === null) delete top[key];

  const interpolated = interpolateValue(top, { env: options.env, cwd });
  const raw = interpolated.value as Record<string, unknown>;
  const owners = applyOverrides(raw, options.env);
  // A value an override replaces does not matter, nor do the variables it referenced.
  const problems = interpolated.problems.filter((p) => !owners.has(formatPath(p.path.slice(0, 2))));
  for (const p of problems) issues.push(source.issueAt(p.path, p.message));
  // A value whose variable was missing is also empty; saying so twice helps nobody.
  const unresolved = new Set(problems.map((p) => formatPath(p.path)));
  issues.push(...checkConnections(raw, source, options.knownConnectorKinds));

  // A list item of a secret (`adminToken: [new, old]`) is as secret as the key that holds it.
  const isSecret = (path: YamlPath): boolean => path.some((seg) => SECRET_KEYS.has(String(seg)));
  const translator = createIssueTranslator(isSecret);
  const parsed = configSchema.safeParse(raw, { error: translator.error, reportInput: false });
  const at = (path: YamlPath, message: string, where: 'value' | 'key' = 'value'): SourceIssue => {
    const owner = owners.get(formatPath(path.slice(0, 2)));
    if (owner !== undefined) return { file: `env ${owner}`, path: formatPath(path), message };
    return source.issueAt(path, message, where);
  };
  if (!parsed.success) {
    const schemaIssues = translator.toSourceIssues(parsed.error.issues, at);
    issues.push(...schemaIssues.filter((i) => !unresolved.has(i.path)));
  }
  const secretProblems = [
    ...checkChosenSecrets(raw, options.webhookSecretOrigins),
    ...checkDemoSecrets(raw, SECRET_KEYS),
  ];
  for (const problem of secretProblems) issues.push(at(problem.path, problem.message));
  if (issues.length > 0 || !parsed.success) throw new ConfigError([...issues].sort(compareIssues));

  const envOverrides = ENV_OVERRIDES.filter((o) => owners.has(formatPath(o.path))).map((o) => o.env);
  return deepFreeze({ ...parsed.data, source: { file, envOverrides } });
}
