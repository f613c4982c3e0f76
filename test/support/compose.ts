/**
 * compose.yaml and the Dockerfile read as Docker would, for static tests (no Docker
 * engine runs on the test machines): Compose's `${VAR}` interpolation, and what each
 * service of the frontback image runs, on which port and interface, with which healthcheck.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SANDBOX_PORTS } from '../../src/cli/commands/sandbox.ts';
import { projectRoot } from './env.ts';

/** A compose service, as far as these tests read it. */
export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  env_file?: string | string[];
  ports?: string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  restart?: string;
  profiles?: string[];
}

/** A compose file after YAML merge keys (`<<: *anchor`) are applied, not yet interpolated. */
export interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

/** Reads `file` (relative to the project root) with merge keys applied, as Compose does. */
export function readCompose(file = 'compose.yaml'): ComposeFile {
  return parse(readFileSync(join(projectRoot, file), 'utf8'), { merge: true }) as ComposeFile;
}

const REFERENCE = /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\})/g;

/**
 * Compose's interpolation of one string: `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}`, `${VAR?message}`, `$$`. A required variable that is missing throws
 * with its message, as `docker compose` stops with it.
 */
export function interpolateCompose(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(REFERENCE, (_all, dollar: string, name?: string, colon?: string, op?: string, arg?: string) => {
    if (dollar === '$') return '$';
    const value = env[name as string];
    const missing = value === undefined || (colon === ':' && value === '');
    if (op === '-') return missing ? (arg ?? '') : (value as string);
    if (op === '?' && missing) throw new Error(`required variable ${name} is missing a value: ${arg}`);
    return value ?? '';
  });
}

/** Every string in `value` interpolated with `env`. */
export function interpolateAll<T>(value: T, env: Readonly<Record<string, string | undefined>>): T {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return interpolateCompose(node, env);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    }
    return node;
  };
  return walk(value) as T;
}

/** One stage of a Dockerfile: its base image and the instructions that matter here. */
export interface DockerStage {
  /** The base image (`node:24-bookworm-slim`, or an earlier stage's name). */
  from: string;
  /** The stage's name (`FROM ... AS name`). */
  name?: string;
  env: Record<string, string>;
  user?: string;
  healthcheck?: string;
  entrypoint?: string[];
  cmd?: string[];
}

/** The stages of a Dockerfile, in order (the last one is the image). Continuation lines are joined. */
export function readDockerfile(file = 'Dockerfile'): DockerStage[] {
  const text = readFileSync(join(projectRoot, file), 'utf8').replace(/\\\r?\n/g, ' ');
  const stages: DockerStage[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, instruction = '', rest = ''] = m;
    const keyword = instruction.toUpperCase();
    if (keyword === 'FROM') {
      const [base = '', as, name] = rest.trim().split(/\s+/);
      // A stage built FROM an earlier stage inherits its environment.
      const parent = stages.find((s) => s.name !== undefined && s.name === base);
      stages.push({ from: base, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), env: { ...parent?.env } });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) continue;
    if (keyword === 'ENV') {
      for (const pair of rest.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
        stage.env[pair[1] as string] = (pair[2] as string).replace(/^"|"$/g, '');
      }
    } else if (keyword === 'USER') stage.user = rest.trim();
    else if (keyword === 'HEALTHCHECK') stage.healthcheck = rest.trim();
    else if (keyword === 'ENTRYPOINT') stage.entrypoint = JSON.parse(rest) as string[];
    else if (keyword === 'CMD') stage.cmd = JSON.parse(rest) as string[];
  }
  return stages;
}

/** The value of `--name <v>` or `--name=<v>` in an argument list. */
export function optionValue(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === name) return args[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

/** What a service of the frontback image listens on, worked out from its command, environment and mounted config. */
export interface Listener {
  /** The `frontback` command it runs (`serve`, `worker`, `sandbox`, `migrate`, ...). */
  role: string;
  /** The port it opens; undefined when it opens none (`migrate`, a worker without `--port`). */
  port?: number;
  /** The interface it listens on. */
  host: string;
}

/** The `server:` section of the config file a service mounts at FRONTBACK_CONFIG, if any. */
function mountedServerConfig(service: ComposeService, env: Record<string, string>): { host?: string; port?: number } {
  const target = env.FRONTBACK_CONFIG;
  for (const volume of service.volumes ?? []) {
    const [source, mountedAt] = typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target];
    if (source === undefined || mountedAt !== target || !/^\.{0,2}\//.test(source)) continue;
    // A missing file is reported by the test of mounted paths; here it configures nothing.
    if (!existsSync(join(projectRoot, source))) return {};
    const raw = parse(readFileSync(join(projectRoot, source), 'utf8')) as { server?: { host?: string; port?: number } };
    return raw.server ?? {};
  }
  return {};
}

/** What a service built from the Dockerfile runs and where it listens (`image` is the Dockerfile's last stage). */
export function listenerOf(service: ComposeService, image: DockerStage): Listener {
  const args = service.command ?? image.cmd ?? [];
  const role = args[0] ?? '';
  const env = { ...image.env, ...(service.environment ?? {}) };
  const server = mountedServerConfig(service, env);
  const port = optionValue(args, '--port');
  const configured = (fallback?: number): number | undefined => {
    const value = port ?? env.FRONTBACK_PORT ?? server.port ?? fallback;
    return value === undefined ? undefined : Number(value);
  };
  const host = env.FRONTBACK_HOST || server.host || '127.0.0.1';
  switch (role) {
    case 'serve':
    case 'start':
      return { role, port: configured(8080), host };
    case 'worker':
      // The ops listener opens only with --port; FRONTBACK_PORT and server.port are serve's.
      return { role, ...(port === undefined ? {} : { port: Number(port) }), host };
    case 'sandbox':
      return {
        role,
        port: Number(port ?? SANDBOX_PORTS[args[1] ?? ''] ?? 4010),
        host: optionValue(args, '--host') ?? '127.0.0.1',
      };
    default:
      return { role, host };
  }
}

/** The healthcheck a service ends up with: its own, else the image's; undefined when none or disabled. */
export function effectiveHealthcheck(service: ComposeService, image: DockerStage | undefined): string | undefined {
  const own = service.healthcheck;
  if (own?.disable === true) return undefined;
  if (own?.test !== undefined) {
    const test = Array.isArray(own.test) ? own.test : ['CMD-SHELL', own.test];
    return test[0] === 'NONE' ? undefined : test.slice(1).join(' ');
  }
  if (image?.healthcheck === undefined || /^NONE$/i.test(image.healthcheck)) return undefined;
  return image.healthcheck;
}

/** The loopback URLs a healthcheck command calls, as `{ port, path }`. */
export function healthcheckTargets(test: string): { port: number; path: string }[] {
  return [...test.matchAll(/https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):(\d+)(\/[^'"\s)]*)?/g)].map((m) => ({
    port: Number(m[1]),
    path: m[2] ?? '/',
  }));
}
