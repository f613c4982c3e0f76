/**
 * `frontback conflicts` and `frontback dead-letters` as an admin runs them against both
 * sandboxes: the open conflict and dead letter are listed with their values and the
 * target's message; `resolve --take` writes the chosen value across and a second
 * resolve is a clear error (exit 1); `replay` says when the target refuses again (exit
 * 1) and writes once after the fix; usage mistakes exit 2.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMappings } from '../../../src/mapping/load.ts';
import { syncEngine } from '../../../src/sync/engine.ts';
import { runPass } from '../../../src/sync/pass.ts';
import type { SyncContext } from '../../../src/sync/resync.ts';
import { runFrontback } from '../../support/cli.ts';
import { projectRoot } from '../../support/env.ts';
import { startSyncRig, writeCliConfig, type SyncRig } from './support.ts';

let rig: SyncRig;
let config: string;
let ctx: SyncContext;

beforeAll(async () => {
  rig = await startSyncRig({ seed: 9, records: 12 });
  const mappings = join(rig.dir, 'mappings');
  cpSync(join(projectRoot, 'mappings/hubspot-odoo'), mappings, { recursive: true });
  const file = join(mappings, 'contacts-partners.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^conflicts: newest$/m, 'conflicts: manual'));
  config = writeCliConfig(rig, [`mappings: { dir: ${JSON.stringify(mappings)} }`]);
  ctx = syncEngine(
    loadMappings(mappings).mappings.map((m) => m.mapping),
    rig.byName,
    rig.store,
  ).context('contacts-partners');
});

afterAll(() => rig.close());

describe('frontback conflicts, dead-letters and inbox', () => {
  it('lists a failed delivery with its error and puts it back to pending', async () => {
    const row = await rig.store.inbox.accept({
      source: 'hubspot',
      deliveryKey: 'cli-failed',
      payload: { object: 'contacts', id: '1' },
    });
    await rig.store.inbox.markProcessing(row.id);
    await rig.store.inbox.markFailed(row.id, 'Odoo answered 503 five times');
    const list = await runFrontback(['inbox', 'list', '--status', 'failed', '-c', config]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain(`${row.id}  hubspot  contacts 1  failed  1 attempt  received `);
    expect(list.stdout).toMatch(/^ {4}Odoo answered 503 five times$/m);
    const retry = await runFrontback(['inbox', 'retry', '--failed', '-c', config]);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toContain(`${row.id}: back to pending (was failed)`);
    expect((await rig.store.inbox.get(row.id))?.status).toBe('pending');
    expect((await runFrontback(['inbox', 'retry', '-c', config])).code).toBe(1);
  }, 60_000);

  it('lists the open conflict and resolves it by taking a side, once', async () => {
    await runPass(ctx, 'crm', { apply: true });
    const [pair] = await rig.store.links.list('contacts-partners');
    await rig.connectors.crm.write('contacts', [
      { op: 'update', ref: 'c', id: pair!.crmId, fields: { jobtitle: 'Buyer' } },
    ]);
    await rig.connectors.erp.write('res.partner', [
      { op: 'update', ref: 'e', id: pair!.erpId, fields: { function: 'Chief buyer' } },
    ]);
    await runPass(ctx, 'crm', { apply: true });

    const list = await runFrontback(['conflicts', 'list', '-c', config]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(
      /^[0-9a-f-]{36} {2}contacts-partners {2}jobtitle {2}crm "Buyer" {2}erp "Chief buyer" {2}parked /m,
    );
    expect(list.stdout).toMatch(/^1 open conflict$/m);
    const id = /^([0-9a-f-]{36}) /m.exec(list.stdout)?.[1] ?? '';

    const noSide = await runFrontback(['conflicts', 'resolve', id, '-c', config]);
    expect(noSide.code).toBe(2);
    expect(noSide.stderr).toMatch(/--take <side>/);
    const resolve = await runFrontback(['conflicts', 'resolve', id, '--take', 'erp', '--by', 'zoe', '-c', config]);
    expect(resolve.code, resolve.stderr).toBe(0);
    expect(resolve.stdout).toMatch(
      new RegExp(
        `^resolved ${id}: jobtitle takes the erp value "Chief buyer"; written to crm: jobtitle \\(run [0-9a-f-]+\\)$`,
        'm',
      ),
    );
    const [contact] = await rig.connectors.crm.read('contacts', [pair!.crmId], ['jobtitle']);
    expect(contact?.fields.jobtitle).toBe('Chief buyer');
    const again = await runFrontback(['conflicts', 'resolve', id, '--take', 'crm', '-c', config]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already resolved by zoe/);
    expect((await runFrontback(['conflicts', '-c', config])).stdout).toMatch(/^0 open conflicts$/m);
  }, 90_000);

  it('lists a dead letter with the target message; replay says when it is refused again, then writes once', async () => {
    await rig.connectors.crm.write('contacts', [
      { op: 'create', ref: 'n', fields: { email: 'nameless.cli@x.test', lifecyclestage: 'customer' } },
    ]);
    await runPass(ctx, 'crm', { apply: true });
    const list = await runFrontback(['dead-letters', 'list', '-c', config]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^[0-9a-f-]{36} {2}contacts-partners {2}crm \d+ -> odoo create {2}1 attempt {2}open /m);
    expect(list.stdout).toMatch(/^ {4}.*name/im);
    const id = /^([0-9a-f-]{36}) /m.exec(list.stdout)?.[1] ?? '';

    const refused = await runFrontback(['dead-letters', 'replay', id, '-c', config]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(new RegExp(`^${id}: refused again \\(attempt 2\\): `, 'm'));
    expect(refused.stdout).toMatch(/^0 of 1 replayed$/m);

    const [letter] = await rig.store.deadLetters.list({ status: 'open' });
    await rig.connectors.crm.write('contacts', [
      { op: 'update', ref: 'fix', id: letter!.recordId, fields: { firstname: 'Cli', lastname: 'Named' } },
    ]);
    const usage = await runFrontback(['dead-letters', 'replay', '-c', config]);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/give dead letter ids, or --all/);
    const replay = await runFrontback(['dead-letters', 'replay', '--all', '-c', config]);
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(
      new RegExp(`^${id}: applied \\(.*\\), dead letter replayed \\(run [0-9a-f-]+\\)$`, 'm'),
    );
    expect(
      await rig.connectors.erp.find('res.partner', { field: 'email', values: ['nameless.cli@x.test'] }),
    ).toHaveLength(1);
    expect((await runFrontback(['dead-letters', 'discard', id, '-c', config])).code).toBe(2);
  }, 90_000);
});
