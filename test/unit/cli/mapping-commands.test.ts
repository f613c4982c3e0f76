/**
 * The mapping commands end to end through runCli: `validate` over a mappings
 * folder (exit 1 with every problem, examples run), `preview` (patch and trace),
 * `schema mapping` (a JSON Schema that accepts a good file and refuses a bad one).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Command } from 'commander';
import { parse } from 'yaml';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerPreviewCommand } from '../../../src/cli/commands/preview.ts';
import { registerSchemaCommand } from '../../../src/cli/commands/schema.ts';
import { registerValidateCommand } from '../../../src/cli/commands/validate.ts';
import { runCli } from '../../../src/cli/run.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontback-mapping-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG = `connections:
  hubspot: { kind: hubspot, baseUrl: http://127.0.0.1:4010, auth: { type: bearer, token: t } }
  odoo: { kind: odoo, baseUrl: http://127.0.0.1:4020, auth: { type: api-key, key: k } }
mappings:
  dir: MAPPINGS
`;

const GOOD = `id: contacts-partners
sides:
  crm: { connection: hubspot, object: contacts }
  erp: { connection: odoo, object: res.partner }
filter:
  crm: lifecyclestage == "customer"
fields:
  - { crm: email, erp: email, transform: email }
  - { name: fullname, crm: firstname + " " + lastname, erp: name }
  - { crm: country, erp: country_id, transform: country-code, lookup: { model: res.country, by: code } }
examples:
  - from: crm
    input: { email: " A@B.com", firstname: Ann, lastname: Lee, country: France }
    expect: { email: "a@b.com", name: "Ann Lee", country_id: "75" }
    resolve: { "res.country:FR": "75" }
`;

function setup(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'mappings'), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(root, 'mappings', file), text);
  writeFileSync(join(root, 'frontback.yaml'), CONFIG.replace('MAPPINGS', join(root, 'mappings')));
  return root;
}

async function cli(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const program = new Command('frontback').option('-c, --config <file>', 'configuration file');
  registerValidateCommand(program);
  registerPreviewCommand(program);
  registerSchemaCommand(program);
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const before = process.exitCode;
  try {
    await runCli(program, ['node', 'frontback', ...args]);
    return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = before;
    vi.restoreAllMocks();
  }
}

describe('frontback validate with mappings', () => {
  it('loads every mapping, checks both sides against the connectors, runs the examples, exits 0', async () => {
    const root = setup('ok', { 'contacts.yaml': GOOD });
    const { stdout, exitCode } = await cli(['validate', '-c', join(root, 'frontback.yaml')]);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/mappings: 1 OK \(contacts-partners@[0-9a-f]{12}\)/);
    // HubSpot and Odoo both describe their standard objects offline: nothing is left unchecked.
    expect(stdout).not.toContain('not checked');
    expect(stdout.trimEnd().endsWith('configuration OK')).toBe(true);
  });

  it('lists every problem of every mapping with file:line:col and exits 1', async () => {
    const root = setup('bad', {
      'contacts.yaml': GOOD.replace('"Ann Lee"', '"Ann"'),
      'other.yaml': GOOD.replace('id: contacts-partners', 'id: other').replace(
        'connection: hubspot',
        'connection: hubspt',
      ),
      'third.yaml': GOOD.replace('id: contacts-partners', 'id: third').replace(
        'email, erp: email,',
        'emial, erp: email,',
      ),
    });
    const { stderr, exitCode } = await cli(['validate', '-c', join(root, 'frontback.yaml')]);
    expect(exitCode).toBe(1);
    const file = (n: string): string => relative(process.cwd(), join(root, 'mappings', n));
    expect(stderr).toContain('invalid mapping: 3 problems');
    expect(stderr).toContain(
      `${file('other.yaml')}:3:22 sides.crm.connection: unknown connection "hubspt" (did you mean "hubspot"?) (configured: hubspot, odoo)`,
    );
    expect(stderr).toContain(
      `${file('contacts.yaml')}:14:39 examples[0].expect.name: example fails: expected "Ann", got "Ann Lee"`,
    );
    expect(stderr).toContain(
      `${file('third.yaml')}:8:12 fields[0].crm: unknown field "emial" in hubspot contacts (did you mean "email"?)`,
    );
  });
});

describe('frontback preview', () => {
  const root = setup('preview', { 'contacts.yaml': GOOD });
  writeFileSync(
    join(root, 'record.json'),
    JSON.stringify({
      email: ' Ann@X.com',
      firstname: 'Ann',
      lastname: 'Lee',
      country: 'Deutschland',
      lifecyclestage: 'lead',
    }),
  );
  writeFileSync(join(root, 'resolve.json'), JSON.stringify({ 'res.country:DE': '57' }));
  const config = join(root, 'frontback.yaml');

  it('prints the patch for the other side with a per-field trace', async () => {
    const { stdout, exitCode } = await cli([
      '-c',
      config,
      'preview',
      'contacts-partners',
      '--from',
      'crm',
      '--record',
      join(root, 'record.json'),
      '--resolve',
      join(root, 'resolve.json'),
    ]);
    expect(exitCode).toBe(0);
    expect(stdout).toContain('): crm -> erp (odoo res.partner)');
    expect(stdout).toContain('filter (crm): REJECTED: this record would not be synced');
    expect(stdout).toContain('"country_id": "57"');
    expect(stdout).toContain('fields[0] email: read crm email " Ann@X.com" -> transform email "ann@x.com" => email');
    expect(stdout).toContain('fields[1] fullname: read crm firstname + " " + lastname "Ann Lee" => name');
    expect(stdout).toContain(
      'fields[2] country: read crm country "Deutschland" -> transform country-code "DE" -> lookup res.country by code "57" => country_id',
    );
  });

  it('prints JSON with --json, and exits 1 when a field could not be translated', async () => {
    const { stdout, exitCode } = await cli([
      '-c',
      config,
      'preview',
      'contacts-partners',
      '--from',
      'crm',
      '--record',
      join(root, 'record.json'),
      '--json',
    ]);
    expect(exitCode).toBe(1);
    const out = JSON.parse(stdout) as {
      patch: Record<string, unknown>;
      problems: { field: string }[];
      accepted: boolean;
    };
    expect(out.patch).toEqual({ email: 'ann@x.com', name: 'Ann Lee' });
    expect(out.problems.map((p) => p.field)).toEqual(['country']);
    expect(out.accepted).toBe(false);
  });

  it('names the known mappings when the one asked for does not exist', async () => {
    const { stderr, exitCode } = await cli([
      '-c',
      config,
      'preview',
      'contacts',
      '--from',
      'crm',
      '--record',
      join(root, 'record.json'),
    ]);
    expect(exitCode).toBe(1);
    expect(stderr).toContain('no mapping "contacts" (known: contacts-partners)');
  });

  it('refuses a record file with __proto__', async () => {
    writeFileSync(join(root, 'evil.json'), '{"__proto__": {"x": 1}}');
    const { stderr, exitCode } = await cli([
      '-c',
      config,
      'preview',
      'contacts-partners',
      '--from',
      'crm',
      '--record',
      join(root, 'evil.json'),
    ]);
    expect(exitCode).toBe(1);
    expect(stderr).toContain('the record file is not valid JSON');
  });
});

describe('frontback schema mapping', () => {
  it('writes a JSON Schema that accepts a good mapping and refuses a misspelt key', async () => {
    const out = join(dir, 'mapping.schema.json');
    const { exitCode } = await cli(['schema', 'mapping', '--out', out]);
    expect(exitCode).toBe(0);
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(out, 'utf8')) as object);
    expect(validate(parse(GOOD))).toBe(true);
    expect(validate(parse(GOOD.replace('filter:', 'filtre:')))).toBe(false);
  });
});
