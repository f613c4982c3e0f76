/**
 * `frontback sync` as a user runs it, against both sandboxes: `--dry-run` lists what a
 * pass would do and leaves the store without links or cursors; the real pass applies
 * and a second one finds nothing left to do; an unknown mapping is a clear error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
      /^pass contacts-partners from crm .*: 15 read: \d+ applied, \d+ skipped, 0 conflicted, 0 failed/m,
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
