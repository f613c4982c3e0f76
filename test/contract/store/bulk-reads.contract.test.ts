/**
 * Bulk reads a pass makes once per page, over SQLite and PostgreSQL: links by many
 * record ids of one side, snapshots by many link ids, dead letters by many record ids.
 * Inputs far past either database's bound-parameter limit still answer in full.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.ts';
import { backends, type TestDb, tickingClock } from './backends.ts';

const all = await backends();

/** More ids than SQLite (32,766) or PostgreSQL (65,535) would take in one statement. */
const MANY = 70_000;

/** `MANY` ids, `wanted` among them at the start, the middle and the end. */
function haystack(prefix: string, wanted: readonly string[]): string[] {
  const ids = Array.from({ length: MANY }, (_, i) => `${prefix}-miss-${i}`);
  wanted.forEach((id, i) => ids.splice(Math.floor((i * ids.length) / Math.max(wanted.length - 1, 1)), 0, id));
  return ids;
}

for (const backend of all) {
  describe.skipIf(!backend.available)(`Store bulk reads on ${backend.name}`, () => {
    let db: TestDb;
    let store: Store;

    beforeEach(async () => {
      db = await backend.fresh();
      store = await db.open({ clock: tickingClock() });
    });
    afterEach(async () => {
      await db.dispose();
    });

    it('links.findManyBySide: keyed by that side’s id, per mapping, unlinked records absent', async () => {
      const a = await store.links.create({ mappingId: 'm1', crmId: 'c1', erpId: 'e1' });
      const b = await store.links.create({ mappingId: 'm1', crmId: 'c2', erpId: 'e2' });
      await store.links.create({ mappingId: 'm2', crmId: 'c3', erpId: 'e3' });
      const byCrm = await store.links.findManyBySide('m1', 'crm', ['c1', 'c2', 'c3', 'e1', 'c1']);
      expect(new Map([...byCrm].sort())).toEqual(
        new Map([
          ['c1', a],
          ['c2', b],
        ]),
      );
      const byErp = await store.links.findManyBySide('m1', 'erp', ['e2', 'c2', 'e3']);
      expect([...byErp]).toEqual([['e2', b]]);
      expect((await store.links.findManyBySide('m1', 'crm', [])).size).toBe(0);
    });

    it('snapshots.getMany: keyed by link id, links without a snapshot absent', async () => {
      const a = await store.links.create({ mappingId: 'm1', crmId: 'c1', erpId: 'e1' });
      const b = await store.links.create({ mappingId: 'm1', crmId: 'c2', erpId: 'e2' });
      await store.snapshots.compareAndSet(a.id, 0, { crm: { email: 'a@x' }, erp: { email: 'a@x' } });
      await store.snapshots.compareAndSet(a.id, 1, { crm: { email: 'b@x' }, erp: { email: 'b@x' } });
      const found = await store.snapshots.getMany([a.id, b.id, 'no-such-link', a.id]);
      expect([...found.keys()]).toEqual([a.id]);
      expect(found.get(a.id)).toEqual(await store.snapshots.get(a.id));
      expect(found.get(a.id)).toMatchObject({ version: 2, crm: { email: 'b@x' } });
      expect((await store.snapshots.getMany([])).size).toBe(0);
    });

    it(`answers in full for ${MANY} ids at once`, async () => {
      const links = [];
      for (const [i, crmId] of ['c1', 'c2', 'c3'].entries()) {
        links.push(await store.links.create({ mappingId: 'm1', crmId, erpId: `e${i}` }));
      }
      for (const link of links) await store.snapshots.compareAndSet(link.id, 0, { crm: {}, erp: {} });
      const letter = {
        mappingId: 'm1',
        connection: 'odoo',
        side: 'crm',
        payload: {},
        message: 'm',
        attempts: 1,
      } as const;
      for (const recordId of ['c1', 'c2', 'c3']) await store.deadLetters.add({ ...letter, recordId });

      const byCrm = await store.links.findManyBySide('m1', 'crm', haystack('c', ['c1', 'c2', 'c3']));
      expect([...byCrm.keys()].sort()).toEqual(['c1', 'c2', 'c3']);
      const snaps = await store.snapshots.getMany(
        haystack(
          'l',
          links.map((l) => l.id),
        ),
      );
      expect(snaps.size).toBe(3);
      const wanted = haystack('c', ['c3', 'c1', 'c2']);
      const letters = await store.deadLetters.list({ mappingId: 'm1', side: 'crm', recordIds: wanted });
      expect(letters.map((d) => d.recordId)).toEqual(['c1', 'c2', 'c3']);
      // Oldest first across statements: c1 and c2 sit in later chunks than c3.
      const oldest = await store.deadLetters.list({ mappingId: 'm1', side: 'crm', recordIds: wanted, limit: 2 });
      expect(oldest.map((d) => d.recordId)).toEqual(['c1', 'c2']);
    });
  });
}
