/**
 * Bad configurations: each one must be refused with the exact message at the exact
 * file:line:column, all problems of a file reported at once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.ts';
import { ConfigError, formatSourceIssue } from '../../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontback-config-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KINDS = ['hubspot', 'salesforce', 'odoo', 'business-central', 'netsuite'];

/** Loads `text` as bad.yaml and returns the formatted issues (fails the test if it loads). */
function problems(text: string, env: Record<string, string> = {}): string[] {
  writeFileSync(join(dir, 'bad.yaml'), text);
  try {
    loadConfig({ file: 'bad.yaml', env, cwd: dir, knownConnectorKinds: KINDS });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map(formatSourceIssue);
  }
  throw new Error('configuration was accepted');
}

/** A valid HubSpot connection with one line replaced, for focused cases. */
const hubspot = (lines: { baseUrl?: string; auth?: string } = {}) =>
  [
    'connections:',
    '  hubspot:',
    '    kind: hubspot',
    `    baseUrl: ${lines.baseUrl ?? 'https://api.hubapi.com'}`,
    '    auth:',
    lines.auth ?? '      type: bearer\n      token: abc',
    '',
  ].join('\n');

interface Case {
  name: string;
  yaml: string;
  env?: Record<string, string>;
  expected: string[];
}

const cases: Case[] = [
  {
    name: 'malformed YAML: unclosed quote points at the opening quote',
    yaml: 'server:\n  host: "127.0.0.1\n  port: 8080\n',
    expected: ['bad.yaml:2:9: unclosed quote: this string has no closing quote'],
  },
  {
    name: 'malformed YAML: bad indentation',
    yaml: 'server:\n  port: 8080\n   host: 0.0.0.0\n',
    expected: [
      'bad.yaml:2:9: bad indentation, or an unquoted value containing ": " (indent keys evenly; quote such values)',
    ],
  },
  {
    name: 'duplicate key',
    yaml: 'server:\n  port: 8080\n  port: 9090\n',
    expected: ['bad.yaml:3:3: duplicate key "port"'],
  },
  {
    name: 'tab used for indentation',
    yaml: 'server:\n\tport: 8080\n',
    expected: ['bad.yaml:2:1: tabs are not allowed for indentation; use spaces'],
  },
  {
    name: 'unknown top-level key, with did-you-mean',
    yaml: 'sever:\n  port: 8080\n',
    expected: ['bad.yaml:1:1 sever: unknown key "sever" (did you mean "server"?)'],
  },
  {
    name: 'unknown key inside a connection, with did-you-mean',
    yaml: hubspot().replace('    baseUrl:', '    baseurl:'),
    expected: ['bad.yaml:4:5 connections.hubspot.baseurl: unknown key "baseurl" (did you mean "baseUrl"?)'],
  },
  {
    name: 'unknown connector kind',
    yaml: hubspot().replace('kind: hubspot', 'kind: hubspt'),
    expected: [
      'bad.yaml:3:11 connections.hubspot.kind: unknown connector kind "hubspt" (did you mean "hubspot"?); known kinds: hubspot, salesforce, odoo, business-central, netsuite',
    ],
  },
  {
    name: 'missing auth token is reported at its parent',
    yaml: hubspot({ auth: '      type: bearer' }),
    expected: ['bad.yaml:5:5 connections.hubspot.auth.token: required'],
  },
  {
    name: 'unset ${VAR} without default',
    yaml: hubspot({ auth: '      type: bearer\n      token: ${HUBSPOT_TOKEN}' }),
    expected: [
      'bad.yaml:7:14 connections.hubspot.auth.token: environment variable HUBSPOT_TOKEN is not set (nor HUBSPOT_TOKEN_FILE)',
    ],
  },
  {
    name: 'unreadable VAR_FILE',
    yaml: hubspot({ auth: '      type: bearer\n      token: ${HUBSPOT_TOKEN}' }),
    env: { HUBSPOT_TOKEN_FILE: 'missing/token' },
    expected: [
      'bad.yaml:7:14 connections.hubspot.auth.token: cannot read HUBSPOT_TOKEN_FILE (missing/token): no such file',
    ],
  },
  {
    name: 'empty secret after interpolation',
    yaml: hubspot({ auth: '      type: bearer\n      token: ${HUBSPOT_TOKEN}' }),
    env: { HUBSPOT_TOKEN: '' },
    expected: ['bad.yaml:7:14 connections.hubspot.auth.token: is empty'],
  },
  {
    name: 'wrong type: port "abc"',
    yaml: 'server:\n  port: abc\n',
    expected: ['bad.yaml:2:9 server.port: expected an integer; got "abc"'],
  },
  {
    name: 'port out of range',
    yaml: 'server:\n  port: 70000\n',
    expected: ['bad.yaml:2:9 server.port: must be at most 65535'],
  },
  {
    name: 'page size of 0',
    yaml: 'sync:\n  pageSize: 0\n',
    expected: ['bad.yaml:2:13 sync.pageSize: must be at least 1'],
  },
  {
    name: 'invalid log level, with did-you-mean',
    yaml: 'logging:\n  level: warning\n',
    expected: [
      'bad.yaml:2:10 logging.level: expected one of fatal, error, warn, info, debug, trace; got "warning" (did you mean "warn"?)',
    ],
  },
  {
    name: 'base URL at the cloud metadata address',
    yaml: hubspot({ baseUrl: 'http://169.254.169.254/latest/meta-data' }),
    expected: [
      'bad.yaml:4:14 connections.hubspot.baseUrl: points at a link-local or cloud metadata address (169.254.169.254), which is refused (SSRF protection)',
    ],
  },
  {
    name: 'base URL with the GCP metadata host name',
    yaml: hubspot({ baseUrl: 'http://metadata.google.internal/computeMetadata/v1' }),
    expected: [
      'bad.yaml:4:14 connections.hubspot.baseUrl: points at a link-local or cloud metadata address (metadata.google.internal), which is refused (SSRF protection)',
    ],
  },
  {
    name: 'base URL with ftp://',
    yaml: hubspot({ baseUrl: 'ftp://files.example.com' }),
    expected: [
      'bad.yaml:4:14 connections.hubspot.baseUrl: expected an http:// or https:// URL; got "ftp://files.example.com"',
    ],
  },
  {
    name: 'base URL with userinfo (the password is not echoed)',
    yaml: hubspot({ baseUrl: 'https://admin:hunter2@api.hubapi.com' }),
    expected: [
      'bad.yaml:4:14 connections.hubspot.baseUrl: must not contain a user name or password (put credentials under auth)',
    ],
  },
  {
    name: 'redis URL that is not redis://',
    yaml: 'queue:\n  redis: http://127.0.0.1:6379\n',
    expected: ['bad.yaml:2:10 queue.redis: expected a redis:// or rediss:// URL; got a "http://" URL'],
  },
  {
    name: 'negative rate limit',
    yaml: `${hubspot()}    rateLimit: { requests: -5, perMs: 10000 }\n`,
    expected: ['bad.yaml:8:28 connections.hubspot.rateLimit.requests: must be at least 1'],
  },
  {
    name: '__proto__ key',
    yaml: 'server:\n  __proto__:\n    polluted: true\n',
    expected: ['bad.yaml:2:3 server: key "__proto__" is not allowed (reserved JavaScript property name)'],
  },
  {
    name: 'wrong auth type, with did-you-mean',
    yaml: hubspot({ auth: '      type: apikey\n      key: abc' }),
    expected: [
      'bad.yaml:6:13 connections.hubspot.auth.type: expected one of bearer, oauth2, api-key, oauth1, none; got "apikey" (did you mean "api-key"?)',
    ],
  },
  {
    name: 'auth without a type',
    yaml: hubspot({ auth: '      token: abc' }),
    expected: ['bad.yaml:5:5 connections.hubspot.auth.type: required: one of bearer, oauth2, api-key, oauth1, none'],
  },
  {
    name: 'oauth2 refresh_token grant without a refresh token',
    yaml: hubspot({ auth: '      type: oauth2\n      clientId: app\n      clientSecret: s3cret' }),
    expected: [
      'bad.yaml:5:5 connections.hubspot.auth.refreshToken: required when grant is refresh_token (the default)',
    ],
  },
  {
    name: 'connection name that is not a lowercase identifier',
    yaml: hubspot().replace('  hubspot:', '  HubSpot:'),
    expected: [
      'bad.yaml:2:3 connections.HubSpot: connection name "HubSpot" must be a lowercase identifier (a-z, 0-9, "-", "_", starting with a letter)',
    ],
  },
  {
    name: 'admin token too short (not echoed)',
    yaml: 'server:\n  adminToken: short\n',
    expected: [
      'bad.yaml:2:15 server.adminToken: too weak (about 23 bits of randomness): a secret you choose needs at least 128 bits ' +
        'of randomness; generate one with `frontback secret`',
    ],
  },
  {
    name: 'metrics token too short (not echoed)',
    yaml: 'server:\n  metricsToken: short\n',
    expected: [
      'bad.yaml:2:17 server.metricsToken: too weak (about 23 bits of randomness): a secret you choose needs at least 128 bits ' +
        'of randomness; generate one with `frontback secret`',
    ],
  },
  {
    name: 'trusted proxies that are not addresses or CIDRs',
    yaml: 'server:\n  trustProxy: [10.0.0.0/33, proxy.internal]\n',
    expected: [
      'bad.yaml:2:16 server.trustProxy[0]: "10.0.0.0/33": the prefix length must be 0..32',
      'bad.yaml:2:29 server.trustProxy[1]: "proxy.internal" is not an IP address or CIDR (e.g. 10.0.0.0/8)',
    ],
  },
  {
    name: 'store URL of an unsupported database (credentials not echoed)',
    yaml: 'store:\n  url: mysql://root:pw@db/frontback\n',
    expected: ['bad.yaml:2:8 store.url: expected a SQLite file path or a postgres:// URL; got a "mysql://" URL'],
  },
  {
    name: 'top level is a list',
    yaml: '- server\n- port\n',
    expected: ['bad.yaml:1:1: expected a mapping (key: value pairs) at the top level; got a list'],
  },
  {
    name: 'bad value from an environment override names the variable',
    yaml: 'logging:\n  level: info\n',
    env: { FRONTBACK_LOG_LEVEL: 'verbose' },
    expected: [
      'env FRONTBACK_LOG_LEVEL logging.level: expected one of fatal, error, warn, info, debug, trace; got "verbose"',
    ],
  },
  {
    name: 'unterminated ${',
    yaml: 'server:\n  host: ${HOST\n',
    expected: ['bad.yaml:2:9 server.host: unterminated "${" (write "$${" for a literal "${")'],
  },
  {
    name: 'several problems at once, in file order',
    yaml: [
      'connections:',
      '  odoo:',
      '    kind: odoo',
      '    baseUrl: http://[fe80::1]:8069',
      '    auth: { type: api-key, key: "${ODOO_API_KEY}" }',
      'server:',
      '  port: -1',
      '  hots: 0.0.0.0',
      'logging:',
      '  level: verbose',
      '',
    ].join('\n'),
    expected: [
      'bad.yaml:4:14 connections.odoo.baseUrl: points at a link-local or cloud metadata address ([fe80::1]), which is refused (SSRF protection)',
      'bad.yaml:5:33 connections.odoo.auth.key: environment variable ODOO_API_KEY is not set (nor ODOO_API_KEY_FILE)',
      'bad.yaml:7:9 server.port: must be at least 0',
      'bad.yaml:8:3 server.hots: unknown key "hots" (did you mean "host"?)',
      'bad.yaml:10:10 logging.level: expected one of fatal, error, warn, info, debug, trace; got "verbose"',
    ],
  },
];

describe('loadConfig refuses bad configuration with file:line:column', () => {
  it.each(cases)('$name', ({ yaml, env, expected }) => {
    expect(problems(yaml, env)).toEqual(expected);
  });

  it('puts every problem in the error message, one per line', () => {
    writeFileSync(join(dir, 'two.yaml'), 'server:\n  port: abc\nlogging:\n  level: loud\n');
    expect(() => loadConfig({ file: 'two.yaml', env: {}, cwd: dir })).toThrow(
      'invalid configuration: 2 problems\n' +
        '  two.yaml:2:9 server.port: expected an integer; got "abc"\n' +
        '  two.yaml:4:10 logging.level: expected one of fatal, error, warn, info, debug, trace; got "loud"',
    );
  });

  it('names a configuration file that does not exist', () => {
    expect(() => loadConfig({ file: 'nope.yaml', env: {}, cwd: dir })).toThrow(
      'invalid configuration: 1 problem\n  nope.yaml: cannot read the configuration file: no such file',
    );
  });

  it('never echoes a secret given with the wrong type', () => {
    const found = problems(hubspot({ auth: '      type: bearer\n      token: 123456789' }));
    expect(found).toEqual(['bad.yaml:7:14 connections.hubspot.auth.token: expected a string; got a number']);
  });
});
