/**
 * Problems per record (`field_problems`) over SQLite and PostgreSQL: a field left out is
 * upserted (first seen kept), settled by a write of that field (not by a write of another),
 * cleared with its record, listed oldest first in pages, and counted per field and reason.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.ts';
import { backends, type TestDb } from './backends.ts';

const all = await backends();
const M = 'contacts-partners';

for (const backend of all) {
  describe.skipIf(!backend.available)(`problems on ${backend.name}`, () => {
    let db: TestDb;
    let store: Store;
    let tick = 0;
    beforeEach(async () => {
      db = await backend.fresh();
      tick = 0;
      // Each read of the clock a second later: first seen and last seen tell passes apart.
      store = await db.open({ clock: () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++)) });
    });
    afterEach(async () => {
      await db.dispose();
    });

    /** Every row, by record and field (rows first seen at once are listed in id order). */
    const rows = async () =>
      (await store.problems.list({ limit: 1000 }))
        .map((p) => [p.recordId, p.target, p.field, p.reason, p.runId])
        .sort((a, b) => `${a[0]} ${a[2]}`.localeCompare(`${b[0]} ${b[2]}`));

    it('upserts what is left out, keeps first seen, and settles only the fields written', async () => {
      await store.problems.record(M, 'crm', 'run-1', [
        {
          recordId: '1',
          open: [
            { target: 'erp', field: 'country', reason: 'not a country: "Narnia"' },
            { target: 'erp', field: 'company', reason: 'nothing found for 5' },
          ],
          written: { erp: '*' },
        },
        { recordId: '2', open: [{ target: 'erp', field: 'company', reason: 'nothing found for 5' }], written: {} },
      ]);
      const [first] = await store.problems.list({ mappingId: M, field: 'country' });
      await store.problems.record(M, 'crm', 'run-2', [
        // Written again, still refused with another reason: open, first seen kept, the rest updated.
        {
          recordId: '1',
          open: [{ target: 'erp', field: 'country', reason: 'not a country: "Narnia!"' }],
          written: { erp: ['country', 'name'] },
        },
      ]);
      expect(await rows()).toEqual([
        ['1', 'erp', 'company', 'nothing found for 5', 'run-1'],
        ['1', 'erp', 'country', 'not a country: "Narnia!"', 'run-2'],
        ['2', 'erp', 'company', 'nothing found for 5', 'run-1'],
      ]);
      const [again] = await store.problems.list({ mappingId: M, field: 'country' });
      expect(again?.firstSeen).toBe(first?.firstSeen);
      expect(again!.lastSeen > first!.lastSeen).toBe(true);
      // Written to the other side, or on another mapping or side: settles nothing here.
      await store.problems.record(M, 'crm', 'run-3', [{ recordId: '1', open: [], written: { crm: ['country'] } }]);
      await store.problems.record(M, 'erp', 'run-3', [{ recordId: '1', open: [], written: { erp: '*' } }]);
      await store.problems.record('other', 'crm', 'run-3', [{ recordId: '1', open: [], written: { erp: '*' } }]);
      expect(await rows()).toHaveLength(3);
      // The country written: settled; the company of record 1 stays.
      await store.problems.record(M, 'crm', 'run-4', [{ recordId: '1', open: [], written: { erp: ['country'] } }]);
      expect((await rows()).map((r) => [r[0], r[2]])).toEqual([
        ['1', 'company'],
        ['2', 'company'],
      ]);
      await store.problems.clearRecords(M, 'crm', ['2']);
      expect((await rows()).map((r) => [r[0], r[2]])).toEqual([['1', 'company']]);
    });

    it('lists in pages, by mapping and field, and counts per field and reason', async () => {
      for (let i = 1; i <= 5; i++)
        await store.problems.record(i % 2 ? M : 'orders', 'crm', `run-${i}`, [
          {
            recordId: String(i),
            open: [{ target: 'erp', field: i < 4 ? 'company' : 'country', reason: 'r' }],
            written: {},
          },
        ]);
      const first = await store.problems.list({ limit: 2 });
      const rest = await store.problems.list({ limit: 10, afterId: first[1]!.id });
      expect([...first, ...rest].map((p) => p.recordId)).toEqual(['1', '2', '3', '4', '5']);
      expect((await store.problems.list({ mappingId: M, field: 'company' })).map((p) => p.recordId)).toEqual([
        '1',
        '3',
      ]);
      expect(await store.problems.counts(M)).toEqual([
        { mappingId: M, field: 'company', reason: 'r', count: 2 },
        { mappingId: M, field: 'country', reason: 'r', count: 1 },
      ]);
      expect(await store.problems.countByMapping()).toEqual([
        { mappingId: M, count: 3 },
        { mappingId: 'orders', count: 2 },
      ]);
      await expect(store.problems.list({ afterId: 'nope' })).rejects.toThrow('after nope is not an open problem');
    });

    it('pages through problems first seen at once, in record and field order', async () => {
      const open = [
        { target: 'erp' as const, field: 'zip', reason: 'r' },
        { target: 'erp' as const, field: 'city', reason: 'r' },
      ];
      await store.problems.record(M, 'crm', 'run-1', [
        { recordId: 'b', open, written: {} },
        { recordId: 'a', open, written: {} },
      ]);
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const [p] = await store.problems.list({ limit: 1, ...(after ? { afterId: after } : {}) });
        if (!p) break;
        seen.push(`${p.recordId}.${p.field}`);
        after = p.id;
      }
      expect(seen).toEqual(['a.city', 'a.zip', 'b.city', 'b.zip']);
    });

    it('is written inside a store transaction with the rest of a page, or not at all', async () => {
      await expect(
        store.transaction(async (tx) => {
          await tx.problems.record(M, 'crm', 'run-1', [
            { recordId: '1', open: [{ target: 'erp', field: 'country', reason: 'r' }], written: {} },
          ]);
          throw new Error('the page failed');
        }),
      ).rejects.toThrow('the page failed');
      expect(await store.problems.list()).toEqual([]);
    });
  });
}
