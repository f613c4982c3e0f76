/**
 * Matches that wait for a person, over SQLite and PostgreSQL: one open row per record
 * (upserts update it, from one store or two at once), list filters and keyset paging, the
 * records a pass re-checks, decisions (once only), closing that leaves `never` alone,
 * counts for /metrics, and rollback with the transaction.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.ts';
import type { Match, MatchDecision, MatchInput, Store } from '../../../src/store/store.ts';
import { backends, type TestDb, tickingClock } from './backends.ts';

const all = await backends();

const input = (recordId: string, over: Partial<MatchInput> = {}): MatchInput => ({
  mappingId: 'contacts-partners',
  side: 'crm',
  recordId,
  kind: 'ambiguous',
  reason: '2 partners share email a@x.test',
  candidates: [
    { id: 'p1', rule: 'email', key: 'a@x.test', label: 'Ann Lee' },
    { id: 'p2', rule: 'email', key: 'a@x.test' },
  ],
  ...over,
});

const ids = (rows: readonly Match[]): string[] => rows.map((m) => m.recordId);

for (const backend of all) {
  describe.skipIf(!backend.available)(`Matches on ${backend.name}`, () => {
    let db: TestDb;
    let store: Store;

    beforeEach(async () => {
      db = await backend.fresh();
      store = await db.open({ clock: tickingClock() });
    });
    afterEach(async () => {
      await db.dispose();
    });

    it('keeps one open row per record: a second upsert updates kind, reason and candidates', async () => {
      const first = await store.matches.upsertOpen(input('c1'));
      expect(first).toMatchObject({
        mappingId: 'contacts-partners',
        side: 'crm',
        recordId: 'c1',
        kind: 'ambiguous',
        status: 'open',
        decision: null,
        decidedBy: null,
        decidedAt: null,
        candidates: input('c1').candidates,
      });
      expect(first.updatedAt).toBe(first.createdAt);
      expect(await store.matches.get(first.id)).toEqual(first);

      // Unchanged: same row, same time.
      expect(await store.matches.upsertOpen(input('c1'))).toEqual(first);

      const second = await store.matches.upsertOpen(
        input('c1', { kind: 'waiting', reason: 'no partner; creating in odoo is not allowed', candidates: [] }),
      );
      expect(second).toMatchObject({ id: first.id, createdAt: first.createdAt, kind: 'waiting', candidates: [] });
      expect(second.reason).toBe('no partner; creating in odoo is not allowed');
      expect(second.updatedAt > first.updatedAt).toBe(true);
      expect(await store.matches.list()).toEqual([second]);

      // The same record id on the other side, or of another mapping, is another record.
      await store.matches.upsertOpen(input('c1', { side: 'erp' }));
      await store.matches.upsertOpen(input('c1', { mappingId: 'companies-partners' }));
      expect(await store.matches.list()).toHaveLength(3);
      await expect(store.matches.upsertOpen(input('c2', { kind: 'maybe' as never }))).rejects.toMatchObject({
        code: ErrorCode.Validation,
      });
    });

    it('upsertOpenMany writes a page: the last input of a record wins, existing rows are updated', async () => {
      const before = await store.matches.upsertOpen(input('c1'));
      await store.matches.upsertOpenMany([
        input('c1', { reason: 'changed' }),
        input('c2'),
        input('c3', { kind: 'waiting', candidates: [] }),
        input('c2', { reason: 'second word' }),
      ]);
      await store.matches.upsertOpenMany([]);
      const rows = await store.matches.list();
      // c2 and c3 were created in one statement at one time: their order is by id.
      expect(ids(rows).sort()).toEqual(['c1', 'c2', 'c3']);
      const byRecord = new Map(rows.map((m) => [m.recordId, m]));
      expect(byRecord.get('c1')).toMatchObject({ id: before.id, reason: 'changed' });
      expect(byRecord.get('c2')?.reason).toBe('second word');
      expect(byRecord.get('c3')).toMatchObject({ kind: 'waiting', candidates: [] });

      // Past the bound-parameter limits: 6,000 rows of 14 columns is 84,000 values.
      await store.matches.upsertOpenMany(Array.from({ length: 6_000 }, (_, i) => input(`bulk${i}`)));
      expect(await store.matches.countOpen()).toEqual([
        { mappingId: 'contacts-partners', kind: 'ambiguous', count: 6_002 },
        { mappingId: 'contacts-partners', kind: 'waiting', count: 1 },
      ]);
    });

    it('lists open and resolved rows oldest first, filtered, in keyset pages', async () => {
      for (let i = 1; i <= 6; i++) {
        await store.matches.upsertOpen(
          input(`c${i}`, { kind: i % 2 === 0 ? 'waiting' : 'ambiguous', side: i <= 4 ? 'crm' : 'erp' }),
        );
      }
      await store.matches.upsertOpen(input('o1', { mappingId: 'companies-partners' }));
      const c2 = (await store.matches.forRecords('contacts-partners', 'crm', ['c2'])).get('c2')!;
      const c3 = (await store.matches.forRecords('contacts-partners', 'crm', ['c3'])).get('c3')!;
      await store.matches.resolve(c2.id, { choice: 'create' }, 'ann');
      await store.matches.resolve(c3.id, { choice: 'link', partnerId: 'p1' }, 'ann');
      await store.matches.closeMany('contacts-partners', 'crm', ['c3']);

      expect(ids(await store.matches.list())).toEqual(['c1', 'c2', 'c4', 'c5', 'c6', 'o1']);
      expect(ids(await store.matches.list({ mappingId: 'contacts-partners', side: 'erp' }))).toEqual(['c5', 'c6']);
      expect(ids(await store.matches.list({ kind: 'waiting' }))).toEqual(['c2', 'c4', 'c6']);
      expect(ids(await store.matches.list({ status: 'resolved' }))).toEqual(['c2']);
      const openWaiting = await store.matches.list({ status: 'open', mappingId: 'contacts-partners', kind: 'waiting' });
      expect(ids(openWaiting)).toEqual(['c4', 'c6']);
      expect(await store.matches.list({ status: 'closed' })).toMatchObject([
        { recordId: 'c3', status: 'closed', decision: { choice: 'link', partnerId: 'p1' }, decidedBy: 'ann' },
      ]);

      const page1 = await store.matches.list({ limit: 2 });
      const page2 = await store.matches.list({ limit: 2, afterId: page1.at(-1)!.id });
      const page3 = await store.matches.list({ limit: 2, afterId: page2.at(-1)!.id });
      const page4 = await store.matches.list({ limit: 2, afterId: page3.at(-1)!.id });
      expect([page1, page2, page3, page4].map(ids)).toEqual([['c1', 'c2'], ['c4', 'c5'], ['c6', 'o1'], []]);
      // Paging within a filter.
      const waiting = await store.matches.list({ kind: 'waiting', limit: 1 });
      expect(ids(await store.matches.list({ kind: 'waiting', afterId: waiting[0]!.id }))).toEqual(['c4', 'c6']);

      for (const bad of [{ limit: 0 }, { limit: 2.5 }, { afterId: 'no-such-match' }]) {
        await expect(store.matches.list(bad)).rejects.toMatchObject({ code: ErrorCode.Validation });
      }
    });

    it('pages rows created in the same millisecond by id', async () => {
      const fixed = await db.open({ clock: () => new Date('2026-02-01T00:00:00.000Z') });
      await fixed.matches.upsertOpenMany(Array.from({ length: 7 }, (_, i) => input(`s${i}`)));
      const seen: string[] = [];
      let afterId: string | undefined;
      for (;;) {
        const page = await fixed.matches.list({ limit: 3, ...(afterId === undefined ? {} : { afterId }) });
        if (page.length === 0) break;
        seen.push(...page.map((m) => m.id));
        afterId = page.at(-1)!.id;
      }
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
    });

    it('answers the records a pass re-checks: open and resolved, not closed, not never, oldest first', async () => {
      for (const id of ['c1', 'c2', 'c3', 'c4', 'c5']) await store.matches.upsertOpen(input(id));
      await store.matches.upsertOpen(input('e1', { side: 'erp' }));
      await store.matches.upsertOpen(input('x1', { mappingId: 'companies-partners' }));
      const rows = await store.matches.forRecords('contacts-partners', 'crm', ['c2', 'c3', 'c4']);
      await store.matches.resolve(rows.get('c2')!.id, { choice: 'link', partnerId: 'p2' }, 'ann');
      await store.matches.resolve(rows.get('c3')!.id, { choice: 'never' }, 'ann');
      await store.matches.closeMany('contacts-partners', 'crm', ['c4']);

      expect(await store.matches.pendingRecordIds('contacts-partners', 'crm')).toEqual(['c1', 'c2', 'c5']);
      expect(await store.matches.pendingRecordIds('contacts-partners', 'crm', 2)).toEqual(['c1', 'c2']);
      expect(await store.matches.pendingRecordIds('contacts-partners', 'erp')).toEqual(['e1']);
      expect(await store.matches.pendingRecordIds('no-such-mapping', 'crm')).toEqual([]);
      await expect(store.matches.pendingRecordIds('contacts-partners', 'crm', 0)).rejects.toMatchObject({
        code: ErrorCode.Validation,
      });
    });

    it('forRecords answers the open or resolved row of each record, never included, closed absent', async () => {
      for (const id of ['c1', 'c2', 'c3', 'c4']) await store.matches.upsertOpen(input(id));
      const before = await store.matches.forRecords('contacts-partners', 'crm', ['c1', 'c2', 'c3', 'c4']);
      await store.matches.resolve(before.get('c2')!.id, { choice: 'never' }, 'ann');
      await store.matches.closeMany('contacts-partners', 'crm', ['c3']);
      // Record ids past the bound-parameter limits, the wanted ones spread among them.
      const many = Array.from({ length: 70_000 }, (_, i) => `miss${i}`);
      many.splice(0, 0, 'c1');
      many.splice(35_000, 0, 'c2');
      many.push('c3', 'c4', 'c1');
      const found = await store.matches.forRecords('contacts-partners', 'crm', many);
      expect([...found.keys()].sort()).toEqual(['c1', 'c2', 'c4']);
      expect(found.get('c1')).toEqual(before.get('c1'));
      expect(found.get('c2')).toMatchObject({ status: 'resolved', decision: { choice: 'never' } });
      expect((await store.matches.forRecords('contacts-partners', 'erp', ['c1'])).size).toBe(0);
      expect((await store.matches.forRecords('contacts-partners', 'crm', [])).size).toBe(0);
    });

    it('records a decision once: a second resolve is a CONFLICT, an unknown id NOT_FOUND', async () => {
      const m = await store.matches.upsertOpen(input('c1'));
      const resolved = await store.matches.resolve(m.id, { choice: 'link', partnerId: 'p2' }, 'ann@example.test');
      expect(resolved).toMatchObject({
        id: m.id,
        status: 'resolved',
        decision: { choice: 'link', partnerId: 'p2' },
        decidedBy: 'ann@example.test',
        candidates: m.candidates,
      });
      expect(resolved.decidedAt).not.toBeNull();
      expect(resolved.updatedAt).toBe(resolved.decidedAt);
      expect(await store.matches.get(m.id)).toEqual(resolved);

      await expect(store.matches.resolve(m.id, { choice: 'never' }, 'bob')).rejects.toMatchObject({
        code: ErrorCode.Conflict,
        details: { status: 'resolved', decidedBy: 'ann@example.test' },
      });
      expect(await store.matches.get(m.id)).toEqual(resolved);
      await store.matches.closeMany('contacts-partners', 'crm', ['c1']);
      await expect(store.matches.resolve(m.id, { choice: 'create' }, 'bob')).rejects.toMatchObject({
        code: ErrorCode.Conflict,
      });
      await expect(store.matches.resolve('no-such-match', { choice: 'create' }, 'bob')).rejects.toMatchObject({
        code: ErrorCode.NotFound,
      });

      const other = await store.matches.upsertOpen(input('c2'));
      const bad: unknown[] = [{ choice: 'link' }, { choice: 'link', partnerId: '' }, { choice: 'merge' }];
      for (const decision of bad) {
        await expect(store.matches.resolve(other.id, decision as MatchDecision, 'bob')).rejects.toMatchObject({
          code: ErrorCode.Validation,
        });
      }
      expect((await store.matches.get(other.id))?.status).toBe('open');
    });

    it('leaves a decided row as the person left it when the engine upserts it again', async () => {
      const m = await store.matches.upsertOpen(input('c1'));
      const resolved = await store.matches.resolve(m.id, { choice: 'create' }, 'ann');
      expect(await store.matches.upsertOpen(input('c1', { kind: 'waiting', reason: 'other', candidates: [] }))).toEqual(
        resolved,
      );
      await store.matches.upsertOpenMany([input('c1', { reason: 'again' })]);
      expect(await store.matches.list()).toEqual([resolved]);
    });

    it('closeMany closes open and resolved rows but leaves a never decision resolved for good', async () => {
      for (const id of ['c1', 'c2', 'c3', 'c4']) await store.matches.upsertOpen(input(id));
      await store.matches.upsertOpen(input('c1', { side: 'erp' }));
      const rows = await store.matches.forRecords('contacts-partners', 'crm', ['c2', 'c3']);
      await store.matches.resolve(rows.get('c2')!.id, { choice: 'link', partnerId: 'p1' }, 'ann');
      const never = await store.matches.resolve(rows.get('c3')!.id, { choice: 'never' }, 'ann');

      await store.matches.closeMany('contacts-partners', 'crm', ['c1', 'c2', 'c3', 'unknown']);
      await store.matches.closeMany('contacts-partners', 'crm', []);
      expect(ids(await store.matches.list({ side: 'crm' }))).toEqual(['c3', 'c4']);
      expect(await store.matches.get(never.id)).toEqual(never);
      expect(ids(await store.matches.list({ status: 'closed' }))).toEqual(['c1', 'c2']);
      // The other side's record 'c1' is another record.
      expect(ids(await store.matches.list({ side: 'erp' }))).toEqual(['c1']);

      // A closed record that needs a person again gets a new open row; the old one stays as history.
      const again = await store.matches.upsertOpen(input('c1', { kind: 'waiting' }));
      expect(again).toMatchObject({ status: 'open', kind: 'waiting' });
      expect(again.id).not.toBe(rows.get('c1')?.id);
      expect(ids(await store.matches.list({ status: 'closed' }))).toEqual(['c1', 'c2']);
      // A never record is never re-asked: the engine's upsert answers the decision.
      expect(await store.matches.upsertOpen(input('c3'))).toEqual(never);
    });

    it('counts open matches per mapping and kind', async () => {
      await store.matches.upsertOpenMany([
        input('c1'),
        input('c2'),
        input('c3', { kind: 'waiting' }),
        input('c4', { mappingId: 'companies-partners', kind: 'waiting' }),
        input('c5'),
      ]);
      const c5 = (await store.matches.forRecords('contacts-partners', 'crm', ['c5'])).get('c5')!;
      await store.matches.resolve(c5.id, { choice: 'create' }, 'ann');
      expect(await store.matches.countOpen()).toEqual([
        { mappingId: 'companies-partners', kind: 'waiting', count: 1 },
        { mappingId: 'contacts-partners', kind: 'ambiguous', count: 2 },
        { mappingId: 'contacts-partners', kind: 'waiting', count: 1 },
      ]);
      await store.matches.closeMany('companies-partners', 'crm', ['c4']);
      expect(await store.matches.countOpen()).toEqual([
        { mappingId: 'contacts-partners', kind: 'ambiguous', count: 2 },
        { mappingId: 'contacts-partners', kind: 'waiting', count: 1 },
      ]);
    });

    it('rolls back with the transaction around it', async () => {
      const kept = await store.matches.upsertOpen(input('c1'));
      const boom = new Error('page failed');
      await expect(
        store.transaction(async (tx) => {
          await tx.matches.upsertOpenMany([input('c2'), input('c1', { reason: 'changed' })]);
          await tx.matches.resolve(kept.id, { choice: 'never' }, 'ann');
          expect(ids(await tx.matches.list())).toEqual(['c1', 'c2']);
          await tx.matches.closeMany('contacts-partners', 'crm', ['c2']);
          expect(await tx.matches.pendingRecordIds('contacts-partners', 'crm')).toEqual([]);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await store.matches.list()).toEqual([kept]);
      const m = await store.transaction((tx) => tx.matches.upsertOpen(input('c2')));
      expect(await store.matches.get(m.id)).toEqual(m);
    });

    it('keeps one open row when two stores upsert the same records at once', async () => {
      const other = await db.open();
      const page = Array.from({ length: 50 }, (_, i) => input(`c${i}`));
      await Promise.all([
        store.matches.upsertOpenMany(page),
        other.matches.upsertOpenMany(page.map((m) => ({ ...m, reason: 'other' }))),
        store.matches.upsertOpen(input('c7', { kind: 'waiting' })),
        other.matches.upsertOpen(input('c7', { kind: 'waiting' })),
      ]);
      const rows = await store.matches.list({ limit: 1000 });
      expect(rows).toHaveLength(50);
      expect(new Set(ids(rows)).size).toBe(50);
    });
  });
}
