/**
 * Sync passes of the shipped contacts-partners mapping between the two sandboxes, as
 * the engine will run them: a dry run writes nothing anywhere and leaves the cursor;
 * a pass from HubSpot links the contacts Odoo already has (by normalised email), creates
 * the others (once: Odoo external ids), and records links, snapshots, audit entries and
 * the cursor; the pass from Odoo that follows finds its own writes coming back and
 * writes nothing for them (no loop); a HubSpot edit then flows to exactly its partner;
 * a record Odoo refuses is dead-lettered with Odoo's message while the rest proceed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMappings } from '../../../src/mapping/load.ts';
import type { CompiledMapping } from '../../../src/mapping/types.ts';
import type { Store } from '../../../src/store/store.ts';
import { applyPage } from '../../../src/sync/apply.ts';
import { cursorKey } from '../../../src/sync/pass.ts';
import { planPage } from '../../../src/sync/plan.ts';
import { projectRoot } from '../../support/env.ts';
import { collectPass, startSyncRig, type SyncRig } from './support.ts';

let rig: SyncRig;
let hubspot: SyncRig['hubspot'];
let store: Store;
let connectors: SyncRig['connectors'];
let mapping: CompiledMapping;

beforeEach(async () => {
  rig = await startSyncRig({ seed: 7, records: 24 });
  ({ hubspot, store, connectors } = rig);
  const loaded = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.find(
    (m) => m.mapping.id === 'contacts-partners',
  );
  if (!loaded) throw new Error('contacts-partners not loaded');
  mapping = loaded.mapping;
});

afterEach(() => rig.close());

const ctx = () => ({ mapping, connectors, store, connections: { crm: 'hubspot', erp: 'odoo' } });
const NEW = ['new.one@only-hubspot.test', 'new.two@only-hubspot.test'];
/** Odoo partners holding the two new contacts' emails. */
const inOdoo = async (): Promise<number> =>
  (await connectors.erp.find('res.partner', { field: 'email', values: NEW })).length;

describe('sync passes of contacts-partners between the sandboxes', () => {
  it('a dry run plans and writes nothing; the pass links, creates, records; the way back is all echoes', async () => {
    // Two customers only HubSpot has.
    await connectors.crm.write('contacts', [
      {
        op: 'create',
        ref: 'a',
        fields: {
          email: 'new.one@only-hubspot.test',
          firstname: 'New',
          lastname: 'One',
          lifecyclestage: 'customer',
          country: 'France',
        },
      },
      {
        op: 'create',
        ref: 'b',
        fields: {
          email: 'new.two@only-hubspot.test',
          firstname: 'New',
          lastname: 'Two',
          lifecyclestage: 'opportunity',
        },
      },
    ]);
    const dry = await collectPass(ctx(), 'crm', { apply: false });
    expect(dry.read).toBe(26);
    const creates = dry.plans.filter((p) => p.action === 'create');
    const matched = dry.plans.filter((p) => p.action === 'sync');
    expect(creates.map((p) => p.patch.erp.email).sort()).toEqual(NEW);
    expect(creates[0]?.createKey?.field).toBe('external_id');
    expect(matched.length).toBeGreaterThan(0);
    expect(dry.plans.filter((p) => p.action === 'skip').every((p) => /filtered out/.test(p.reason))).toBe(true);
    expect(await inOdoo()).toBe(0);
    expect(await store.links.list(mapping.id)).toEqual([]);
    expect(await store.cursors.get(cursorKey(mapping.id, 'crm'))).toBeUndefined();

    const pass = await collectPass(ctx(), 'crm', { apply: true });
    expect(pass.applied.filter((a) => a.status === 'failed')).toEqual([]);
    const links = await store.links.list(mapping.id);
    expect(links).toHaveLength(creates.length + matched.length);
    expect(await inOdoo()).toBe(2);
    expect(await store.cursors.get(cursorKey(mapping.id, 'crm'))).toMatchObject({ timestamp: pass.cursor?.timestamp });
    // One entry per record decided (linked, created); the records the crm filter leaves out are counted in the run
    // (skipped), not audited one by one.
    const verified = await store.audit.verify();
    const skipped = pass.applied.filter((a) => a.status === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    expect(verified).toMatchObject({ ok: true, count: pass.read - skipped.length });
    // Every linked pair has a snapshot of both sides.
    for (const link of links) expect((await store.snapshots.get(link.id))?.version).toBe(1);
    // A created partner got the contact's values.
    const created = pass.applied.find((a) => a.plan.action === 'create');
    const [partner] = await connectors.erp.read('res.partner', [created?.partnerId ?? ''], ['email', 'name']);
    expect(partner?.fields.email).toBe(created?.plan.patch.erp.email);

    // The way back: Odoo lists the partners just written; for the linked ones nothing flows (echoes).
    const back = await collectPass(ctx(), 'erp', { apply: true });
    expect(back.applied.filter((a) => a.status === 'failed')).toEqual([]);
    const linkedBack = back.plans.filter((p) => p.link !== undefined);
    expect(linkedBack.length).toBe(links.length);
    for (const p of linkedBack)
      expect([p.id, p.action, p.reason]).toEqual([
        p.id,
        'skip',
        'nothing changed (or the change is already on both sides)',
      ]);
    // Odoo people whose HubSpot twin is a lead (not a customer) are not linked to it.
    const leads = back.plans.filter((p) => /which the crm filter leaves out/.test(p.reason));
    expect(leads.length).toBeGreaterThan(0);
    for (const p of leads) expect(await store.links.findBySide(mapping.id, 'erp', p.id)).toBeUndefined();

    // A HubSpot edit flows to exactly its partner; the next pass finds nothing more to do.
    const pair = links[0]!;
    const contacts = hubspot.store.requireType('contacts');
    hubspot.store.update(contacts, hubspot.store.get(contacts, pair.crmId)!, { jobtitle: 'Chief Buyer' }, 'CRM_UI');
    const edit = await collectPass(ctx(), 'crm', { apply: true });
    const written = edit.applied.filter((a) => a.status === 'applied' && Object.keys(a.plan.patch.erp).length > 0);
    expect(written.map((a) => [a.plan.id, a.plan.patch.erp])).toEqual([[pair.crmId, { function: 'Chief Buyer' }]]);
    const [odooNow] = await connectors.erp.read('res.partner', [pair.erpId], ['function']);
    expect(odooNow?.fields.function).toBe('Chief Buyer');
    const again = await collectPass(ctx(), 'crm', { apply: true });
    expect(
      again.applied.filter((a) => Object.keys(a.plan.patch.erp).length > 0 || Object.keys(a.plan.patch.crm).length > 0),
    ).toEqual([]);
    expect((await store.audit.verify()).ok).toBe(true);
  }, 60_000);

  it("a record Odoo refuses is dead-lettered with Odoo's message; the rest are written and the cursor moves", async () => {
    await connectors.crm.write('contacts', [
      {
        op: 'create',
        ref: 'a',
        fields: { email: 'new.one@only-hubspot.test', firstname: 'New', lastname: 'One', lifecyclestage: 'customer' },
      },
      // No name at all: Odoo requires one for a contact.
      { op: 'create', ref: 'b', fields: { email: 'nameless@only-hubspot.test', lifecyclestage: 'customer' } },
    ]);
    const pass = await collectPass(ctx(), 'crm', { apply: true });
    const failed = pass.applied.filter((a) => a.status === 'failed');
    expect(failed.map((a) => a.plan.patch.erp.email)).toEqual(['nameless@only-hubspot.test']);
    expect(failed[0]?.message).toMatch(/name/i);
    const letters = await store.deadLetters.list({ mappingId: mapping.id });
    expect(letters.map((l) => [l.connection, l.message])).toEqual([['odoo', failed[0]?.message]]);
    expect(pass.applied.filter((a) => a.status === 'applied').length).toBeGreaterThan(10);
    expect(
      await connectors.erp.find('res.partner', { field: 'email', values: ['new.one@only-hubspot.test'] }),
    ).toHaveLength(1);
    expect(await store.cursors.get(cursorKey(mapping.id, 'crm'))).toMatchObject({ timestamp: pass.cursor?.timestamp });
    const entries = [];
    for await (const e of store.audit.since('1970-01-01T00:00:00.000Z')) entries.push(e);
    expect(entries.filter((e) => e.action === 'failed').map((e) => e.details?.['message'])).toEqual([
      failed[0]?.message,
    ]);
  }, 60_000);

  it('a pair linked elsewhere between plan and apply is not linked again: skipped with the reason, the page recorded', async () => {
    await connectors.crm.write('contacts', [
      {
        op: 'create',
        ref: 'a',
        fields: { email: 'racing@x.test', firstname: 'Ra', lastname: 'Cing', lifecyclestage: 'customer' },
      },
    ]);
    const [partner] = await connectors.erp.write('res.partner', [
      { op: 'create', ref: 'p', fields: { name: 'Ra Cing', email: 'racing@x.test' } },
    ]);
    const [other] = await connectors.erp.write('res.partner', [
      { op: 'create', ref: 'o', fields: { name: 'Someone else' } },
    ]);
    const [contact] = await connectors.crm.find('contacts', { field: 'email', values: ['racing@x.test'] });
    const page = await planPage(ctx(), 'crm', [contact!]);
    expect(page.plans[0]).toMatchObject({ action: 'sync', partnerId: partner!.ok ? partner!.id : '' });
    // Meanwhile the contact got linked to another partner (a resolution, a replay, a pass elsewhere).
    await store.links.create({ mappingId: mapping.id, crmId: contact!.id, erpId: other!.ok ? other!.id : '' });
    const {
      applied: [applied],
    } = await applyPage({ ...ctx(), runId: 'r', actor: 'poll' }, page, { onLost: 'retry' });
    expect(applied).toMatchObject({ status: 'skipped', message: 'linked meanwhile to another record' });
    expect((await store.audit.tail(1))[0]?.rule).toMatch(/^linked meanwhile: crm \d+ <-> erp \d+; not linked again$/);
  }, 60_000);

  it('two records of one page matching the same partner: the first is linked, the other waits with the reason', async () => {
    const contacts = hubspot.store.requireType('contacts');
    // One address twice in HubSpot, once with spaces and capitals (HubSpot keeps both; the match key normalises them).
    hubspot.store.bulkInsert(
      contacts,
      [
        { email: 'twin@x.test', firstname: 'Twin', lastname: 'A', lifecyclestage: 'customer' },
        { email: ' TWIN@x.test ', firstname: 'Twin', lastname: 'B', lifecyclestage: 'customer' },
      ],
      { createdAt: Date.now(), modifiedAt: Date.now() },
    );
    await connectors.erp.write('res.partner', [
      { op: 'create', ref: 'p', fields: { name: 'Twin', email: 'twin@x.test' } },
    ]);
    const pass = await collectPass(ctx(), 'crm', { apply: true });
    const twins = pass.plans.filter((p) => /twin@x\.test/i.test(String(p.canonical.crm?.values.email ?? '')));
    expect(twins.map((p) => p.action)).toEqual(['sync', 'skip']);
    expect(twins[1]?.reason).toMatch(/^matches erp record \d+, as crm record \d+ does: not linked automatically$/);
    expect(pass.applied.filter((a) => a.status === 'failed')).toEqual([]);
  }, 60_000);

  it('a contact deleted in HubSpot (its recycle bin, not its search) archives the linked Odoo partner', async () => {
    await collectPass(ctx(), 'crm', { apply: true });
    const [pair] = await store.links.list(mapping.id);
    if (!pair) throw new Error('no link');
    await connectors.crm.write('contacts', [{ op: 'archive', ref: 'gone', id: pair.crmId }]);
    const pass = await collectPass(ctx(), 'crm', { apply: true });
    expect(pass.applied.filter((a) => a.plan.action === 'archive').map((a) => [a.plan.id, a.status])).toEqual([
      [pair.crmId, 'applied'],
    ]);
    const [partner] = await connectors.erp.read('res.partner', [pair.erpId], ['active']);
    expect(partner?.archived).toBe(true);
    // The deletion has its own cursor: the next pass reads it at most again inside the overlap, harmlessly.
    expect(await store.cursors.get(`sync:${mapping.id}:crm:deleted`)).toMatchObject({ id: pair.crmId });
    const again = await collectPass(ctx(), 'crm', { apply: true });
    expect(again.applied.filter((a) => a.status === 'failed')).toEqual([]);
  }, 60_000);
});
