/**
 * Admins by name (server.admins): the configuration refuses a name twice and "admin" beside
 * adminToken; the directory finds an admin by token, refuses a weak, empty or unreadable
 * token file at start naming the file (never the value), accepts two lines during a
 * rollover, sees a replaced file after its re-read interval, and keeps the tokens last
 * read while a file cannot be read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../../src/cli/commands/secret.ts';
import { connectorConfigFacts } from '../../../src/cli/config.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { ConfigError, formatSourceIssue } from '../../../src/errors.ts';
import { adminDirectory, tokenFingerprint } from '../../../src/server/admins.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontback-admins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(yaml: string): string[] {
  writeFileSync(join(dir, 'c.yaml'), yaml);
  try {
    loadConfig({ file: 'c.yaml', env: {}, cwd: dir, ...connectorConfigFacts() });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map(formatSourceIssue);
  }
  throw new Error('configuration was accepted');
}

describe('server.admins in the configuration', () => {
  it('refuses one name twice (any case) and "admin" beside adminToken, at their lines', () => {
    const twice = problems(
      'server:\n  admins:\n    - { name: Ada, tokenFile: a.token }\n    - { name: ada, tokenFile: b.token }\n',
    );
    expect(twice.join('\n')).toMatch(/c\.yaml:4:\d+ server\.admins\[1\]\.name: "ada" is named twice/);
    const admin = problems(
      `server:\n  adminToken: ${generateSecret()}\n  admins:\n    - { name: admin, tokenFile: a.token }\n`,
    );
    expect(admin.join('\n')).toMatch(/server\.admins\[0\]\.name: "admin" is the admin of server\.adminToken/);
  });
});

describe('the admin directory', () => {
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('finds admins by token, "admin" for adminToken, and nobody for another token', () => {
    const root = generateSecret();
    const ada = generateSecret();
    const directory = adminDirectory({
      adminTokens: [root],
      admins: [{ name: 'Ada Lovelace', tokenFile: file('ada-1', `${ada}\n`) }],
    });
    expect(directory.any).toBe(true);
    expect(directory.byToken(root)).toEqual({ name: 'admin', fingerprint: tokenFingerprint(root) });
    expect(directory.byToken(ada)?.name).toBe('Ada Lovelace');
    expect(directory.byToken(generateSecret())).toBeUndefined();
    expect(directory.byToken(`${ada}x`)).toBeUndefined();
    expect(adminDirectory({ adminTokens: [], admins: [] }).any).toBe(false);
  });

  it('refuses a weak, empty, three-line or missing token file at start, naming the file and never the value', () => {
    const cases: Array<[string, RegExp]> = [
      [file('weak', 'password123\n'), /tokenFile .*weak, line 1: .*128 bits/],
      [file('empty', '\n\n'), /tokenFile .*empty is empty/],
      [file('three', `${generateSecret()}\n${generateSecret()}\n${generateSecret()}\n`), /holds 3 lines/],
      [join(dir, 'missing'), /cannot read tokenFile .*missing \(ENOENT\)/],
    ];
    for (const [path, message] of cases) {
      const build = () => adminDirectory({ adminTokens: [], admins: [{ name: 'Ada', tokenFile: path }] });
      expect(build).toThrow(message);
      try {
        build();
      } catch (err) {
        expect((err as Error).message).not.toContain('password123');
      }
    }
  });

  it('accepts both lines of a rollover, and a replaced file after the re-read interval only', () => {
    let now = 1_000;
    const [current, previous, next] = [generateSecret(), generateSecret(), generateSecret()];
    const path = file('ada-2', `${current}\n${previous}\n`);
    const directory = adminDirectory({
      adminTokens: [],
      admins: [{ name: 'Ada', tokenFile: path }],
      rereadMs: 5_000,
      clock: () => now,
    });
    const signedIn = directory.byToken(previous);
    expect(signedIn?.name).toBe('Ada');
    expect(directory.byToken(current)?.name).toBe('Ada');
    writeFileSync(path, `${next}\n`);
    now += 4_999;
    expect(directory.current(signedIn!)).toBe(true);
    now += 1;
    expect(directory.current(signedIn!)).toBe(false);
    expect(directory.byToken(previous)).toBeUndefined();
    expect(directory.byToken(next)?.name).toBe('Ada');
  });

  it('keeps the tokens last read while the file cannot be read (a rotation half done), and says so once', () => {
    let now = 0;
    const token = generateSecret();
    const path = file('ada-3', token);
    const warnings: string[] = [];
    const logger = { warn: (_o: unknown, m: string) => warnings.push(m), info: () => undefined };
    const directory = adminDirectory({
      adminTokens: [],
      admins: [{ name: 'Ada', tokenFile: path }],
      rereadMs: 10,
      clock: () => now,
      logger: logger as never,
    });
    rmSync(path);
    now += 10;
    expect(directory.byToken(token)?.name).toBe('Ada');
    now += 10;
    expect(directory.byToken(token)?.name).toBe('Ada');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cannot read tokenFile .*; keeping the token last read/);
  });
});
