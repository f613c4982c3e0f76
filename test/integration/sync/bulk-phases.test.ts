/**
 * The pass as bulk phases, against both sandboxes (contacts-partners):
 * - a page of 200 unlinked HubSpot contacts with one match rule costs a handful of Odoo
 *   calls (one `find` with every key, one `read` of the partners, the page's lookups), not
 *   one search per record;
 * - a lost compare-and-set on one pair of a page keeps the other pairs' links, snapshots
 *   and audit entries; the lost pair is re-read and re-decided once, and dead-lettered
 *   with the reason when it is lost again;
 * - a connector that answers no result, or two, for a record: that record fails (dead
 *   letter, no link), never `applied`;
 * - the dead letter of HubSpot contact N is not settled by a pass over Odoo partner N;
 * - a dry run's plans are stored and paged.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connector, WriteOp, WriteResult } from '../../../src/connector/index.ts';
import { loadMappings } from '../../../src/mapping/load.ts';
import type { CompiledMapping } from '../../../src/mapping/types.ts';
import type { Link } from '../../../src/store/link-repository.ts';
import type { SnapshotRepository } from '../../../src/store/snapshot-repository.ts';
import type { Store, StoreRepositories } from '../../../src/store/store.ts';
import { runPass } from '../../../src/sync/pass.ts';
import { projectRoot } from '../../support/env.ts';
import { collectPass, startSyncRig, type SyncRig } from './support.ts';

let rig: SyncRig;
let store: Store;
let mapping: CompiledMapping;

beforeEach(async () => {
  rig = await startSyncRig({ seed: 5, records: 0 });
  store = rig.store;
  const loaded = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.find(
    (m) => m.mapping.id === 'contacts-partners',
  );
  if (!loaded) throw new Error('contacts-partners not loaded');
  mapping = loaded.mapping;
});
afterEach(() => rig.close());

const ctx = (connectors: { crm: Connector; erp: Connector } = rig.connectors) => ({
  mapping,
  connectors,
  store,
  connections: { crm: 'hubspot', erp: 'odoo' },
});
const odooCalls = (): number => Object.values(rig.odoo.kit.counters().requests).reduce((a, b) => a + b, 0);

/** `count` HubSpot customers; the first `inOdoo` of them also exist in Odoo, their email typed in capitals there. */
async function customers(count: number, inOdoo: number): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, i) => `person.${i}@bulk.test`);
  const contacts = rig.hubspot.store.requireType('contacts');
  rig.hubspot.store.bulkInsert(
    contacts,
    emails.map((email, i) => ({
      email,
      firstname: 'Person',
      lastname: String(i),
      lifecyclestage: 'customer',
      country: 'France',
    })),
    { createdAt: Date.now(), modifiedAt: Date.now() },
  );
  const partners: WriteOp[] = emails
    .slice(0, inOdoo)
    .map((email, i) => ({ op: 'create', ref: `p${i}`, fields: { name: `Person ${i}`, email, is_company: false } }));
  for (let i = 0; i < partners.length; i += 100)
    await rig.connectors.erp.write('res.partner', partners.slice(i, i + 100));
  return emails;
}

/**
 * The store, with another writer moving the snapshot of `linkId` just before this pass's
 * compare-and-set of it (the first `times` of them): a race lost, deterministically.
 */
function racingStore(linkId: string, times: number): Store {
  let left = times;
  const racing = (tx: StoreRepositories): StoreRepositories => {
    const snapshots: SnapshotRepository = {
      get: (id) => tx.snapshots.get(id),
      getMany: (ids) => tx.snapshots.getMany(ids),
      async compareAndSet(id, expected, next) {
        if (id === linkId && left-- > 0) {
          const snap = await tx.snapshots.get(id);
          if (snap) await tx.snapshots.compareAndSet(id, snap.version, { crm: snap.crm, erp: snap.erp });
        }
        return tx.snapshots.compareAndSet(id, expected, next);
      },
    };
    return new Proxy(tx, {
      get: (target, property) => (property === 'snapshots' ? snapshots : Reflect.get(target, property, target)),
    });
  };
  const transaction: Store['transaction'] = (work) => store.transaction((tx) => work(racing(tx)));
  return new Proxy(store, {
    get(target, property) {
      if (property === 'transaction') return transaction;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Three customers linked by a first pass, then each one's job title edited in HubSpot (`<prefix> <crm id>`). */
async function linkedThenEdited(prefix: string): Promise<Link[]> {
  await customers(3, 3);
  await runPass(ctx(), 'crm', { apply: true });
  const links = await store.links.list(mapping.id);
  const contacts = rig.hubspot.store.requireType('contacts');
  for (const l of links) {
    const record = rig.hubspot.store.get(contacts, l.crmId)!;
    rig.hubspot.store.update(contacts, record, { jobtitle: `${prefix} ${l.crmId}` }, 'CRM_UI');
  }
  return links;
}

/** The erp connector with `write` wrapped. */
function wrapWrite(write: (object: string, ops: readonly WriteOp[]) => Promise<WriteResult[]>): {
  crm: Connector;
  erp: Connector;
} {
  const erp = rig.connectors.erp;
  return {
    crm: rig.connectors.crm,
    erp: {
      ...erp,
      describe: () => erp.describe(),
      listChanges: (o, s, x) => erp.listChanges(o, s, x),
      read: (o, i, f, x) => erp.read(o, i, f, x),
      find: (o, q) => erp.find(o, q),
      write,
    },
  };
}

describe('a pass as bulk phases', () => {
  it('a page of 200 unlinked contacts and one match rule costs a handful of Odoo calls, not one per record', async () => {
    await customers(200, 120);
    // Describe and reference data are cached by the connector after the first pass.
    await runPass(ctx(), 'crm', { apply: false, pageSize: 200 });
    const before = odooCalls();
    const dry = await collectPass(ctx(), 'crm', { apply: false, pageSize: 200 });
    const calls = odooCalls() - before;
    expect(dry.read).toBe(200);
    expect(dry.plans.filter((p) => p.action === 'sync')).toHaveLength(120);
    expect(dry.plans.filter((p) => p.action === 'create')).toHaveLength(80);
    // One find with the 200 keys, one read of the 120 partners, one lookup of countries (was 201 calls).
    expect(calls).toBeLessThanOrEqual(4);
  }, 60_000);

  it('a lost compare-and-set on one pair keeps the others; the lost pair is re-read and re-decided once', async () => {
    const links = await linkedThenEdited('Title');
    expect(links).toHaveLength(3);
    const victim = links[1]!;
    const versions = async () => Promise.all(links.map(async (l) => (await store.snapshots.get(l.id))?.version));
    expect(await versions()).toEqual([1, 1, 1]);
    // Another writer moves the victim's snapshot just before this pass's compare-and-set of it (once).
    const racing = racingStore(victim.id, 1);
    const auditBefore = (await store.audit.verify()).count;
    const pass = await collectPass({ ...ctx(), store: racing }, 'crm', { apply: true });
    expect(pass.counts.retried).toBe(1);
    expect(pass.counts.failed).toBe(0);
    // Everyone's change landed; the victim's snapshot moved twice (the other writer, then this pass).
    expect(await versions()).toEqual([2, 3, 2]);
    const partners = await rig.connectors.erp.read(
      'res.partner',
      links.map((l) => l.erpId),
      ['function'],
    );
    expect(partners.map((p) => p.fields.function).sort()).toEqual(links.map((l) => `Title ${l.crmId}`).sort());
    // One audit entry per record of the page: the two kept, the victim's once, after its retry.
    const entries = (await store.audit.tail(10)).filter((e) => e.runId === pass.runId);
    expect(entries.map((e) => e.crmId).sort()).toEqual(links.map((l) => l.crmId).sort());
    expect((await store.audit.verify()).count).toBe(auditBefore + 3);
  }, 60_000);

  it('a pair lost twice is dead-lettered with the reason; the others are recorded and the cursor moves', async () => {
    const links = await linkedThenEdited('Again');
    const victim = links[0]!;
    // The other writer wins every time.
    const pass = await collectPass({ ...ctx(), store: racingStore(victim.id, Infinity) }, 'crm', { apply: true });
    expect(
      pass.applied
        .filter((a) => a.status === 'applied')
        .map((a) => a.plan.id)
        .sort(),
    ).toEqual([links[1]!.crmId, links[2]!.crmId].sort());
    const failed = pass.applied.filter((a) => a.status === 'failed');
    expect(failed.map((a) => a.plan.id)).toEqual([victim.crmId]);
    const [letter] = await store.deadLetters.list({ mappingId: mapping.id, status: 'open' });
    expect(letter).toMatchObject({ recordId: victim.crmId, side: 'crm', connection: 'odoo' });
    expect(letter?.message).toMatch(/changed under another sync twice/);
    expect(await store.cursors.get(`sync:${mapping.id}:crm`)).toMatchObject({ timestamp: pass.cursor?.timestamp });
  }, 60_000);

  it('a connector that answers no result, or two, for a record: that record fails, never applied, and is not linked', async () => {
    const emails = await customers(3, 0);
    const connectors = wrapWrite(async (object, ops) => {
      const results = await rig.connectors.erp.write(object, ops);
      // The first op gets no answer, the second two.
      return [...results.slice(1), results[1]!];
    });
    const pass = await collectPass(ctx(connectors), 'crm', { apply: true });
    const byEmail = new Map(pass.applied.map((a) => [String(a.plan.patch.erp.email), a]));
    expect(byEmail.get(emails[0]!)).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/answered no result for this record/),
    });
    expect(byEmail.get(emails[1]!)).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/answered 2 results for this record/),
    });
    expect(byEmail.get(emails[2]!)?.status).toBe('applied');
    expect(await store.links.list(mapping.id)).toHaveLength(1);
    expect(await store.deadLetters.list({ mappingId: mapping.id, status: 'open' })).toHaveLength(2);
  }, 60_000);

  it('the dead letter of HubSpot contact N is not settled by a pass over Odoo partner N', async () => {
    await customers(5, 5);
    await runPass(ctx(), 'crm', { apply: true });
    // An Odoo partner and a HubSpot contact that share an id (both systems number from 1).
    const partners = await rig.connectors.erp.find('res.partner', {
      field: 'email',
      values: [
        'person.0@bulk.test',
        'person.1@bulk.test',
        'person.2@bulk.test',
        'person.3@bulk.test',
        'person.4@bulk.test',
      ],
    });
    const contacts = await rig.connectors.crm.find('contacts', {
      field: 'email',
      values: [
        'person.0@bulk.test',
        'person.1@bulk.test',
        'person.2@bulk.test',
        'person.3@bulk.test',
        'person.4@bulk.test',
      ],
    });
    const shared = partners.map((p) => p.id).find((id) => contacts.some((c) => c.id === id));
    if (shared === undefined)
      throw new Error(
        `no shared id between ${partners.map((p) => p.id).join(',')} and ${contacts.map((c) => c.id).join(',')}`,
      );
    const letter = await store.deadLetters.add({
      mappingId: mapping.id,
      side: 'crm',
      connection: 'odoo',
      recordId: shared,
      payload: { op: 'update', from: 'crm', sourceId: shared },
      message: 'Odoo refused it',
      attempts: 1,
    });
    // The partner with that id changes in Odoo and its pass syncs it.
    await rig.connectors.erp.write('res.partner', [
      { op: 'update', ref: 'u', id: shared, fields: { function: 'Odoo edit' } },
    ]);
    const back = await collectPass(ctx(), 'erp', { apply: true });
    expect(back.applied.some((a) => a.plan.id === shared && a.status === 'applied')).toBe(true);
    expect((await store.deadLetters.get(letter.id))?.status).toBe('open');
  }, 60_000);

  it("a dry run's plans are stored page by page and paged back; the pass keeps only counts", async () => {
    await customers(30, 10);
    const dry = await runPass(ctx(), 'crm', { apply: false, pageSize: 7 });
    expect(dry.counts).toMatchObject({ read: 30, sync: 10, create: 20 });
    expect(await store.plans.counts(dry.runId)).toEqual({ sync: 10, create: 20 });
    const first = await store.plans.list(dry.runId, { limit: 12 });
    const rest = await store.plans.list(dry.runId, { afterSeq: first.at(-1)!.seq, limit: 100 });
    expect([...first, ...rest].map((p) => p.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const created = await store.plans.list(dry.runId, { action: 'create', limit: 100 });
    expect(created).toHaveLength(20);
    expect(created[0]?.plan).toMatchObject({
      patch: { erp: { email: expect.stringMatching(/@bulk\.test$/) } },
      createKey: { field: 'external_id' },
    });
    // Nothing was written anywhere.
    expect(await store.links.list(mapping.id)).toEqual([]);
    expect((await store.runs.get(dry.runId))?.counts).toMatchObject({ read: 30, planned: 30, create: 20 });
  }, 60_000);
});
