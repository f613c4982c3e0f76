/**
 * A person's decisions, between the two sandboxes: a field both sides changed under the
 * rule `manual` is parked once (not again on each pass), nothing written; resolving it
 * writes the chosen side's value to the other side, closes it as decided by that person
 * and audits it, and the passes after write nothing (no loop). A conflict both sides
 * settle by themselves closes too. A record Odoo refuses is dead-lettered once, later
 * refusals count attempts on the same dead letter; a replay after the fix writes it
 * exactly once and closes it; a discard closes it without writing, audited.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FrontbackError } from '../../../src/errors.ts';
import { loadMappings } from '../../../src/mapping/load.ts';
import type { CompiledMapping } from '../../../src/mapping/types.ts';
import type { AuditEntry } from '../../../src/store/audit-repository.ts';
import type { Store } from '../../../src/store/store.ts';
import { runPass } from '../../../src/sync/pass.ts';
import { discardDeadLetter, replayDeadLetter } from '../../../src/sync/replay.ts';
import { resolveConflict } from '../../../src/sync/resolve.ts';
import { projectRoot } from '../../support/env.ts';
import { collectPass, startSyncRig, type SyncRig } from './support.ts';

let rig: SyncRig;
let store: Store;
let connectors: SyncRig['connectors'];
let mapping: CompiledMapping;
let dir: string;

/** The shipped mappings, with contacts-partners switched to `conflicts: manual`. */
function manualMapping(): CompiledMapping {
  dir = mkdtempSync(join(tmpdir(), 'frontback-manual-'));
  cpSync(join(projectRoot, 'mappings/hubspot-odoo'), dir, { recursive: true });
  const file = join(dir, 'contacts-partners.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^conflicts: newest$/m, 'conflicts: manual'));
  const loaded = loadMappings(dir).mappings.find((m) => m.mapping.id === 'contacts-partners');
  if (!loaded) throw new Error('contacts-partners not loaded');
  expect(loaded.mapping.conflicts).toBe('manual');
  return loaded.mapping;
}

beforeEach(async () => {
  rig = await startSyncRig({ seed: 11, records: 16 });
  ({ store, connectors } = rig);
  mapping = manualMapping();
});

afterEach(async () => {
  await rig.close();
  rmSync(dir, { recursive: true, force: true });
});

const ctx = () => ({ mapping, connectors, store, connections: { crm: 'hubspot', erp: 'odoo' } });
const both = async () => [
  ...(await collectPass(ctx(), 'crm', { apply: true })).applied,
  ...(await collectPass(ctx(), 'erp', { apply: true })).applied,
];
const writes = (applied: Awaited<ReturnType<typeof both>>) =>
  applied.filter((a) => Object.keys(a.plan.patch.crm).length + Object.keys(a.plan.patch.erp).length > 0);
async function allEntries(): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const e of store.audit.since('1970-01-01T00:00:00.000Z')) out.push(e);
  return out;
}
const jobtitle = async (id: string) => (await connectors.crm.read('contacts', [id], ['jobtitle']))[0]?.fields.jobtitle;
const fn = async (id: string) => (await connectors.erp.read('res.partner', [id], ['function']))[0]?.fields.function;

describe('conflicts parked by the rule manual, and a person resolving them', () => {
  it('parks once and writes nothing; resolving writes the chosen value across, audited; the next passes write nothing', async () => {
    await both();
    const [pair, other] = await store.links.list(mapping.id);
    if (!pair || !other) throw new Error('no links');
    await connectors.crm.write('contacts', [
      { op: 'update', ref: 'c', id: pair.crmId, fields: { jobtitle: 'Buyer (CRM)' } },
    ]);
    await connectors.erp.write('res.partner', [
      { op: 'update', ref: 'e', id: pair.erpId, fields: { function: 'Head buyer (ERP)' } },
    ]);

    const parked = await both();
    expect(parked.filter((a) => a.status === 'conflicted').map((a) => a.plan.id)).toContain(pair.crmId);
    expect(writes(parked).filter((a) => a.plan.id === pair.crmId || a.plan.id === pair.erpId)).toEqual([]);
    const open = await store.conflicts.list({ status: 'open' });
    expect(open.map((c) => [c.linkId, c.field, c.crmValue, c.erpValue])).toEqual([
      [pair.id, 'jobtitle', 'Buyer (CRM)', 'Head buyer (ERP)'],
    ]);
    // Each side keeps its own value until someone decides; more passes park nothing new.
    await both();
    expect([await jobtitle(pair.crmId), await fn(pair.erpId)]).toEqual(['Buyer (CRM)', 'Head buyer (ERP)']);
    expect(await store.conflicts.list({ status: 'open' })).toHaveLength(1);

    const conflict = open[0]!;
    const outcome = await resolveConflict(ctx(), conflict.id, 'erp', 'alice');
    expect(outcome.conflict).toMatchObject({ status: 'resolved', resolvedBy: 'alice', resolution: { choice: 'erp' } });
    expect(outcome.applied.plan.patch.crm).toEqual({ jobtitle: 'Head buyer (ERP)' });
    expect([await jobtitle(pair.crmId), await fn(pair.erpId)]).toEqual(['Head buyer (ERP)', 'Head buyer (ERP)']);
    const resolved = (await allEntries()).filter((e) => e.action === 'resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({
      actor: 'admin',
      crmId: pair.crmId,
      erpId: pair.erpId,
      rule: 'jobtitle: manual: erp chosen by a person',
      details: { by: 'alice' },
    });
    expect(resolved[0]?.changes.jobtitle).toEqual({ before: 'Buyer (CRM)', after: 'Head buyer (ERP)' });

    // Our own write comes back from HubSpot: an echo, nothing written, no new conflict.
    expect(writes(await both())).toEqual([]);
    expect(await store.conflicts.list({ status: 'open' })).toEqual([]);
    // Deciding twice is refused, clearly.
    await expect(resolveConflict(ctx(), conflict.id, 'crm', 'bob')).rejects.toThrow(/already resolved by alice/);
    await expect(resolveConflict(ctx(), 'no-such-id', 'crm', 'bob')).rejects.toThrow(/no conflict no-such-id/);
    expect((await store.audit.verify()).ok).toBe(true);
  }, 60_000);

  it('a conflict the two sides settle by themselves (one gives in) is closed by the sync', async () => {
    await both();
    const [pair] = await store.links.list(mapping.id);
    if (!pair) throw new Error('no link');
    await connectors.crm.write('contacts', [{ op: 'update', ref: 'c', id: pair.crmId, fields: { city: 'Lyon' } }]);
    await connectors.erp.write('res.partner', [{ op: 'update', ref: 'e', id: pair.erpId, fields: { city: 'Nantes' } }]);
    await both();
    const [conflict] = await store.conflicts.list({ status: 'open' });
    expect(conflict?.field).toBe('city');
    // Someone in sales agrees with accounting and types the same city.
    await connectors.crm.write('contacts', [{ op: 'update', ref: 'c', id: pair.crmId, fields: { city: 'Nantes' } }]);
    expect(writes(await both())).toEqual([]);
    const closed = await store.conflicts.get(conflict!.id);
    expect(closed).toMatchObject({ status: 'resolved', resolvedBy: 'sync: both changed, to values that agree' });
    expect((await store.audit.verify()).ok).toBe(true);
  }, 60_000);

  it('a conflict is resolved only through its own mapping; either side of a two-way field may be chosen', async () => {
    await both();
    const [pair] = await store.links.list(mapping.id);
    if (!pair) throw new Error('no link');
    await connectors.crm.write('contacts', [{ op: 'update', ref: 'c', id: pair.crmId, fields: { zip: '75001' } }]);
    await connectors.erp.write('res.partner', [{ op: 'update', ref: 'e', id: pair.erpId, fields: { zip: '69001' } }]);
    await both();
    const [conflict] = await store.conflicts.list({ status: 'open' });
    // zip flows both ways, so both choices are valid; a field of another mapping is not.
    await expect(
      resolveConflict(
        { ...ctx(), mapping: { ...mapping, id: 'other' } as CompiledMapping },
        conflict!.id,
        'crm',
        'bob',
      ),
    ).rejects.toThrow(/belongs to mapping contacts-partners, not other/);
    const outcome = await resolveConflict(ctx(), conflict!.id, 'crm', 'bob');
    expect(outcome.applied.plan.patch.erp).toEqual({ zip: '75001' });
  }, 60_000);
});

describe('dead letters: one per refused record, replayed or discarded by a person', () => {
  const NAMELESS = 'nameless@only-hubspot.test';

  it('a refusal again counts an attempt on the same dead letter; the replay after the fix writes once and closes it', async () => {
    await connectors.crm.write('contacts', [
      { op: 'create', ref: 'b', fields: { email: NAMELESS, lifecyclestage: 'customer' } },
    ]);
    await collectPass(ctx(), 'crm', { apply: true });
    // The next pass re-reads it (the cursor's overlap window) and Odoo refuses it again.
    await collectPass(ctx(), 'crm', { apply: true });
    const letters = await store.deadLetters.list({ mappingId: mapping.id });
    expect(letters).toHaveLength(1);
    const [letter] = letters;
    expect(letter).toMatchObject({
      connection: 'odoo',
      status: 'open',
      attempts: 2,
      payload: { op: 'create', from: 'crm' },
    });
    expect(letter?.message).toMatch(/name/i);

    // Replayed while still broken: refused again, one more attempt, still open.
    const again = await replayDeadLetter(ctx(), letter!.id, 'bob');
    expect(again.applied.status).toBe('failed');
    expect(again.deadLetter).toMatchObject({ status: 'open', attempts: 3 });

    // Fixed at the source, then replayed: written once, closed, audited with who.
    await connectors.crm.write('contacts', [
      { op: 'update', ref: 'fix', id: letter!.recordId, fields: { firstname: 'Named', lastname: 'Now' } },
    ]);
    const replay = await replayDeadLetter(ctx(), letter!.id, 'bob');
    expect(replay.applied.status).toBe('applied');
    expect(replay.deadLetter.status).toBe('replayed');
    expect(await connectors.erp.find('res.partner', { field: 'email', values: [NAMELESS] })).toHaveLength(1);
    const entry = (await allEntries()).find((e) => e.runId === replay.runId);
    expect(entry).toMatchObject({
      actor: 'replay',
      action: 'applied',
      details: { by: 'bob', deadLettersSettled: [letter!.id] },
    });
    await expect(replayDeadLetter(ctx(), letter!.id, 'bob')).rejects.toThrow(/is replayed already/);
    // A pass over it again writes nothing new.
    await collectPass(ctx(), 'crm', { apply: true });
    expect(await connectors.erp.find('res.partner', { field: 'email', values: [NAMELESS] })).toHaveLength(1);
    expect((await store.audit.verify()).ok).toBe(true);
  }, 60_000);

  it('a pass settles its own records’ dead letters: Odoo partner 31 syncing leaves HubSpot contact 31 open', async () => {
    await runPass(ctx(), 'crm', { apply: true });
    const [pair] = await store.links.list(mapping.id);
    if (!pair) throw new Error('no link');
    // The same id on both sides: one CRM record's dead letter, one ERP record's.
    const same = { mappingId: mapping.id, recordId: pair.erpId, payload: {}, message: 'refused', attempts: 1 };
    const contact = await store.deadLetters.add({ ...same, connection: 'odoo', side: 'crm' });
    const partner = await store.deadLetters.add({ ...same, connection: 'hubspot', side: 'erp' });
    await runPass(ctx(), 'erp', { apply: true });
    expect((await store.deadLetters.get(partner.id))?.status).toBe('replayed');
    expect((await store.deadLetters.get(contact.id))?.status).toBe('open');
  }, 60_000);

  it('a later pass that writes the record closes its dead letter; discard closes one without writing, audited', async () => {
    await connectors.crm.write('contacts', [
      { op: 'create', ref: 'a', fields: { email: NAMELESS, lifecyclestage: 'customer' } },
      { op: 'create', ref: 'b', fields: { email: 'second.nameless@only-hubspot.test', lifecyclestage: 'customer' } },
    ]);
    await collectPass(ctx(), 'crm', { apply: true });
    const letters = await store.deadLetters.list({ mappingId: mapping.id });
    const byEmail = (email: string) =>
      letters.find((l) => (l.payload as { fields: { email?: string } }).fields.email === email);
    const [first, second] = [byEmail(NAMELESS), byEmail('second.nameless@only-hubspot.test')];
    await connectors.crm.write('contacts', [
      { op: 'update', ref: 'fix', id: first!.recordId, fields: { lastname: 'Fixed' } },
    ]);
    await collectPass(ctx(), 'crm', { apply: true });
    expect((await store.deadLetters.get(first!.id))?.status).toBe('replayed');

    const discarded = await discardDeadLetter(store, second!.id, 'carol', 'test address, never a customer');
    expect(discarded.status).toBe('discarded');
    const entry = (await allEntries()).find((e) => e.action === 'discarded');
    expect(entry).toMatchObject({
      actor: 'admin',
      rule: 'test address, never a customer',
      details: { by: 'carol', deadLetter: second!.id },
    });
    await expect(discardDeadLetter(store, second!.id, 'carol', 'again')).rejects.toBeInstanceOf(FrontbackError);
    expect(
      await connectors.erp.find('res.partner', { field: 'email', values: ['second.nameless@only-hubspot.test'] }),
    ).toEqual([]);
  }, 60_000);
});
