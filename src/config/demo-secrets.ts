/**
 * The demo's published tokens: config/demo.yaml is in the repository and the README, so
 * its credentials are known to everyone. They are accepted only in a configuration that
 * says `demo: true` and whose server listens on a loopback address; anywhere else a
 * secret with one of these values is refused, naming its path (never the value).
 */
import { CONFIG_DEFAULTS } from './defaults.ts';
import { SECRET_COMMAND } from './secret-strength.ts';
import type { YamlPath } from './yaml-source.ts';

/**
 * Every secret value config/demo.yaml publishes (a test keeps this list and the file in
 * step): the sandboxes' fake credentials and the demo's admin and webhook tokens.
 */
export const PUBLISHED_DEMO_SECRETS: ReadonlySet<string> = new Set([
  'sandbox-hubspot-token',
  'sandbox-odoo-key',
  'demo-hubspot-client-secret-not-a-secret',
  'demo-odoo-webhook-token-not-a-secret',
  'demo-admin-token-not-a-secret',
]);

/** A secret found where the configuration should not have it. */
export interface SecretProblem {
  /** Where, as a key path into the document. */
  readonly path: YamlPath;
  /** What is wrong; never the value. */
  readonly message: string;
}

/** Whether `host` (a `server.host`) is a loopback address: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Calls `visit` with every string held under a key in `secretKeys` (a list's items too), with its path. */
export function forEachSecretValue(
  value: unknown,
  secretKeys: ReadonlySet<string>,
  visit: (path: YamlPath, secret: string) => void,
  path: YamlPath = [],
): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => forEachSecretValue(item, secretKeys, visit, [...path, i]));
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (!secretKeys.has(key)) {
      forEachSecretValue(child, secretKeys, visit, [...path, key]);
    } else if (typeof child === 'string') {
      visit([...path, key], child);
    } else if (Array.isArray(child)) {
      child.forEach((item, i) => {
        if (typeof item === 'string') visit([...path, key, i], item);
      });
    }
  }
}

/** Whether the raw configuration may use the published demo values: `demo: true` and a loopback `server.host`. */
export function demoSecretsAllowed(raw: Record<string, unknown>): boolean {
  const server = isRecord(raw.server) ? raw.server : {};
  const host = typeof server.host === 'string' ? server.host : CONFIG_DEFAULTS.server.host;
  return raw.demo === true && isLoopbackHost(host);
}

/**
 * The published demo values in `raw` (interpolated, with environment overrides), each
 * refused unless {@link demoSecretsAllowed}. One problem per value, naming its path.
 */
export function checkDemoSecrets(raw: Record<string, unknown>, secretKeys: ReadonlySet<string>): SecretProblem[] {
  if (demoSecretsAllowed(raw)) return [];
  const why =
    raw.demo === true
      ? 'is a published demo value: accepted with `demo: true` only while server.host is a loopback address'
      : 'is a published demo value (config/demo.yaml): accepted only in the demo configuration (`demo: true`)';
  const problems: SecretProblem[] = [];
  forEachSecretValue(raw, secretKeys, (path, secret) => {
    if (PUBLISHED_DEMO_SECRETS.has(secret))
      problems.push({ path, message: `${why}; generate one with \`${SECRET_COMMAND}\`` });
  });
  return problems;
}
