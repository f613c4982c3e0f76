/**
 * Held mappings, over SQLite and PostgreSQL: one hold per mapping, replaced by the next,
 * accepted once by a person, listed while unaccepted, cleared, and rolled back with the
 * transaction.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.ts';
import type { HoldInput, Store } from '../../../src/store/store.ts';
import { backends, type TestDb, tickingClock } from './backends.ts';

const all = await backends();

const input = (mappingId: string, over: Partial<HoldInput> = {}): HoldInput => ({
  mappingId,
  mappingVersion: 'sha256:aaa',
  runId: 'run-1',
  reason: 'would create 1204 partners in odoo; the guard allows 50',
  counts: { create: 1204, allowed: 50, link: 3, byRule: { email: 2, phone: 1 } },
  ...over,
});

for (const backend of all) {
  describe.skipIf(!backend.available)(`Holds on ${backend.name}`, () => {
    let db: TestDb;
    let store: Store;

    beforeEach(async () => {
      db = await backend.fresh();
      store = await db.open({ clock: tickingClock() });
    });
    afterEach(async () => {
      await db.dispose();
    });

    it('holds a mapping and answers the hold, as stored', async () => {
      expect(await store.holds.get('contacts-partners')).toBeUndefined();
      const hold = await store.holds.hold(input('contacts-partners'));
      expect(hold).toEqual({
        ...input('contacts-partners'),
        heldAt: '2026-01-01T00:00:01.000Z',
        acceptedAt: null,
        acceptedBy: null,
      });
      expect(await store.holds.get('contacts-partners')).toEqual(hold);
      expect(await store.holds.get('companies-partners')).toBeUndefined();
    });

    it('is accepted once: acceptedAt and acceptedBy set, then CONFLICT; NOT_FOUND without a hold', async () => {
      await store.holds.hold(input('contacts-partners'));
      const accepted = await store.holds.accept('contacts-partners', 'ann@example.test');
      expect(accepted).toMatchObject({ acceptedBy: 'ann@example.test', runId: 'run-1' });
      expect(accepted.acceptedAt! > accepted.heldAt).toBe(true);
      expect(await store.holds.get('contacts-partners')).toEqual(accepted);

      await expect(store.holds.accept('contacts-partners', 'bob')).rejects.toMatchObject({
        code: ErrorCode.Conflict,
        details: { acceptedBy: 'ann@example.test' },
      });
      expect(await store.holds.get('contacts-partners')).toEqual(accepted);
      await expect(store.holds.accept('companies-partners', 'bob')).rejects.toMatchObject({ code: ErrorCode.NotFound });
    });

    it('lists unaccepted holds oldest first', async () => {
      await store.holds.hold(input('b-mapping'));
      await store.holds.hold(input('a-mapping'));
      await store.holds.hold(input('c-mapping'));
      expect((await store.holds.listHeld()).map((h) => h.mappingId)).toEqual(['b-mapping', 'a-mapping', 'c-mapping']);
      await store.holds.accept('a-mapping', 'ann');
      expect((await store.holds.listHeld()).map((h) => h.mappingId)).toEqual(['b-mapping', 'c-mapping']);
      await store.holds.clear('b-mapping');
      expect((await store.holds.listHeld()).map((h) => h.mappingId)).toEqual(['c-mapping']);
    });

    it('replaces an accepted or older hold of the mapping with a new, unaccepted one', async () => {
      const first = await store.holds.hold(input('contacts-partners'));
      await store.holds.accept('contacts-partners', 'ann');
      const next = await store.holds.hold(
        input('contacts-partners', {
          mappingVersion: 'sha256:bbb',
          runId: 'run-2',
          reason: 'again',
          counts: { create: 99 },
        }),
      );
      expect(next).toMatchObject({
        mappingVersion: 'sha256:bbb',
        runId: 'run-2',
        reason: 'again',
        counts: { create: 99 },
        acceptedAt: null,
        acceptedBy: null,
      });
      expect(next.heldAt > first.heldAt).toBe(true);
      expect(await store.holds.get('contacts-partners')).toEqual(next);
      expect(await store.holds.listHeld()).toEqual([next]);
      // An unaccepted hold is replaced too (a later run of the same mapping).
      const third = await store.holds.hold(input('contacts-partners', { runId: 'run-3' }));
      expect(await store.holds.listHeld()).toEqual([third]);
      expect((await store.holds.accept('contacts-partners', 'bob')).runId).toBe('run-3');
    });

    it('clears a hold, accepted or not; clearing none is a no-op', async () => {
      await store.holds.hold(input('contacts-partners'));
      await store.holds.accept('contacts-partners', 'ann');
      await store.holds.clear('contacts-partners');
      expect(await store.holds.get('contacts-partners')).toBeUndefined();
      await store.holds.clear('contacts-partners');
      await store.holds.hold(input('companies-partners'));
      await store.holds.clear('companies-partners');
      expect(await store.holds.listHeld()).toEqual([]);
      await expect(store.holds.accept('contacts-partners', 'ann')).rejects.toMatchObject({ code: ErrorCode.NotFound });
    });

    it('rolls back with the transaction around it', async () => {
      const kept = await store.holds.hold(input('contacts-partners'));
      const boom = new Error('pass failed');
      await expect(
        store.transaction(async (tx) => {
          await tx.holds.accept('contacts-partners', 'ann');
          await tx.holds.hold(input('companies-partners'));
          await tx.holds.clear('contacts-partners');
          expect((await tx.holds.listHeld()).map((h) => h.mappingId)).toEqual(['companies-partners']);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await store.holds.listHeld()).toEqual([kept]);
      await store.transaction((tx) => tx.holds.accept('contacts-partners', 'ann'));
      expect((await store.holds.get('contacts-partners'))?.acceptedBy).toBe('ann');
    });
  });
}
