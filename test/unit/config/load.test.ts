import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectionSettings } from '../../../src/connector/connection.ts';
import { describeConfig, MASK, maskConfig } from '../../../src/config/describe.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { connectorRegistry } from '../../../connectors/index.ts';

const KNOWN_CONNECTOR_KINDS = connectorRegistry.kinds();
import { projectRoot } from '../../support/env.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontback-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

/** Recognisable fake secrets: none of them may appear in describeConfig output. */
const EXAMPLE_ENV = {
  HUBSPOT_TOKEN: 'pat-na1-FAKE-hubspot-token-1111',
  HUBSPOT_CLIENT_SECRET: 'FAKE-hubspot-client-secret-2222',
  ODOO_API_KEY: 'FAKE-odoo-api-key-3333',
  FRONTBACK_ADMIN_TOKEN: 'FAKE-admin-token-4444-long-enough',
};

describe('loadConfig defaults and file selection', () => {
  it('uses built-in defaults (embedded mode) when there is no file at all', () => {
    const config = loadConfig({ env: {}, cwd: dir });
    expect(config).toEqual({
      demo: false,
      connections: {},
      store: { url: './data/frontback.db', kind: 'sqlite' },
      queue: { prefix: 'frontback', concurrency: 4, kind: 'memory' },
      server: {
        host: '127.0.0.1',
        port: 8080,
        bodyLimitBytes: 1_048_576,
        storeGaugeSeconds: 15,
        adminTokens: [],
        admins: [],
        metricsTokens: [],
      },
      mappings: { dir: 'mappings' },
      logging: { level: 'info' },
      sync: { overlapMinutes: 10, leaseSeconds: 30, budgetReserve: 0.2 },
      audit: { trustedKeys: {}, checkpointEveryMs: 900_000 },
      inbox: { retentionMs: 604_800_000 },
      source: { file: null, envOverrides: [] },
    });
  });

  it('treats an empty file as all defaults', () => {
    const config = loadConfig({ file: write('empty.yaml', '# nothing yet\n'), env: {}, cwd: dir });
    expect(config.server.port).toBe(8080);
    expect(config.source.file).toBe('empty.yaml');
  });

  it('treats a section whose entries are all commented out as absent', () => {
    const file = write('commented.yaml', 'connections:\n  # hubspot:\n  #   kind: hubspot\nserver:\n  port: 9000\n');
    const config = loadConfig({ file, env: {}, cwd: dir });
    expect(config.connections).toEqual({});
    expect(config.server.port).toBe(9000);
  });

  it('reads the file named by FRONTBACK_CONFIG when no file is given', () => {
    write('from-env.yaml', 'server:\n  port: 9001\n');
    const config = loadConfig({ env: { FRONTBACK_CONFIG: 'from-env.yaml' }, cwd: dir });
    expect(config.server.port).toBe(9001);
    expect(config.source.file).toBe('from-env.yaml');
  });

  it('an explicit file wins over FRONTBACK_CONFIG', () => {
    write('explicit.yaml', 'server:\n  port: 9002\n');
    const config = loadConfig({ file: 'explicit.yaml', env: { FRONTBACK_CONFIG: 'from-env.yaml' }, cwd: dir });
    expect(config.server.port).toBe(9002);
  });

  it('falls back to config/frontback.yaml under cwd when it exists', () => {
    const project = join(dir, 'project');
    mkdirSync(join(project, 'config'), { recursive: true });
    writeFileSync(join(project, 'config', 'frontback.yaml'), 'server:\n  port: 9003\n');
    const config = loadConfig({ env: {}, cwd: project });
    expect(config.server.port).toBe(9003);
    expect(config.source.file).toBe('config/frontback.yaml');
  });

  it('accepts integers written as strings, e.g. from ${PORT:-8080}', () => {
    const file = write('port.yaml', 'server:\n  port: ${PORT:-8080}\n  bodyLimitBytes: "2048"\n');
    expect(loadConfig({ file, env: {}, cwd: dir }).server).toMatchObject({ port: 8080, bodyLimitBytes: 2048 });
    expect(loadConfig({ file, env: { PORT: '9100' }, cwd: dir }).server.port).toBe(9100);
  });

  it("sync.pageSize: unset by default (each connector's maximum), or the records per page of every pass", () => {
    expect(loadConfig({ env: {}, cwd: dir }).sync.pageSize).toBeUndefined();
    const file = write('pages.yaml', 'sync:\n  pageSize: ${PAGE:-25}\n');
    expect(loadConfig({ file, env: {}, cwd: dir }).sync).toEqual({
      overlapMinutes: 10,
      leaseSeconds: 30,
      pageSize: 25,
      budgetReserve: 0.2,
    });
    expect(describeConfig(loadConfig({ file, env: {}, cwd: dir }))).toContain('pages of 25 records');
    expect(describeConfig(loadConfig({ env: {}, cwd: dir }))).toContain("pages of each connector's maximum records");
  });

  it('reads trusted proxies as a list or a comma-separated string, and masks the metrics token', () => {
    const list = write('proxies.yaml', 'server:\n  trustProxy: [127.0.0.1, 10.0.0.0/8, "::1", fd00::/8]\n');
    expect(loadConfig({ file: list, env: {}, cwd: dir }).server.trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
    ]);
    const fromEnv = write('proxies-env.yaml', 'server:\n  trustProxy: ${PROXIES}\n  metricsToken: ${MT}\n');
    const config = loadConfig({
      file: fromEnv,
      env: { PROXIES: ' 127.0.0.1 , 10.0.0.0/8', MT: 'FAKE-metrics-token-5555-long' },
      cwd: dir,
    });
    expect(config.server.trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
    const described = describeConfig(config);
    expect(described).toContain('trusted proxies 127.0.0.1, 10.0.0.0/8');
    expect(described).not.toContain('FAKE-metrics-token-5555-long');
    expect(loadConfig({ env: {}, cwd: dir }).server.trustProxy).toBeUndefined();
  });

  it('sync.budgetReserve: 0.2 by default, a share from 0 to 0.9 (a string from a variable too), else a clear error', () => {
    expect(loadConfig({ env: {}, cwd: dir }).sync.budgetReserve).toBe(0.2);
    expect(describeConfig(loadConfig({ env: {}, cwd: dir }))).toContain('20% of each API budget kept');
    expect(describeConfig(loadConfig({ env: {}, cwd: dir }))).toContain(
      'audit checkpoints: not written (needs audit.signingKeyFile and audit.checkpointDir), 0 trusted keys',
    );
    const file = write('reserve.yaml', 'sync:\n  budgetReserve: ${RESERVE:-0.5}\n');
    expect(loadConfig({ file, env: {}, cwd: dir }).sync.budgetReserve).toBe(0.5);
    expect(loadConfig({ file, env: { RESERVE: '0' }, cwd: dir }).sync.budgetReserve).toBe(0);
    expect(() => loadConfig({ file, env: { RESERVE: '1' }, cwd: dir })).toThrow(/sync\.budgetReserve/);
    expect(() => loadConfig({ file, env: { RESERVE: 'lots' }, cwd: dir })).toThrow(/sync\.budgetReserve/);
  });

  it('reads a secret from VAR_FILE', () => {
    writeFileSync(join(dir, 'token.txt'), 'from-a-file\n');
    const file = write(
      'file-secret.yaml',
      'connections:\n  hubspot:\n    kind: hubspot\n    auth:\n      type: bearer\n      token: ${HUBSPOT_TOKEN}\n',
    );
    const config = loadConfig({ file, env: { HUBSPOT_TOKEN_FILE: join(dir, 'token.txt') }, cwd: dir });
    expect(config.connections.hubspot?.auth).toEqual({ type: 'bearer', token: 'from-a-file' });
  });
});

describe('environment overrides', () => {
  const file = write(
    'overridden.yaml',
    'store:\n  url: ./data/file.db\nqueue:\n  concurrency: 8\nserver:\n  port: 8081\nlogging:\n  level: warn\n',
  );

  it.each([
    {
      env: { FRONTBACK_STORE_URL: 'postgres://app@db:5432/frontback' },
      pick: (c: ReturnType<typeof loadConfig>) => c.store,
      expected: { url: 'postgres://app@db:5432/frontback', kind: 'postgres' },
    },
    {
      env: {
        FRONTBACK_STORE_URL: 'postgres://frontback_app@db/frontback',
        FRONTBACK_MIGRATION_URL: 'postgres://frontback@db/frontback',
      },
      pick: (c: ReturnType<typeof loadConfig>) => c.store,
      expected: {
        url: 'postgres://frontback_app@db/frontback',
        migrationUrl: 'postgres://frontback@db/frontback',
        kind: 'postgres',
      },
    },
    {
      env: { FRONTBACK_STORE_URL: 'postgresql://app@db/frontback' },
      pick: (c: ReturnType<typeof loadConfig>) => c.store.kind,
      expected: 'postgres',
    },
    {
      env: { FRONTBACK_REDIS_URL: 'rediss://redis:6380' },
      pick: (c: ReturnType<typeof loadConfig>) => c.queue,
      expected: { redis: 'rediss://redis:6380', prefix: 'frontback', concurrency: 8, kind: 'bullmq' },
    },
    {
      env: { FRONTBACK_ADMIN_TOKEN: 'a-long-enough-admin-token' },
      pick: (c: ReturnType<typeof loadConfig>) => c.server.adminToken,
      expected: 'a-long-enough-admin-token',
    },
    {
      env: { FRONTBACK_METRICS_TOKEN: 'a-long-enough-metrics-token' },
      pick: (c: ReturnType<typeof loadConfig>) => c.server.metricsToken,
      expected: 'a-long-enough-metrics-token',
    },
    {
      env: { FRONTBACK_LOG_LEVEL: 'debug' },
      pick: (c: ReturnType<typeof loadConfig>) => c.logging.level,
      expected: 'debug',
    },
    {
      env: { FRONTBACK_HOST: '0.0.0.0', FRONTBACK_PORT: '9090' },
      pick: (c: ReturnType<typeof loadConfig>) => ({ host: c.server.host, port: c.server.port }),
      expected: { host: '0.0.0.0', port: 9090 },
    },
  ])('$env overrides the file', ({ env, pick, expected }) => {
    const config = loadConfig({ file, env, cwd: dir });
    expect(pick(config)).toEqual(expected);
    expect(config.source.envOverrides).toEqual(Object.keys(env));
  });

  it('keeps the file value and its siblings when the variable is empty or unset', () => {
    const config = loadConfig({ file, env: { FRONTBACK_STORE_URL: '' }, cwd: dir });
    expect(config.store.url).toBe('./data/file.db');
    expect(config.queue.concurrency).toBe(8);
    expect(config.source.envOverrides).toEqual([]);
  });

  it('an override makes the file value, and the variables it needs, irrelevant', () => {
    const needsVar = write('needs-var.yaml', 'store:\n  url: postgres://app:${PGPASSWORD}@db/frontback\n');
    const config = loadConfig({ file: needsVar, env: { FRONTBACK_STORE_URL: './data/local.db' }, cwd: dir });
    expect(config.store).toEqual({ url: './data/local.db', kind: 'sqlite' });
  });

  it('FRONTBACK_PORT that is not a port is reported against the variable', () => {
    expect(() => loadConfig({ file, env: { FRONTBACK_PORT: '80a' }, cwd: dir })).toThrow(
      /env FRONTBACK_PORT server\.port: expected an integer/,
    );
    expect(() => loadConfig({ file, env: { FRONTBACK_PORT: '70000' }, cwd: dir })).toThrow(
      /env FRONTBACK_PORT server\.port: .*65535/,
    );
  });

  it('applies overrides without any file', () => {
    const config = loadConfig({ env: { FRONTBACK_REDIS_URL: 'redis://127.0.0.1:6379' }, cwd: join(dir, 'nowhere') });
    expect(config.queue.kind).toBe('bullmq');
    expect(config.source).toEqual({ file: null, envOverrides: ['FRONTBACK_REDIS_URL'] });
  });
});

describe('the loaded config is deeply frozen', () => {
  it('refuses assignment at every depth (strict mode throws)', () => {
    const config = loadConfig({ file: 'config/demo.yaml', env: {}, cwd: projectRoot });
    const mutable = config as unknown as {
      server: { port: number };
      connections: Record<string, { auth: { token: string }; options: Record<string, unknown> }>;
      source: { envOverrides: string[] };
    };
    expect(() => {
      mutable.server.port = 1;
    }).toThrow(TypeError);
    expect(() => {
      const hubspot = mutable.connections.hubspot;
      if (hubspot) hubspot.auth.token = 'stolen';
    }).toThrow(TypeError);
    expect(() => {
      mutable.connections.extra = mutable.connections.hubspot as never;
    }).toThrow(TypeError);
    expect(() => mutable.source.envOverrides.push('X')).toThrow(TypeError);
    expect(() => {
      const odoo = mutable.connections.odoo;
      if (odoo) odoo.options.added = true;
    }).toThrow(TypeError);
    expect(config.server.port).toBe(8080);
  });
});

describe('shipped configuration files', () => {
  it('config/frontback.example.yaml loads with its variables set', () => {
    const config = loadConfig({
      file: 'config/frontback.example.yaml',
      env: EXAMPLE_ENV,
      cwd: projectRoot,
      knownConnectorKinds: KNOWN_CONNECTOR_KINDS,
    });
    expect(Object.keys(config.connections)).toEqual(['hubspot', 'odoo']);
    expect(config.connections.hubspot?.auth).toEqual({ type: 'bearer', token: EXAMPLE_ENV.HUBSPOT_TOKEN });
    expect(config.connections.hubspot?.webhook?.secret).toBe(EXAMPLE_ENV.HUBSPOT_CLIENT_SECRET);
    expect(config.connections.odoo?.auth).toMatchObject({ type: 'api-key', key: EXAMPLE_ENV.ODOO_API_KEY });
    expect(config.server.adminToken).toBe(EXAMPLE_ENV.FRONTBACK_ADMIN_TOKEN);
  });

  it('config/frontback.example.yaml without its variables names each one', () => {
    expect(() =>
      loadConfig({
        file: 'config/frontback.example.yaml',
        env: {},
        cwd: projectRoot,
        knownConnectorKinds: KNOWN_CONNECTOR_KINDS,
      }),
    ).toThrow(
      /4 problems[\s\S]*HUBSPOT_TOKEN is not set[\s\S]*HUBSPOT_CLIENT_SECRET is not set[\s\S]*ODOO_API_KEY is not set[\s\S]*FRONTBACK_ADMIN_TOKEN is not set/,
    );
  });

  it('config/demo.yaml loads with no environment: sandboxes, SQLite, in-process queue', () => {
    const config = loadConfig({
      file: 'config/demo.yaml',
      env: {},
      cwd: projectRoot,
      knownConnectorKinds: KNOWN_CONNECTOR_KINDS,
    });
    expect(config.connections.hubspot).toMatchObject({ kind: 'hubspot', baseUrl: 'http://127.0.0.1:4010' });
    expect(config.connections.odoo).toMatchObject({ kind: 'odoo', baseUrl: 'http://127.0.0.1:4020' });
    expect(config.store).toEqual({ url: './data/demo.db', kind: 'sqlite' });
    expect(config.queue.kind).toBe('memory');
  });

  it('a loaded connection is what connectors are created from', () => {
    const config = loadConfig({ file: 'config/demo.yaml', env: {}, cwd: projectRoot });
    const settings: ConnectionSettings[] = Object.entries(config.connections).map(([name, c]) => ({ name, ...c }));
    expect(settings.map((s) => s.name)).toEqual(['hubspot', 'odoo']);
  });
});

describe('describeConfig and maskConfig', () => {
  const config = loadConfig({
    file: 'config/frontback.example.yaml',
    env: {
      ...EXAMPLE_ENV,
      FRONTBACK_STORE_URL: 'postgres://app:FAKE-pg-password-5555@db/frontback',
      FRONTBACK_MIGRATION_URL: 'postgres://owner:FAKE-pg-owner-password-7777@db/frontback',
      FRONTBACK_REDIS_URL: 'redis://:FAKE-redis-password-6666@redis:6379',
    },
    cwd: projectRoot,
  });
  const secrets = [
    ...Object.values(EXAMPLE_ENV),
    'FAKE-pg-password-5555',
    'FAKE-pg-owner-password-7777',
    'FAKE-redis-password-6666',
  ];

  it('summarises connections, store, queue, server and mappings with no secret in it', () => {
    const text = describeConfig(config);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain('hubspot: hubspot at https://api.hubapi.com/, auth bearer (token ********)');
    expect(text).toContain('store: postgres postgres://');
    expect(text).toContain('queue: bullmq on redis://');
    expect(text).toContain('server: 127.0.0.1:8080');
    expect(text).toContain('admin API and console enabled for admin (token ********)');
    expect(text).toContain('migrations with postgres://');
    expect(text).toContain(
      '(overridden by FRONTBACK_STORE_URL, FRONTBACK_MIGRATION_URL, FRONTBACK_REDIS_URL, FRONTBACK_ADMIN_TOKEN)',
    );
  });

  it('maskConfig keeps the shape and masks every secret', () => {
    const masked = maskConfig(config);
    const json = JSON.stringify(masked);
    for (const secret of secrets) expect(json).not.toContain(secret);
    expect(masked).toMatchObject({
      connections: {
        hubspot: { auth: { type: 'bearer', token: MASK }, webhook: { secret: MASK } },
        odoo: { auth: { key: MASK } },
      },
      server: { adminToken: MASK, port: 8080 },
    });
  });
});

describe('connection concurrency', () => {
  const yaml = (n: string) =>
    [
      'connections:',
      '  odoo:',
      '    kind: odoo',
      '    baseUrl: https://acme.odoo.com',
      '    auth: { type: api-key, login: admin, key: k, database: acme }',
      `    concurrency: ${n}`,
    ].join('\n');

  it('is read from the connection and shown by describeConfig', () => {
    const config = loadConfig({ file: write('concurrency.yaml', yaml('3')), env: {}, cwd: dir });
    expect(config.connections.odoo?.concurrency).toBe(3);
    expect(describeConfig(config)).toContain('3 requests at once');
  });

  it('refuses 0, with where', () => {
    expect(() => loadConfig({ file: write('concurrency-0.yaml', yaml('0')), env: {}, cwd: dir })).toThrow(
      /concurrency/,
    );
  });
});

describe('loadConfig audit checkpoints', () => {
  it('reads the checkpoint settings, checkpointEvery as a duration', () => {
    const file = write(
      'audit.yaml',
      'audit:\n  signingKeyFile: /run/secrets/k\n  trustedKeys:\n    0123456789abcdef: /etc/k.pub\n' +
        '  checkpointDir: /mnt/ckpt\n  checkpointEvery: 5m\n',
    );
    const config = loadConfig({ file, env: {}, cwd: dir });
    expect(config.audit).toEqual({
      signingKeyFile: '/run/secrets/k',
      trustedKeys: { '0123456789abcdef': '/etc/k.pub' },
      checkpointDir: '/mnt/ckpt',
      checkpointEveryMs: 300_000,
    });
    expect(describeConfig(config)).toContain('audit checkpoints: every 300s to /mnt/ckpt, 1 trusted keys');
  });

  it.each([
    ['  checkpointEvery: soon\n', 'audit.checkpointEvery'],
    ['  checkpointEvery: 0s\n', 'audit.checkpointEvery'],
    ['  trustedKeys:\n    k1: /etc/k.pub\n', 'audit.trustedKeys'],
  ])('refuses %j', (yaml, path) => {
    const file = write('bad-audit.yaml', `audit:\n${yaml}`);
    expect(() => loadConfig({ file, env: {}, cwd: dir })).toThrow(path);
  });
});
