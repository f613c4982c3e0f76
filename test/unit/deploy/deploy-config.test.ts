/**
 * The configuration compose.yaml runs (deploy/frontback.yaml) with the environment it
 * gets: `deploy/make-env.sh` writes the .env, Compose interpolates each service's
 * environment from it, and `frontback validate` accepts the result without printing a
 * secret. The sandboxes' services are given the same credentials and webhook URLs as the
 * connections that call them.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX_TOKEN } from '../../../connectors/hubspot/sandbox/server.ts';
import { connectorConfigFacts } from '../../../src/cli/config.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { runFrontback } from '../../support/cli.ts';
import { interpolateAll, optionValue, readCompose } from '../../support/compose.ts';
import { projectRoot } from '../../support/env.ts';

/** KEY=VALUE lines of a .env file (comments and blank lines skipped). */
function parseDotenv(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

const dotenv = parseDotenv(execFileSync('sh', [join(projectRoot, 'deploy/make-env.sh')], { encoding: 'utf8' }));
const compose = interpolateAll(readCompose(), dotenv);
const serveEnv = compose.services.serve?.environment ?? {};
const config = loadConfig({
  file: 'deploy/frontback.yaml',
  env: serveEnv,
  cwd: projectRoot,
  ...connectorConfigFacts(),
});
/** Every secret make-env.sh generated: none may be printed. */
const secrets = Object.entries(dotenv)
  .filter(([name]) => /PASSWORD|TOKEN|SECRET|KEY/.test(name))
  .map(([, value]) => value)
  .filter((value) => /^[0-9a-f]{64}$/.test(value));

describe('deploy/make-env.sh', () => {
  it('writes every variable compose.yaml requires, each secret 256 random bits, different each time', () => {
    const required = [...JSON.stringify(readCompose()).matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1] as string);
    expect([...new Set(required)].filter((name) => dotenv[name] === undefined)).toEqual([]);
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    const again = parseDotenv(execFileSync('sh', [join(projectRoot, 'deploy/make-env.sh')], { encoding: 'utf8' }));
    expect(again.FRONTBACK_ADMIN_TOKEN).not.toBe(dotenv.FRONTBACK_ADMIN_TOKEN);
  });
});

describe('deploy/frontback.yaml with the environment compose.yaml gives it', () => {
  it('is distributed mode on the compose services: PostgreSQL as frontback_app, Redis, the sandboxes', () => {
    expect(config.store).toMatchObject({ kind: 'postgres', runtimeRole: 'frontback_app' });
    expect(new URL(config.store.url)).toMatchObject({ username: 'frontback_app', host: 'postgres:5432' });
    expect(config.queue).toMatchObject({ kind: 'bullmq', redis: 'redis://redis:6379' });
    expect(config.connections.hubspot?.baseUrl).toBe('http://hubspot-sandbox:4010');
    expect(config.connections.odoo?.baseUrl).toBe('http://odoo-sandbox:4020');
    expect(config.server).toMatchObject({ port: 8080, publicBaseUrl: 'http://serve:8080' });
    // Admin and metrics tokens of 256 bits, from the environment.
    expect(config.server.adminToken).toMatch(/^[0-9a-f]{64}$/);
    expect(config.server.metricsToken).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the sandboxes accept the credentials the connections send, and deliver webhooks where serve takes them', () => {
    const hubspotArgs = compose.services['hubspot-sandbox']?.command ?? [];
    const odooArgs = compose.services['odoo-sandbox']?.command ?? [];
    const hubspot = config.connections.hubspot;
    const odoo = config.connections.odoo;
    expect(hubspot?.auth).toEqual({ type: 'bearer', token: optionValue(hubspotArgs, '--token') });
    // Random, not the sandbox's published fake (refused outside the demo configuration).
    expect(optionValue(hubspotArgs, '--token')).not.toBe(DEFAULT_SANDBOX_TOKEN);
    expect(optionValue(odooArgs, '--api-key')).toMatch(/^[0-9a-f]{64}$/);
    expect(optionValue(hubspotArgs, '--webhook-secret')).toBe(hubspot?.webhook?.secret);
    expect(optionValue(hubspotArgs, '--webhook-url')).toBe(`${config.server.publicBaseUrl}/webhooks/hubspot`);
    expect(odoo?.auth).toMatchObject({ type: 'api-key', key: optionValue(odooArgs, '--api-key') });
    expect(odoo?.auth).toMatchObject({ database: optionValue(odooArgs, '--db') });
    const odooHook = new URL(optionValue(odooArgs, '--webhook-url') ?? '');
    expect(odooHook.origin + odooHook.pathname).toBe(`${config.server.publicBaseUrl}/webhooks/odoo`);
    expect(odooHook.searchParams.get('token')).toBe(odoo?.webhook?.secret);
  });

  it('migrate alone gets the owner URL; it names the same database as the runtime URL', () => {
    const migrateEnv = compose.services.migrate?.environment ?? {};
    const owner = new URL(migrateEnv.FRONTBACK_MIGRATION_URL ?? '');
    expect(owner).toMatchObject({ username: 'frontback', host: 'postgres:5432', pathname: '/frontback' });
    expect(new URL(config.store.url).pathname).toBe('/frontback');
    for (const name of ['serve', 'worker', 'hubspot-sandbox', 'odoo-sandbox']) {
      expect(compose.services[name]?.environment?.FRONTBACK_MIGRATION_URL).toBeUndefined();
    }
  });

  it('passes `frontback validate` (mappings included) and prints none of the secrets', async () => {
    const run = await runFrontback(['validate', '-c', 'deploy/frontback.yaml'], serveEnv);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/mappings: \d+ OK/);
    expect(run.stdout).toMatch(/configuration OK/);
    expect(run.code).toBe(0);
    for (const secret of secrets) expect(run.stdout + run.stderr).not.toContain(secret);
  });
});
