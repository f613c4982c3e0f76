import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { registerValidateCommand } from '../../../src/cli/commands/validate.ts';
import { runCli } from '../../../src/cli/run.ts';
import { projectRoot } from '../../support/env.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontback-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function program(): Command {
  const p = new Command('frontback').option('-c, --config <file>', 'configuration file');
  registerValidateCommand(p);
  return p;
}

/** Runs `frontback <args>` through runCli; returns what it printed and the exit code. */
async function cli(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const before = process.exitCode;
  try {
    await runCli(program(), ['node', 'frontback', ...args]);
    return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = before;
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.unstubAllEnvs());

describe('frontback validate', () => {
  it('prints a masked summary of the demo config and exits 0', async () => {
    const { stdout, exitCode } = await cli(['validate', '-c', join(projectRoot, 'config/demo.yaml')]);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('hubspot: hubspot at http://127.0.0.1:4010/, auth bearer (token ********)');
    expect(stdout).toContain(
      'odoo: odoo at http://127.0.0.1:4020/, auth api-key (login admin, database odoo, key ********)',
    );
    expect(stdout).toContain('store: sqlite ./data/demo.db');
    expect(stdout).toContain('queue: embedded (in-process), concurrency 4');
    expect(stdout).toContain('server: 127.0.0.1:8080');
    expect(stdout).not.toContain('sandbox-hubspot-token');
    expect(stdout).not.toContain('sandbox-odoo-key');
    expect(stdout.trimEnd().endsWith('configuration OK')).toBe(true);
  });

  it('accepts --config before the command too', async () => {
    const { exitCode, stdout } = await cli(['--config', join(projectRoot, 'config/demo.yaml'), 'validate']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain(`configuration: ${join(projectRoot, 'config/demo.yaml')}`);
  });

  it('refuses a mappings directory that does not exist, as sync does', async () => {
    const present = join(dir, 'mappings-present');
    mkdirSync(present);
    writeFileSync(join(dir, 'with.yaml'), `mappings:\n  dir: ${present}\n`);
    writeFileSync(join(dir, 'without.yaml'), `mappings:\n  dir: ${join(dir, 'absent')}\n`);
    const note = 'mappings: 0 OK';
    expect((await cli(['validate', '-c', join(dir, 'with.yaml')])).stdout).toContain(note);
    const without = await cli(['validate', '-c', join(dir, 'without.yaml')]);
    expect(without.exitCode).toBe(1);
    expect(without.stdout).toBe('');
    expect(without.stderr).toBe(
      `frontback: invalid mapping: 1 problem\n  ${join(dir, 'absent')}: no such file or folder\n`,
    );
  });

  it('prints warnings with their position, and still exits 0', async () => {
    const folder = join(dir, 'mappings-warn');
    mkdirSync(folder);
    writeFileSync(
      join(folder, 'orders.yaml'),
      'id: deals-orders\nsides:\n  crm: { connection: hubspot, object: deals }\n  erp: { connection: odoo, object: sale.order }\ncreates: { crm: false }\nfields:\n  - { crm: dealname, erp: client_order_ref }\n',
    );
    writeFileSync(
      join(dir, 'warn.yaml'),
      `${readFileSync(join(projectRoot, 'config/demo.yaml'), 'utf8')}\nmappings:\n  dir: ${folder}\n`,
    );
    const { stdout, exitCode } = await cli(['validate', '-c', join(dir, 'warn.yaml')]);
    expect(exitCode).toBe(0);
    expect(stdout).toContain(
      `mappings-warn/orders.yaml:5:1 creates: creates in erp without a match rule: every record without a link becomes a new one (add match: rules, or creates: { erp: false })\n`,
    );
    expect(stdout).toMatch(/\n {2}warning: \S*mappings-warn\/orders\.yaml:5:1 creates: /);
    expect(stdout).not.toContain('creates in crm');
  });

  it('reads FRONTBACK_CONFIG and the FRONTBACK_* overrides from the process environment', async () => {
    vi.stubEnv('FRONTBACK_CONFIG', join(projectRoot, 'config/demo.yaml'));
    vi.stubEnv('FRONTBACK_LOG_LEVEL', 'debug');
    const { stdout, exitCode } = await cli(['validate']);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('(overridden by FRONTBACK_LOG_LEVEL)');
    expect(stdout).toContain('logging: debug');
  });

  it('prints every problem with file:line:column and exits 1', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'connections:\n  crm:\n    kind: hubspott\n    auth: { type: none }\nserver:\n  port: abc\n');
    const { stdout, stderr, exitCode } = await cli(['validate', '-c', file]);
    expect(exitCode).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'frontback: invalid configuration: 2 problems\n' +
        `  ${file}:3:11 connections.crm.kind: unknown connector kind "hubspott" (did you mean "hubspot"?); known kinds: hubspot, odoo\n` +
        `  ${file}:6:9 server.port: expected an integer; got "abc"\n`,
    );
  });

  it('accepts only the kinds the connector registry has: a planned connector is refused, naming the available ones', async () => {
    const file = join(dir, 'planned.yaml');
    writeFileSync(file, 'connections:\n  crm:\n    kind: salesforce\n    auth: { type: none }\n');
    const { stderr, exitCode } = await cli(['validate', '-c', file]);
    expect(exitCode).toBe(1);
    expect(stderr).toContain(
      `${file}:3:11 connections.crm.kind: unknown connector kind "salesforce"; known kinds: hubspot, odoo`,
    );
  });
});
