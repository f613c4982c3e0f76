/**
 * The key index of identity matching, over SQLite and PostgreSQL: keys replaced per
 * (record, rule), null keys dropped, lookups by many keys, scopes and sides apart, exact
 * prefix pruning, rollback with the transaction, inputs past the bound-parameter limits,
 * 200,000 entries in pages of 5,000, and migration 0006 on a store at 0005.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.ts';
import type { MatchIndexEntry, Store } from '../../../src/store/store.ts';
import { backends, type TestDb } from './backends.ts';

const all = await backends();

const S = 'contacts-partners:f1';

const entry = (recordId: string, rule: number, key: string | null): MatchIndexEntry => ({ recordId, rule, key });

/** Plain objects of a lookup's map, for equality. */
const asObject = (found: Map<string, string[]>): Record<string, string[]> => Object.fromEntries(found);

for (const backend of all) {
  describe.skipIf(!backend.available)(`Match key index on ${backend.name}`, () => {
    let db: TestDb;
    let store: Store;

    beforeEach(async () => {
      db = await backend.fresh();
      store = await db.open();
    });
    afterEach(async () => {
      await db.dispose();
    });

    it('finds the records holding each key under one rule, keys nobody holds absent', async () => {
      await store.matchIndex.putMany(S, 'erp', [
        entry('7', 0, 'a@x.test'),
        entry('12', 0, 'a@x.test'),
        entry('3', 0, 'b@x.test'),
        entry('7', 1, '+3225551234'),
      ]);
      const keys = ['a@x.test', 'b@x.test', 'c@x.test', 'a@x.test'];
      expect(asObject(await store.matchIndex.lookup(S, 'erp', 0, keys))).toEqual({
        'a@x.test': ['12', '7'],
        'b@x.test': ['3'],
      });
      expect(asObject(await store.matchIndex.lookup(S, 'erp', 1, ['+3225551234', 'a@x.test']))).toEqual({
        '+3225551234': ['7'],
      });
      // Another rule, side or scope is another index.
      expect((await store.matchIndex.lookup(S, 'erp', 2, ['a@x.test'])).size).toBe(0);
      expect((await store.matchIndex.lookup(S, 'crm', 0, ['a@x.test'])).size).toBe(0);
      expect((await store.matchIndex.lookup('contacts-partners:f2', 'erp', 0, ['a@x.test'])).size).toBe(0);
      expect((await store.matchIndex.lookup(S, 'erp', 0, [])).size).toBe(0);
      expect(await store.matchIndex.count(S, 'erp')).toBe(3);
      expect(await store.matchIndex.count(S, 'crm')).toBe(0);
    });

    it('replaces a record’s key per rule; a null key drops only that rule’s row; the last entry wins', async () => {
      await store.matchIndex.putMany(S, 'erp', [
        entry('7', 0, 'a@x.test'),
        entry('7', 1, 'acme'),
        entry('8', 0, 'b@x.test'),
      ]);
      // Record 7's email changed; record 8 was archived (null under the rules the engine sends).
      await store.matchIndex.putMany(S, 'erp', [entry('7', 0, 'new@x.test'), entry('8', 0, null)]);
      expect(asObject(await store.matchIndex.lookup(S, 'erp', 0, ['a@x.test', 'new@x.test', 'b@x.test']))).toEqual({
        'new@x.test': ['7'],
      });
      expect(asObject(await store.matchIndex.lookup(S, 'erp', 1, ['acme']))).toEqual({ acme: ['7'] });
      expect(await store.matchIndex.count(S, 'erp')).toBe(1);

      await store.matchIndex.putMany(S, 'erp', [
        entry('9', 0, 'first@x.test'),
        entry('9', 0, 'second@x.test'),
        entry('10', 0, 'gone@x.test'),
        entry('10', 0, null),
        entry('11', 0, null),
        entry('11', 0, 'kept@x.test'),
      ]);
      expect(
        asObject(
          await store.matchIndex.lookup(S, 'erp', 0, ['first@x.test', 'second@x.test', 'gone@x.test', 'kept@x.test']),
        ),
      ).toEqual({ 'second@x.test': ['9'], 'kept@x.test': ['11'] });
      // Putting the same keys again changes nothing; an empty page is a no-op.
      await store.matchIndex.putMany(S, 'erp', [entry('9', 0, 'second@x.test')]);
      await store.matchIndex.putMany(S, 'erp', []);
      expect(await store.matchIndex.count(S, 'erp')).toBe(3);
    });

    it('refuses a rule that is not a non-negative integer', async () => {
      for (const rule of [-1, 1.5, Number.NaN]) {
        await expect(store.matchIndex.putMany(S, 'erp', [entry('1', rule, 'k')])).rejects.toMatchObject({
          code: ErrorCode.Validation,
        });
        await expect(store.matchIndex.lookup(S, 'erp', rule, ['k'])).rejects.toMatchObject({
          code: ErrorCode.Validation,
        });
      }
      expect(await store.matchIndex.count(S, 'erp')).toBe(0);
    });

    it('removes every key of deleted records on that side only', async () => {
      await store.matchIndex.putMany(S, 'erp', [
        entry('7', 0, 'a@x.test'),
        entry('7', 1, 'acme'),
        entry('8', 0, 'a@x.test'),
      ]);
      await store.matchIndex.putMany(S, 'crm', [entry('7', 0, 'a@x.test')]);
      await store.matchIndex.putMany('other:f1', 'erp', [entry('7', 0, 'a@x.test')]);
      await store.matchIndex.removeRecords(S, 'erp', ['7', '7', 'unknown']);
      await store.matchIndex.removeRecords(S, 'erp', []);
      expect(asObject(await store.matchIndex.lookup(S, 'erp', 0, ['a@x.test']))).toEqual({ 'a@x.test': ['8'] });
      expect((await store.matchIndex.lookup(S, 'erp', 1, ['acme'])).size).toBe(0);
      expect(asObject(await store.matchIndex.lookup(S, 'crm', 0, ['a@x.test']))).toEqual({ 'a@x.test': ['7'] });
      const elsewhere = await store.matchIndex.lookup('other:f1', 'erp', 0, ['a@x.test']);
      expect(asObject(elsewhere)).toEqual({ 'a@x.test': ['7'] });
    });

    it('prunes the scopes that start with the prefix exactly, except the one kept', async () => {
      const put = (scope: string, n: number) =>
        store.matchIndex.putMany(
          scope,
          'erp',
          Array.from({ length: n }, (_, i) => entry(`r${i}`, 0, `k${i}`)),
        );
      await put('m_1:old1', 3);
      await put('m_1:old2', 2);
      await put('m_1:new', 4);
      await store.matchIndex.putMany('m_1:old1', 'crm', [entry('c1', 0, 'k0')]);
      // Not the prefix `m_1:`: `_` is not a wildcard, case counts, `m_10:` is another mapping.
      await put('mx1:old', 1);
      await put('M_1:old', 1);
      await put('m_10:old', 1);

      expect(await store.matchIndex.prune('m_1:', 'm_1:new')).toBe(6);
      expect(await store.matchIndex.count('m_1:old1', 'erp')).toBe(0);
      expect(await store.matchIndex.count('m_1:old1', 'crm')).toBe(0);
      expect(await store.matchIndex.count('m_1:old2', 'erp')).toBe(0);
      expect(await store.matchIndex.count('m_1:new', 'erp')).toBe(4);
      for (const scope of ['mx1:old', 'M_1:old', 'm_10:old']) {
        expect(await store.matchIndex.count(scope, 'erp')).toBe(1);
      }
      expect(await store.matchIndex.prune('m_1:', 'm_1:new')).toBe(0);
      await expect(store.matchIndex.prune('', 'm_1:new')).rejects.toMatchObject({ code: ErrorCode.Validation });
    });

    it('rolls back with the transaction around it', async () => {
      await store.matchIndex.putMany(S, 'erp', [entry('1', 0, 'a')]);
      const boom = new Error('page failed');
      await expect(
        store.transaction(async (tx) => {
          await tx.matchIndex.putMany(S, 'erp', [entry('1', 0, 'b'), entry('2', 0, 'a')]);
          await tx.matchIndex.removeRecords(S, 'erp', ['1']);
          expect(asObject(await tx.matchIndex.lookup(S, 'erp', 0, ['a', 'b']))).toEqual({ a: ['2'] });
          expect(await tx.matchIndex.prune('contacts-partners:', 'none')).toBe(1);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(asObject(await store.matchIndex.lookup(S, 'erp', 0, ['a', 'b']))).toEqual({ a: ['1'] });
      await store.transaction((tx) => tx.matchIndex.putMany(S, 'erp', [entry('2', 0, 'b')]));
      expect(asObject(await store.matchIndex.lookup(S, 'erp', 0, ['a', 'b']))).toEqual({ a: ['1'], b: ['2'] });
    });

    it('takes a page and a lookup past either database’s bound-parameter limit', async () => {
      // 20,000 entries of 5 columns: 100,000 values, above PostgreSQL's 65,535 per statement.
      await store.matchIndex.putMany(
        S,
        'erp',
        Array.from({ length: 20_000 }, (_, i) => entry(`r${i}`, 0, `k${i % 10_000}`)),
      );
      expect(await store.matchIndex.count(S, 'erp')).toBe(20_000);
      const keys = Array.from({ length: 70_000 }, (_, i) => `miss${i}`);
      keys.splice(0, 0, 'k0');
      keys.splice(35_000, 0, 'k5000');
      keys.push('k9999');
      expect(asObject(await store.matchIndex.lookup(S, 'erp', 0, keys))).toEqual({
        k0: ['r0', 'r10000'],
        k5000: ['r15000', 'r5000'],
        k9999: ['r19999', 'r9999'],
      });
      // Null keys past the limit too: half the records lose their key.
      await store.matchIndex.putMany(
        S,
        'erp',
        Array.from({ length: 10_000 }, (_, i) => entry(`r${2 * i}`, 0, null)),
      );
      expect(await store.matchIndex.count(S, 'erp')).toBe(10_000);
      await store.matchIndex.removeRecords(
        S,
        'erp',
        Array.from({ length: 20_000 }, (_, i) => `r${i}`),
      );
      expect(await store.matchIndex.count(S, 'erp')).toBe(0);
    });

    it('indexes 200,000 entries in pages of 5,000 quickly, and again unchanged', async () => {
      const page = (p: number): MatchIndexEntry[] =>
        Array.from({ length: 5_000 }, (_, k) => {
          const i = p * 5_000 + k;
          return entry(`r${i}`, i % 2, `k${i % 150_000}@example.test`);
        });
      const timed = async (): Promise<number> => {
        const started = performance.now();
        for (let p = 0; p < 40; p++) await store.matchIndex.putMany(S, 'erp', page(p));
        return performance.now() - started;
      };
      const first = await timed();
      const again = await timed();
      process.stderr.write(
        `${backend.name}: putMany of 200,000 entries in pages of 5,000: ${Math.round(first)} ms new, ` +
          `${Math.round(again)} ms unchanged\n`,
      );
      // Here: about 1.2 s (SQLite) and 3 s (PostgreSQL) new, 0.7 s and 1.8 s unchanged.
      expect(first).toBeLessThan(20_000);
      expect(again).toBeLessThan(20_000);
      expect(await store.matchIndex.count(S, 'erp')).toBe(200_000);
      expect(asObject(await store.matchIndex.lookup(S, 'erp', 0, ['k0@example.test', 'k1@example.test']))).toEqual({
        'k0@example.test': ['r0', 'r150000'],
      });
      expect(asObject(await store.matchIndex.lookup(S, 'erp', 1, ['k0@example.test', 'k1@example.test']))).toEqual({
        'k1@example.test': ['r1', 'r150001'],
      });
    }, 120_000);

    it('migration 0006 adds the three tables to a store at 0005, keeping what it held', async () => {
      await db.migrateTo('0005-run-plans');
      const raw = await db.raw();
      try {
        await raw.exec(
          'insert into runs (id, mapping_id, trigger, status, started_at, counts, timings) ' +
            "values ('run1', 'm1', 'poll', 'done', '2026-01-01T00:00:00.000Z', '{}', '{}')",
        );
      } finally {
        await raw.close();
      }
      const migrated = await db.open();
      expect(await migrated.runs.get('run1')).toMatchObject({ mappingId: 'm1', status: 'done' });
      await migrated.matchIndex.putMany(S, 'crm', [entry('1', 0, 'a')]);
      await migrated.matches.upsertOpen({
        mappingId: 'm1',
        side: 'crm',
        recordId: '1',
        kind: 'waiting',
        reason: 'no partner',
        candidates: [],
      });
      await migrated.holds.hold({ mappingId: 'm1', mappingVersion: 'v1', runId: 'run1', reason: 'guard', counts: {} });
      expect(await migrated.matchIndex.count(S, 'crm')).toBe(1);
      expect(await migrated.matches.pendingRecordIds('m1', 'crm')).toEqual(['1']);
      expect(await migrated.holds.get('m1')).toMatchObject({ runId: 'run1' });
    });
  });
}
