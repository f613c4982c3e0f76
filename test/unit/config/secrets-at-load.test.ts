/**
 * Secrets checked at load (issue #15 item 5): the secrets frontback's admin chooses are
 * refused when weak, one message each naming the path and never the value; vendor-issued
 * ones only need to be present; the demo's published tokens only work in the demo
 * configuration on a loopback address; two values are accepted during a rollover.
 * The connectors' own declarations are used (connectorConfigFacts), as `validate` does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../../src/cli/commands/secret.ts';
import { connectorConfigFacts } from '../../../src/cli/config.ts';
import { describeConfig, maskConfig } from '../../../src/config/describe.ts';
import { PUBLISHED_DEMO_SECRETS } from '../../../src/config/demo-secrets.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { parseYamlSource } from '../../../src/config/yaml-source.ts';
import { defineConnector } from '../../../src/connector/define-connector.ts';
import { ConfigError, formatSourceIssue } from '../../../src/errors.ts';
import { projectRoot } from '../../support/env.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontback-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STRONG = generateSecret();
const STRONG_2 = generateSecret();
const ADVICE = 'a secret you choose needs at least 128 bits of randomness; generate one with `frontback secret`';

function load(yaml: string, env: Record<string, string> = {}) {
  writeFileSync(join(dir, 'c.yaml'), yaml);
  return loadConfig({ file: 'c.yaml', env, cwd: dir, ...connectorConfigFacts() });
}

/** The formatted issues of loading `yaml` (fails the test when it loads). */
function problems(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    load(yaml, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map(formatSourceIssue);
  }
  throw new Error('configuration was accepted');
}

/** A configuration with one Odoo and one HubSpot connection receiving webhooks. */
function config(values: {
  admin?: string;
  metrics?: string;
  odoo?: string;
  hubspot?: string;
  host?: string;
  demo?: boolean;
}): string {
  return [
    ...(values.demo === undefined ? [] : [`demo: ${values.demo}`]),
    'connections:',
    '  odoo:',
    '    kind: odoo',
    '    baseUrl: https://erp.example.com',
    `    auth: { type: api-key, login: sync, key: ${JSON.stringify(STRONG)} }`,
    `    webhook: { secret: ${values.odoo ?? JSON.stringify(STRONG)} }`,
    '  hubspot:',
    '    kind: hubspot',
    `    auth: { type: bearer, token: ${JSON.stringify(STRONG)} }`,
    `    webhook: { secret: ${values.hubspot ?? JSON.stringify(STRONG)} }`,
    'server:',
    `  host: ${values.host ?? '127.0.0.1'}`,
    `  adminToken: ${values.admin ?? JSON.stringify(STRONG)}`,
    `  metricsToken: ${values.metrics ?? JSON.stringify(STRONG)}`,
    '',
  ].join('\n');
}

const WEAK = [
  { name: 'one character', value: 'x', weakness: 'about 4 bits of randomness' },
  { name: 'two characters', value: 'k9', weakness: 'about 10 bits of randomness' },
  { name: '16 spaces', value: ' '.repeat(16), weakness: 'only whitespace' },
  {
    name: 'whitespace inside',
    value: `${STRONG.slice(0, 20)} ${STRONG.slice(20)}`,
    weakness: 'it contains whitespace',
  },
  { name: 'aaaaaaaaaaaaaaaa', value: 'a'.repeat(16), weakness: 'one character repeated' },
  { name: 'abab...', value: 'ab'.repeat(24), weakness: 'a pattern of 2 characters repeated' },
  { name: '16 random-looking characters', value: 'q7Rk2ZpX9mWv4LtB', weakness: 'about 96 bits of randomness' },
];

/** Where each chosen secret sits in {@link config}: line and column of its value. */
const CHOSEN = [
  { key: 'admin', path: 'server.adminToken', at: '13:15' },
  { key: 'metrics', path: 'server.metricsToken', at: '14:17' },
  { key: 'odoo', path: 'connections.odoo.webhook.secret', at: '6:24' },
] as const;

describe('secrets the admin chooses are refused when weak', () => {
  describe.each(CHOSEN)('$path', ({ key, path, at }) => {
    it.each(WEAK)(
      '$name: one message with the path, the weakness and the command, not the value',
      ({ value, weakness }) => {
        const found = problems(config({ [key]: JSON.stringify(value) }));
        expect(found).toEqual([`c.yaml:${at} ${path}: too weak (${weakness}): ${ADVICE}`]);
        if (value.trim().length > 1) expect(found.join('\n')).not.toContain(value.trim());
      },
    );
  });

  it('accepts what `frontback secret` prints, in every place', () => {
    const loaded = load(config({}));
    expect(loaded.server.adminToken).toBe(STRONG);
    expect(loaded.connections.odoo?.webhook?.secret).toBe(STRONG);
  });

  it('reports every weak secret of a file at once', () => {
    expect(problems(config({ admin: 'aaaaaaaaaaaaaaaa', metrics: '"                "', odoo: 'ab' }))).toEqual([
      `c.yaml:6:24 connections.odoo.webhook.secret: too weak (about 8 bits of randomness): ${ADVICE}`,
      `c.yaml:13:15 server.adminToken: too weak (one character repeated): ${ADVICE}`,
      `c.yaml:14:17 server.metricsToken: too weak (only whitespace): ${ADVICE}`,
    ]);
  });

  it('checks a value from the environment, naming the variable that set it', () => {
    const yaml = config({}).replace(/ {2}adminToken: .*\n/, '');
    expect(problems(yaml, { FRONTBACK_ADMIN_TOKEN: 'password12345678' })).toEqual([
      `env FRONTBACK_ADMIN_TOKEN server.adminToken: too weak (about 82 bits of randomness): ${ADVICE}`,
    ]);
    expect(problems(config({ admin: '"${ADMIN}"' }), { ADMIN: 'a'.repeat(40) })).toEqual([
      `c.yaml:13:15 server.adminToken: too weak (one character repeated): ${ADVICE}`,
    ]);
  });

  it('a vendor-issued secret (HubSpot client secret) is only checked for presence', () => {
    expect(load(config({ hubspot: 'x' })).connections.hubspot?.webhook?.secret).toBe('x');
    expect(problems(config({ hubspot: '""' }))).toEqual(['c.yaml:10:24 connections.hubspot.webhook.secret: is empty']);
  });

  it('the connectors declare who chooses their webhook secret', () => {
    expect(connectorConfigFacts().webhookSecretOrigins).toEqual({ hubspot: 'vendor-issued', odoo: 'admin-chosen' });
    expect(() =>
      defineConnector({
        kind: 'x',
        displayName: 'X',
        limits: {
          maxBatchSize: { create: 1, update: 1, read: 1 },
          rateLimit: { requests: 1, perMs: 1 },
          maxPageSize: 1,
        },
        webhookSecret: 'made-up' as 'admin-chosen',
        create: () => ({}) as never,
      }),
    ).toThrow(/webhookSecret/);
  });
});

describe('two values during a rollover', () => {
  it('a list of two is accepted for the admin token, the metrics token and webhook secrets; the first is current', () => {
    const list = `[${JSON.stringify(STRONG_2)}, ${JSON.stringify(STRONG)}]`;
    const loaded = load(config({ admin: list, metrics: list, odoo: list, hubspot: list }));
    expect(loaded.server.adminToken).toBe(STRONG_2);
    expect(loaded.server.adminTokens).toEqual([STRONG_2, STRONG]);
    expect(loaded.server.metricsTokens).toEqual([STRONG_2, STRONG]);
    expect(loaded.connections.odoo?.webhook?.secrets).toEqual([STRONG_2, STRONG]);
    expect(loaded.connections.hubspot?.webhook?.secret).toBe(STRONG_2);
    expect(load(config({})).server.adminTokens).toEqual([STRONG]);
    const text = `${describeConfig(loaded)}\n${JSON.stringify(maskConfig(loaded))}`;
    expect(text).toContain('admin API and console enabled for admin (token ******** and a previous one)');
    expect(text).not.toContain(STRONG);
    expect(text).not.toContain(STRONG_2);
  });

  it('each value is checked, and named by its place in the list', () => {
    expect(problems(config({ admin: `[${JSON.stringify(STRONG)}, "aaaaaaaaaaaaaaaa"]` }))).toEqual([
      `c.yaml:13:${15 + JSON.stringify(STRONG).length + 3} server.adminToken[1]: too weak (one character repeated): ${ADVICE}`,
    ]);
  });

  it('a third value, or an empty list, is refused', () => {
    const three = `[${JSON.stringify(STRONG)}, ${JSON.stringify(STRONG_2)}, ${JSON.stringify(generateSecret())}]`;
    const expected = 'expected one secret, or a list of 2 during a rollover (the current one first)';
    expect(problems(config({ admin: three }))).toEqual([`c.yaml:13:3 server.adminToken: ${expected}`]);
    expect(problems(config({ odoo: '[]' }))).toEqual([`c.yaml:6:16 connections.odoo.webhook.secret: ${expected}`]);
  });
});

describe("the demo's published tokens", () => {
  const demoYaml = readFileSync(join(projectRoot, 'config/demo.yaml'), 'utf8');

  it('config/demo.yaml (demo: true, 127.0.0.1) loads as it is', () => {
    const loaded = loadConfig({ file: 'config/demo.yaml', env: {}, cwd: projectRoot, ...connectorConfigFacts() });
    expect(loaded.demo).toBe(true);
    expect(describeConfig(loaded)).toContain('demo configuration (demo: true)');
  });

  it('PUBLISHED_DEMO_SECRETS is every secret value config/demo.yaml holds', () => {
    const values: string[] = [];
    const walk = (node: unknown, key?: string): void => {
      if (typeof node === 'string' && key !== undefined && /token|secret|key$/i.test(key)) values.push(node);
      else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, k);
    };
    walk(parseYamlSource(demoYaml, 'demo.yaml').value);
    expect(new Set(values)).toEqual(PUBLISHED_DEMO_SECRETS);
  });

  it('outside the demo configuration each one is refused, naming its path', () => {
    const copied = demoYaml.replace(/^demo: true\n/m, '');
    expect(copied).not.toBe(demoYaml);
    const why =
      'is a published demo value (config/demo.yaml): accepted only in the demo configuration (`demo: true`); ' +
      'generate one with `frontback secret`';
    const found = problems(copied).map((p) => p.replace(/^c\.yaml:\d+:\d+ /, ''));
    expect(found).toEqual([
      `connections.hubspot.auth.token: ${why}`,
      `connections.hubspot.webhook.secret: ${why}`,
      `connections.odoo.auth.key: ${why}`,
      `connections.odoo.webhook.secret: ${why}`,
      `server.adminToken: ${why}`,
    ]);
    for (const value of PUBLISHED_DEMO_SECRETS) expect(found.join('\n')).not.toContain(value);
  });

  it('with demo: true, only on a loopback address', () => {
    expect(load(demoYaml.replace('host: 127.0.0.1', 'host: localhost')).demo).toBe(true);
    const exposed = problems(demoYaml.replace('host: 127.0.0.1', 'host: 0.0.0.0'));
    expect(exposed).toHaveLength(5);
    expect(exposed[0]).toContain(
      'is a published demo value: accepted with `demo: true` only while server.host is a loopback address',
    );
  });

  it('in another configuration, from the environment too', () => {
    const yaml = config({}).replace(/ {2}adminToken: .*\n/, '');
    expect(problems(yaml, { FRONTBACK_ADMIN_TOKEN: 'demo-admin-token-not-a-secret' })).toEqual([
      'env FRONTBACK_ADMIN_TOKEN server.adminToken: is a published demo value (config/demo.yaml): accepted only in the ' +
        'demo configuration (`demo: true`); generate one with `frontback secret`',
    ]);
  });
});
