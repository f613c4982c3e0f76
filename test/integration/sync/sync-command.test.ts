/**
 * `frontback sync` as a user runs it, against both sandboxes: `--dry-run` lists what a
 * pass would do and leaves the store without links or cursors; the real pass applies
 * and a second one finds nothing left to do; an unknown mapping is a clear error;
 * progress shows page by page (`--json` on stdout, plain lines on stderr off a terminal).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHubSpotSandbox,
  DEFAULT_SANDBOX_TOKEN,
  type HubSpotSandbox,
} from '../../../connectors/hubspot/sandbox/server.ts';
import { DEFAULT_API_KEY } from '../../../connectors/odoo/sandbox/auth.ts';
import { createOdooSandbox, type OdooSandbox } from '../../../connectors/odoo/sandbox/server.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import { runFrontback } from '../../support/cli.ts';

let dir: string;
let config: string;
let storePath: string;
let hubspot: HubSpotSandbox;
let odoo: OdooSandbox;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'frontback-sync-cli-'));
  hubspot = await createHubSpotSandbox({ seed: 3, records: 15 });
  odoo = createOdooSandbox({ seed: 3, records: 15 });
  const [hubspotUrl, odooUrl] = [await hubspot.listen(0), await odoo.listen()];
  storePath = join(dir, 'store.db');
  config = join(dir, 'frontback.yaml');
  writeFileSync(
    config,
    [
      // The sandboxes' published credentials are accepted only in a demo configuration (docs/security.md).
      'demo: true',
      'connections:',
      `  hubspot: { kind: hubspot, baseUrl: "${hubspotUrl}", auth: { type: bearer, token: ${DEFAULT_SANDBOX_TOKEN} } }`,
      `  odoo: { kind: odoo, baseUrl: "${odooUrl}", auth: { type: api-key, login: admin, key: ${DEFAULT_API_KEY}, database: odoo } }`,
      `store: { url: ${JSON.stringify(storePath)} }`,
    ].join('\n'),
  );
});

afterAll(async () => {
  await hubspot.close();
  await odoo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('frontback sync', () => {
  it('--json prints one JSON object per page, then the summary, on stdout; off a terminal, a plain line per page on stderr', async () => {
    // Its own store (a first pass, from the beginning) and pages of 4.
    const paged = join(dir, 'paged.yaml');
    writeFileSync(
      paged,
      readFileSync(config, 'utf8').replace(JSON.stringify(storePath), JSON.stringify(join(dir, 'paged.db'))) +
        '\nsync: { pageSize: 4 }\n',
    );
    const run = await runFrontback(['plan', 'contacts-partners', '--from', 'crm', '--json', '-c', paged]);
    expect(run.code, run.stderr).toBe(0);
    // Nothing but JSON on stdout: every line parses.
    const objects = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const changes = objects.filter((o) => o['type'] === 'page' && o['stream'] === 'changes');
    // 15 contacts, at most 4 a page: pages numbered in turn, the counts so far growing to 15; HubSpot's search said how many.
    expect(changes.length).toBeGreaterThanOrEqual(4);
    expect(changes.map((o) => o['page'])).toEqual(changes.map((_, i) => i + 1));
    const reads = changes.map((o) => o['read'] as number);
    expect(reads).toEqual([...reads].sort((a, b) => a - b));
    expect(reads.at(-1)).toBe(15);
    expect(changes[0]).toMatchObject({ mapping: 'contacts-partners', side: 'crm', dryRun: true, total: 15 });
    expect(typeof changes[0]?.['ratePerSecond']).toBe('number');
    const last = objects.at(-1);
    expect(last).toMatchObject({ type: 'summary', mapping: 'contacts-partners', side: 'crm', dryRun: true, read: 15 });
    expect(last?.['runId']).toBe(changes[0]?.['runId']);

    const plain = await runFrontback(['plan', 'contacts-partners', '--from', 'crm', '-c', paged]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toMatch(
      /^contacts-partners from crm \(dry run\), changes: page \d+, 15 of 15 read, \d+ to write, \d+ skipped, [\d.,]+\/s, ETA 0s$/m,
    );
    expect(plain.stdout).not.toMatch(/changes: page/);
    expect(plain.stdout).toMatch(/^dry run contacts-partners from crm \(run [0-9a-f-]+\): 15 read: /m);
  }, 60_000);

  it('--dry-run shows the plan and writes nothing; the pass applies; the next finds nothing to do', async () => {
    const dry = await runFrontback(['sync', 'contacts-partners', '--from', 'crm', '--dry-run', '-c', config]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      /^dry run contacts-partners from crm \(run [0-9a-f-]+\): 15 read: \d+ to sync or link, \d+ to create/m,
    );
    expect(dry.stdout).toMatch(/crm \d+ <-> erp \d+: erp gets /);
    let store = await createStore({ url: storePath });
    expect(await store.links.list('contacts-partners')).toEqual([]);
    expect(await store.cursors.list('sync:')).toEqual([]);
    await store.close();

    const pass = await runFrontback(['sync', 'contacts-partners', '-c', config]);
    expect(pass.code, pass.stderr).toBe(0);
    expect(pass.stdout).toMatch(
      /^pass contacts-partners from crm .*: 15 read: \d+ applied, \d+ skipped \(\d+ unchanged\), 0 conflicted, 0 failed/m,
    );
    expect(pass.stdout).toMatch(/^pass contacts-partners from erp /m);
    expect(pass.stdout).toContain('[applied]');
    // The calls the pass made per connection, and what HubSpot said was left of its window.
    expect(pass.stdout).toMatch(
      /^ {2}api: hubspot [1-9]\d* calls \(\d+ of 190 left in the window, [\d,]+ today\), odoo [1-9]\d* calls$/m,
    );
    const runs = await runFrontback(['runs', 'list', '--mapping', 'contacts-partners', '-c', config]);
    expect(runs.stdout).toMatch(
      /api hubspot [1-9]\d* calls \(\d+ of 190 left in the window, [\d,]+ today\), odoo [1-9]\d* calls/,
    );
    const again = await runFrontback(['sync', 'contacts-partners', '-c', config]);
    expect(again.stdout).toMatch(/from crm .*: \d+ read: 0 applied/);
    expect(again.stdout).toMatch(/from erp .*: \d+ read: 0 applied/);
    store = await createStore({ url: storePath });
    expect((await store.links.list('contacts-partners')).length).toBeGreaterThan(0);
    expect((await store.audit.verify()).ok).toBe(true);
    await store.close();
  }, 90_000);

  it('plan is sync --dry-run: the plan, nothing written', async () => {
    const store = await createStore({ url: storePath });
    const before = await store.audit.count();
    await store.close();
    const plan = await runFrontback(['plan', 'products', '--from', 'erp', '-c', config]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^dry run products from erp \(run [0-9a-f-]+\): \d+ read: /m);
    const after = await createStore({ url: storePath });
    expect(await after.audit.count()).toBe(before);
    await after.close();
  }, 30_000);

  it('waits for nobody: a pass of the mapping running elsewhere (its lease held) is a clear error; a dry run still works', async () => {
    const store = await createStore({ url: storePath });
    expect(await store.leases.acquire('pass:products', 'worker-elsewhere/erp', 60_000)).toBe(true);
    const busy = await runFrontback(['sync', 'products', '--from', 'erp', '-c', config]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(
      /a pass of products is running elsewhere \(worker-elsewhere\/erp, lease until .*\): try again when it is done, or use --dry-run/,
    );
    expect((await runFrontback(['plan', 'products', '--from', 'erp', '-c', config])).code).toBe(0);
    await store.leases.release('pass:products', 'worker-elsewhere/erp');
    const free = await runFrontback(['sync', 'products', '--from', 'erp', '-c', config]);
    expect(free.code, free.stderr).toBe(0);
    // It gave the lease up when done.
    expect(await store.leases.get('pass:products')).toBeUndefined();
    await store.close();
  }, 60_000);

  it('names the known mappings when asked for an unknown one', async () => {
    const run = await runFrontback(['sync', 'contact-partners', '--dry-run', '-c', config]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no mapping "contact-partners" (did you mean "contacts-partners"?)');
  }, 30_000);
});
