/**
 * What frontback leaves to a person on a first sync, against both sandboxes
 * (contacts-partners, with a guard of 3 creates and, in one case, no creates in Odoo):
 * - the create guard stops a pass at the threshold: what was handled stays handled, the
 *   run ends `guarded`, the mapping is held (passes refused, `frontback sync` exits 1)
 *   until `frontback accept`, after which the next pass creates the rest;
 * - two Odoo partners with one email: the HubSpot contact is parked as an ambiguous match
 *   with both candidates, listed by `frontback matches`; linking it to the one a person
 *   chooses is carried out and audited with their name; `never` keeps it apart for good;
 * - a mapping that may not create in Odoo: the contact waits, and is linked by the next
 *   pass once its partner appears, though the contact itself did not change.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMappings } from '../../../src/mapping/load.ts';
import type { CompiledMapping } from '../../../src/mapping/types.ts';
import { resolveMatch } from '../../../src/sync/matches.ts';
import { runPass } from '../../../src/sync/pass.ts';
import { runFrontback } from '../../support/cli.ts';
import { projectRoot } from '../../support/env.ts';
import { collectPass, startSyncRig, writeCliConfig, type SyncRig } from './support.ts';

let rig: SyncRig;
let dir: string;

beforeEach(async () => {
  rig = await startSyncRig({ seed: 3, records: 0 });
  dir = mkdtempSync(join(tmpdir(), 'frontback-identity-'));
});
afterEach(async () => {
  await rig.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The shipped mappings, contacts-partners edited by `edit`; answers its compiled form. */
function mappingWith(edit: (yaml: string) => string): CompiledMapping {
  cpSync(join(projectRoot, 'mappings/hubspot-odoo'), dir, { recursive: true });
  const file = join(dir, 'contacts-partners.yaml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  const loaded = loadMappings(dir);
  expect(loaded.issues).toEqual([]);
  return loaded.mappings.find((m) => m.mapping.id === 'contacts-partners')!.mapping;
}
const ctx = (mapping: CompiledMapping) => ({
  mapping,
  connectors: rig.connectors,
  store: rig.store,
  connections: { crm: 'hubspot', erp: 'odoo' },
});

function customers(emails: readonly string[]): void {
  rig.hubspot.store.bulkInsert(
    rig.hubspot.store.requireType('contacts'),
    emails.map((email, i) => ({ email, firstname: 'Only', lastname: `Hubspot ${i}`, lifecyclestage: 'customer' })),
    { createdAt: Date.now(), modifiedAt: Date.now() },
  );
}
const inOdoo = async (emails: readonly string[]): Promise<number> =>
  (await rig.connectors.erp.find('res.partner', { field: 'email', values: [...emails] })).length;

describe('what a first sync leaves to a person', () => {
  it('the create guard stops the pass at its threshold and holds the mapping until accepted', async () => {
    const mapping = mappingWith((y) => y.replace(/^schedule:/m, 'guard: { maxCreates: 3 }\nschedule:'));
    const emails = Array.from({ length: 8 }, (_, i) => `guarded.${i}@only-hubspot.test`);
    customers(emails);
    const dry = await runPass(ctx(mapping), 'crm', { apply: false });
    expect([dry.guarded, dry.counts.identity.create]).toEqual([true, 8]);
    const first = await runPass(ctx(mapping), 'crm', { apply: true });
    expect(first.guarded).toBe(true);
    expect(first.counts.create).toBe(3);
    expect(await inOdoo(emails)).toBe(3);
    expect((await rig.store.runs.get(first.runId))?.status).toBe('guarded');
    expect(await rig.store.holds.get(mapping.id)).toMatchObject({
      runId: first.runId,
      acceptedAt: null,
      counts: { side: 'crm', created: 3 },
    });
    // Held: no pass of it runs, from either side, until a person accepts.
    await expect(runPass(ctx(mapping), 'erp', { apply: true })).rejects.toMatchObject({ code: 'MAPPING_HELD' });
    const config = writeCliConfig(rig, [`mappings: { dir: ${JSON.stringify(dir)} }`]);
    const refused = await runFrontback(['sync', 'contacts-partners', '--from', 'crm', '-c', config]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/mapping contacts-partners is held since .*frontback accept contacts-partners/);
    const accepted = await runFrontback(['accept', 'contacts-partners', '--by', 'zoe', '-c', config]);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(
      /^accepted contacts-partners .*: its next pass from crm goes on without the guard$/m,
    );
    expect((await rig.store.audit.tail(1))[0]).toMatchObject({ action: 'accepted', details: { by: 'zoe' } });
    const rest = await runPass(ctx(mapping), 'crm', { apply: true });
    expect([rest.guarded, rest.counts.create]).toEqual([false, 5]);
    expect(await inOdoo(emails)).toBe(8);
    expect(await rig.store.holds.get(mapping.id)).toBeUndefined();
  }, 60_000);

  it('two Odoo partners with one email: parked with both candidates; a person links it, or keeps it apart for good', async () => {
    const mapping = mappingWith((y) => y);
    customers(['twin@shared.test', 'other@shared.test']);
    const made = await rig.connectors.erp.write('res.partner', [
      { op: 'create', ref: 'a', fields: { name: 'Twin A', email: 'TWIN@shared.test' } },
      { op: 'create', ref: 'b', fields: { name: 'Twin B', email: ' twin@shared.test ' } },
      { op: 'create', ref: 'c', fields: { name: 'Other A', email: 'other@shared.test' } },
      { op: 'create', ref: 'd', fields: { name: 'Other B', email: 'Other@Shared.test' } },
    ]);
    const ids = made.map((r) => (r.ok ? r.id : ''));
    const pass = await collectPass(ctx(mapping), 'crm', { apply: true });
    expect(pass.counts.create).toBe(0);
    expect(pass.counts.identity.ambiguous).toBe(2);
    const open = await rig.store.matches.list({ mappingId: mapping.id, status: 'open' });
    expect(open.map((m) => m.candidates.map((c) => c.id).sort()).sort()).toEqual(
      [[ids[0], ids[1]].sort(), [ids[2], ids[3]].sort()].sort(),
    );
    // Parked once: the next pass re-checks them (they did not change) without a second audit entry or row.
    const audited = (await rig.store.audit.verify()).count;
    await runPass(ctx(mapping), 'crm', { apply: true });
    expect((await rig.store.audit.verify()).count).toBe(audited);
    expect(await rig.store.matches.list({ mappingId: mapping.id, status: 'open' })).toHaveLength(2);

    const config = writeCliConfig(rig, [`mappings: { dir: ${JSON.stringify(dir)} }`]);
    const listed = await runFrontback(['matches', '-c', config]);
    expect(listed.stdout).toMatch(/^2 open matches$/m);
    expect(listed.stdout).toContain('2 erp records match email = "twin@shared.test": not linked automatically');

    const twin = open.find((m) => m.candidates.some((c) => c.id === ids[0]))!;
    const linked = await runFrontback(['matches', 'resolve', twin.id, '--link', ids[1]!, '--by', 'zoe', '-c', config]);
    expect(linked.code, linked.stderr).toBe(0);
    expect(linked.stdout).toMatch(new RegExp(`^resolved ${twin.id}: link; applied \\(partner ${ids[1]}\\)`, 'm'));
    expect(await rig.store.links.findBySide(mapping.id, 'erp', ids[1]!)).toMatchObject({ crmId: twin.recordId });
    expect((await rig.store.matches.get(twin.id))?.status).toBe('closed');
    const decided = (await rig.store.audit.tail(5)).find((e) => e.action === 'resolved');
    expect(decided).toMatchObject({
      actor: 'admin',
      details: { by: 'zoe', decision: { choice: 'link', partnerId: ids[1] } },
    });

    const other = open.find((m) => m !== twin && m.candidates.some((c) => c.id === ids[2]))!;
    await resolveMatch(ctx(mapping), other.id, { choice: 'never' }, 'zoe');
    const again = await collectPass(ctx(mapping), 'crm', { apply: true });
    // Read again (the listing's overlap window): skipped for good, not parked again.
    expect(again.plans.filter((p) => p.id === other.recordId).map((p) => [p.action, p.reason, p.wait])).toEqual([
      ['skip', 'never linked: decided by zoe', undefined],
    ]);
    expect(await rig.store.matches.list({ mappingId: mapping.id, status: 'open' })).toEqual([]);
    expect(await rig.store.links.findBySide(mapping.id, 'crm', other.recordId)).toBeUndefined();
    expect(await inOdoo(['other@shared.test', 'Other@Shared.test'])).toBe(2);
  }, 60_000);

  it('a mapping that may not create in Odoo: the contact waits, and is linked once its partner appears', async () => {
    const mapping = mappingWith((y) => y.replace(/^schedule:/m, 'creates: { crm: true, erp: false }\nschedule:'));
    customers(['later@erp.test']);
    const first = await collectPass(ctx(mapping), 'crm', { apply: true });
    expect([first.counts.create, first.counts.identity.waiting]).toEqual([0, 1]);
    const [waiting] = await rig.store.matches.list({ mappingId: mapping.id });
    expect(waiting).toMatchObject({
      kind: 'waiting',
      reason: 'no erp record matches, and this mapping does not create in erp (creates.erp: false)',
    });
    expect(await inOdoo(['later@erp.test'])).toBe(0);
    // Accounting types the partner in Odoo, in capitals; the HubSpot contact does not change.
    const [made] = await rig.connectors.erp.write('res.partner', [
      { op: 'create', ref: 'p', fields: { name: 'Later', email: 'LATER@ERP.TEST' } },
    ]);
    const next = await collectPass(ctx(mapping), 'crm', { apply: true });
    expect(next.plans.find((p) => p.id === waiting!.recordId)?.reason).toBe('matched by email: linked now');
    expect(await rig.store.links.findBySide(mapping.id, 'crm', waiting!.recordId)).toMatchObject({
      erpId: made!.ok ? made!.id : '',
    });
    expect((await rig.store.matches.get(waiting!.id))?.status).toBe('closed');
  }, 60_000);
});
