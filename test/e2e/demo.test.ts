/**
 * The README's run command, end to end: `frontback demo` as a user runs it (a child
 * process), with its own ports and store so it cannot collide with other suites.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runFrontback, type CliRun } from '../support/cli.ts';

const run = (args: string[]): Promise<CliRun> => runFrontback(args);

const dir = mkdtempSync(join(tmpdir(), 'frontback-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('frontback demo', () => {
  it('runs the embedded demo: sandboxes, connectors, cursors and a verified audit log', async () => {
    const [hubspotPort, odooPort] = [await freePort(), await freePort()];
    const store = join(dir, 'demo.db');
    const config = join(dir, 'demo.yaml');
    writeFileSync(
      config,
      [
        'connections:',
        '  hubspot:',
        '    kind: hubspot',
        `    baseUrl: http://127.0.0.1:${hubspotPort}`,
        '    auth: { type: bearer, token: test-demo-token }',
        '  odoo:',
        '    kind: odoo',
        `    baseUrl: http://127.0.0.1:${odooPort}`,
        '    auth: { type: api-key, login: admin, key: test-demo-key, database: odoo }',
        `store: { url: ${JSON.stringify(store)} }`,
      ].join('\n'),
    );
    const first = await run(['demo', '-c', config, '--records', '30']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/hubspot\s+http:\/\/127\.0\.0\.1:\d+\s+30 contacts, 10 companies/);
    expect(first.stdout).toMatch(/hubspot\s+contacts\s+30 contacts in \d+ page/);
    expect(first.stdout).toMatch(/odoo\s+res\.partner\s+\d+ partners in \d+ page/);
    // The identity preview pairs most seeded people across the two systems, some only after normalising.
    const preview = /(\d+) of 30 HubSpot contacts match one Odoo partner; (\d+) of those only after normalising/.exec(
      first.stdout,
    );
    expect(Number(preview?.[1])).toBeGreaterThan(20);
    expect(Number(preview?.[2])).toBeGreaterThan(0);
    // A dry run of the shipped contacts mapping on one matched pair: a patch, compared field by field.
    expect(first.stdout).toMatch(/mappings: 4 loaded and validated/);
    expect(first.stdout).toMatch(/Dry run of mapping contacts-partners .*version [0-9a-f]{12}/);
    expect(first.stdout).toMatch(/email\s+email\s+".*"\s+Odoo has ".*"\s+same/);
    expect(first.stdout).toMatch(/=> \d+ field\(s\) would change, \d+ already agree/);
    // The merge agrees with the dry run: every field that would change is pushed to Odoo, nothing parked.
    const changing = Number(/=> (\d+) field\(s\) would change/.exec(first.stdout)?.[1]);
    const pushed = Number(
      /the merge would push (\d+) field\(s\) to Odoo and 0 to HubSpot, and park 0/.exec(first.stdout)?.[1],
    );
    expect(pushed).toBeGreaterThanOrEqual(changing);
    expect(first.stdout).toMatch(/crm -> erp +only crm changed/);
    // One change through the API, then the incremental read from the saved cursor sees exactly it.
    expect(first.stdout).toMatch(/updated contact (\d+): phone -> .* \(ok\)/);
    const changed = /updated contact (\d+)/.exec(first.stdout)?.[1];
    expect(first.stdout).toContain(`: 1 record(s) changed after the cursor [${changed}]`);
    expect(first.stdout).toMatch(/audit verify: intact, \d+ entries, head [0-9a-f]{64}/);
    // The test token never reaches the output.
    expect(first.stdout).not.toContain('test-demo-token');
    expect(first.stdout).not.toContain('test-demo-key');

    // A second run appends to the same chain, which stays intact.
    const count = (out: string): number => Number(/intact, (\d+) entries/.exec(out)?.[1]);
    const second = await run(['demo', '-c', config, '--records', '30']);
    expect(second.code).toBe(0);
    expect(count(second.stdout)).toBeGreaterThan(count(first.stdout));

    const verify = await run(['audit', 'verify', '--store', store]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`audit log intact: ${count(second.stdout)} entries`);
  }, 60_000);
});
