/**
 * The README's run command, end to end: `frontback demo` as a user runs it (a child
 * process), with its own ports and store so it cannot collide with other suites. The
 * demo runs real sync passes on the sandboxes; every line checked here is one it
 * computed from what happened (the sandboxes' records read back, the store, the audit log).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runFrontback, startFrontback } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontback-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A demo configuration on free ports, in the temp folder. */
async function demoConfig(): Promise<{ config: string; store: string; serverPort: number }> {
  const [hubspotPort, odooPort, serverPort] = [await freePort(), await freePort(), await freePort()];
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
      '    webhook: { secret: test-demo-hubspot-webhook-secret, signatureVersion: v3 }',
      '  odoo:',
      '    kind: odoo',
      `    baseUrl: http://127.0.0.1:${odooPort}`,
      '    rateLimit: { requests: 200, perMs: 1000 }',
      '    auth: { type: api-key, login: admin, key: test-demo-key, database: odoo }',
      '    webhook: { secret: test-demo-odoo-webhook-token }',
      `store: { url: ${JSON.stringify(store)} }`,
      `server: { host: 127.0.0.1, port: ${serverPort}, adminToken: test-demo-admin-token-of-the-e2e-run }`,
    ].join('\n'),
  );
  return { config, store, serverPort };
}

/** The story without what differs from run to run (times, hashes, durations). */
const story = (out: string): string =>
  out
    .slice(out.indexOf('1. Sandboxes'), out.indexOf('Demo done in'))
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')
    .replace(/head [0-9a-f]{16}/, 'head <hash>');

const num = (out: string, re: RegExp): number => Number(re.exec(out)?.[1] ?? NaN);

describe('frontback demo', () => {
  it('syncs for real: first sync without doubles, an update each way, a conflict, a deletion, echoes, the audit', async () => {
    const { config, store, serverPort } = await demoConfig();
    const first = await runFrontback(['demo', '-c', config]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const out = first.stdout;
    for (const n of [1, 2, 3, 4, 5, 6, 7]) expect(out).toMatch(new RegExp(`^${n}\\. `, 'm'));

    // 1-2. The messy start, then the first sync: the customer typed in both systems is matched by its name
    // despite case, punctuation and legal form; the one-sided ones are created once, on the other side.
    expect(out).toMatch(/in both, written differently: hubspot companies \d+ "Kestrel Dynamics, Inc\."/);
    expect(out).toMatch(/e\.g\. hubspot "Kestrel Dynamics, Inc\." = odoo "KESTREL DYNAMICS INC" \(name\)/);
    expect(out).toMatch(/e\.g\. hubspot "[^"]+" = odoo "https:\/\/www\.[^"]+" \(crm domain = erp website\)/);
    expect(out).toMatch(/=> companies-partners: \d+ linked pairs; 0 record\(s\) left to a person\n/);
    expect(out).toMatch(/=> companies-partners: .*\n {6}matched \d+: .*\n {6}created 1 in hubspot, 1 in odoo\n/);
    expect(num(out, /=> companies-partners: .*\n {6}matched (\d+)/)).toBeGreaterThan(5);
    expect(num(out, /=> contacts-partners: .*\n {6}matched (\d+)/)).toBeGreaterThan(5);
    // Nothing doubled, counted on each side after the passes.
    expect(out.match(/^ {6}nothing doubled: /gm)).toHaveLength(2);
    expect(out).not.toContain('DOUBLED');
    // As many companies on each side, each once, all linked.
    const companies =
      /nothing doubled: hubspot companies (\d+) live, (\d+) keys; odoo res\.partner (\d+) live, (\d+) keys\n/.exec(out);
    const linked = num(out, /companies-partners: (\d+) linked pairs/);
    expect(companies?.slice(1).map(Number)).toEqual([linked, linked, linked, linked]);

    // 3. An update each way, the field read back from the other system after the pass.
    expect(out).toMatch(/hubspot contacts \d+: jobtitle ".*" -> "Head of Purchasing"/);
    expect(out).toMatch(/odoo res\.partner \d+ now has function = "Head of Purchasing"\n/);
    expect(out).toMatch(/odoo res\.partner \d+: street ".*" -> "12 Harbour Road"/);
    expect(out).toMatch(/hubspot contacts \d+ now has address = "12 Harbour Road"\n/);

    // 4. A conflict decided by the mapping's rule, both values shown, the same on both sides after.
    expect(out).toMatch(/odoo res\.partner \d+: city -> "Lyon"/);
    expect(out).toMatch(/hubspot contacts \d+: city -> "Marseille"/);
    expect(out).toMatch(/decided: city: hubspot wins\n {6}rule: both changed; newest/);
    expect(out).toContain('now: hubspot "Marseille", odoo "Marseille" (in agreement)');

    // 5. A deletion followed as the mapping says (deletes: archive).
    expect(out).toMatch(/hubspot contacts \d+ \(".*@.*"\) archived\n/);
    expect(out).toMatch(/pass contacts-partners from hubspot: \d+ read -> odoo 1 archived, 0 updated;/);
    expect(out).toMatch(/odoo res\.partner \d+ is now archived\n/);

    // 6. Echoes: the last passes read back what frontback wrote, and write nothing.
    expect(out).toMatch(/these two passes read back [1-9]\d* record\(s\) frontback had written; 0 write\(s\) made/);
    expect(num(out, /, (\d+) skipped as echoes/)).toBeGreaterThan(10);

    // 7. The audit log verified, and the CLI agrees on the file the demo left.
    const entries = num(out, /verified: intact, (\d+) entries/);
    expect(entries).toBeGreaterThan(0);
    expect(out).toMatch(/Demo done in [\d.]+ s: every step went as told\./);
    const verify = await runFrontback(['audit', 'verify', '--store', store]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`audit log intact: ${entries} entries`);
    // The test credentials never reach the output.
    const secrets = [
      'test-demo-token',
      'test-demo-key',
      'test-demo-admin-token-of-the-e2e-run',
      'test-demo-odoo-webhook-token',
    ];
    for (const secret of secrets) expect(out).not.toContain(secret);

    // Again, with --keep-running: the same story from a fresh start, then start's server up until Ctrl-C.
    const again = startFrontback(['demo', '-c', config, '--keep-running']);
    try {
      expect(await again.waitFor('Ctrl-C stops everything.', 60_000)).toBe(true);
      expect(story(again.output())).toBe(story(out));
      expect(again.output()).toContain(`webhooks to http://127.0.0.1:${serverPort}/webhooks/hubspot`);
      expect((await fetch(`http://127.0.0.1:${serverPort}/healthz`)).status).toBe(200);
      // The story's writes came back as webhooks from both sandboxes, signed or with their token, and were accepted.
      const accepted = async (connection: string): Promise<number> => {
        const metrics = await (await fetch(`http://127.0.0.1:${serverPort}/metrics`)).text();
        const outcomes: Record<string, number> = {};
        for (const line of metrics.split('\n')) {
          if (!line.startsWith('frontback_webhook_deliveries_total{') || !line.includes(`connection="${connection}"`))
            continue;
          const outcome = /outcome="(\w+)"/.exec(line)?.[1] ?? '?';
          outcomes[outcome] = Number(line.split(' ').pop());
        }
        expect(outcomes.refused ?? 0).toBe(0);
        return outcomes.accepted ?? 0;
      };
      for (const connection of ['hubspot', 'odoo']) {
        const deadline = Date.now() + 20_000;
        while ((await accepted(connection)) === 0 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 250));
        expect(await accepted(connection)).toBeGreaterThan(0);
      }
    } finally {
      expect(await again.stop('SIGINT')).toBe(0);
    }
    expect(again.output()).toContain('frontback demo stopped');
  }, 150_000);
});
