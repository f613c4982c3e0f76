/**
 * `frontback validate` runs the secret checks (issue #15 item 5): a weak admin-chosen
 * secret and a published demo token outside the demo each get one line naming the path,
 * exit 1, and the values never appear in the output.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerValidateCommand } from '../../../src/cli/commands/validate.ts';
import { runCli } from '../../../src/cli/run.ts';
import { projectRoot } from '../../support/env.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontback-validate-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function validate(file: string): Promise<{ out: string; exitCode: number }> {
  let out = '';
  const capture = (chunk: unknown): boolean => {
    out += String(chunk);
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const program = new Command('frontback').option('-c, --config <file>', 'configuration file');
  registerValidateCommand(program);
  const before = process.exitCode;
  try {
    await runCli(program, ['node', 'frontback', 'validate', '-c', file]);
    return { out, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = before;
    vi.restoreAllMocks();
  }
}

describe('frontback validate and secrets', () => {
  it('refuses a weak Odoo URL token and the demo admin token outside the demo, one line each', async () => {
    const file = join(dir, 'weak.yaml');
    const demo = readFileSync(join(projectRoot, 'config/demo.yaml'), 'utf8')
      .replace(/^demo: true\n/m, '')
      .replace('secret: demo-odoo-webhook-token-not-a-secret', 'secret: k9')
      .replace(
        /^ {4}auth:\n {6}type: bearer\n {6}token: .*$/m,
        '    auth: { type: bearer, token: "${HUBSPOT_TOKEN:-x}" }',
      )
      .replace(/^ {6}key: sandbox-odoo-key$/m, '      key: "${ODOO_KEY:-x}"')
      .replace('secret: demo-hubspot-client-secret-not-a-secret', 'secret: "${HUBSPOT_SECRET:-x}"');
    writeFileSync(file, demo);
    const { out, exitCode } = await validate(file);
    expect(exitCode).toBe(1);
    expect(out).toMatch(
      /weak\.yaml:\d+:\d+ connections\.odoo\.webhook\.secret: too weak \(about 10 bits of randomness\): .*generate one with `frontback secret`/,
    );
    expect(out).toMatch(/weak\.yaml:\d+:\d+ server\.adminToken: is a published demo value \(config\/demo\.yaml\)/);
    expect(out).toContain('invalid configuration: 2 problems');
    expect(out).not.toContain('k9');
    expect(out).not.toContain('demo-admin-token-not-a-secret');
  });

  it('accepts the demo configuration as shipped', async () => {
    const { out, exitCode } = await validate(join(projectRoot, 'config/demo.yaml'));
    expect(exitCode).toBe(0);
    expect(out).toContain('demo configuration (demo: true)');
  });
});
