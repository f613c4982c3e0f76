/**
 * Inbox retention over SQLite and PostgreSQL (`inbox.purgeDone`): done rows received before
 * the cut are removed, a batch at a time; recent done rows stay, and rows pending,
 * processing or failed stay however old they are.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxStatus, Store } from '../../../src/store/store.ts';
import { backends, type TestDb } from './backends.ts';

const all = await backends();

const OLD = Date.parse('2026-01-01T00:00:00.000Z');
const CUT = '2026-01-20T00:00:00.000Z';
const RECENT = Date.parse('2026-02-01T00:00:00.000Z');

for (const backend of all) {
  describe.skipIf(!backend.available)(`Inbox retention on ${backend.name}`, () => {
    let db: TestDb;
    let store: Store;
    // The store's clock: rows are received (and change status) at `now`, one second apart.
    let now = OLD;

    beforeEach(async () => {
      db = await backend.fresh();
      store = await db.open({ clock: () => new Date((now += 1000)) });
    });
    afterEach(async () => {
      await db.dispose();
    });

    async function rows(prefix: string, n: number, status: InboxStatus): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const { id } = await store.inbox.accept({ source: 'hubspot', deliveryKey: `${prefix}-${i}`, payload: { i } });
        if (status === 'processing' || status === 'done' || status === 'failed') await store.inbox.markProcessing(id);
        if (status === 'done') await store.inbox.markDone(id);
        if (status === 'failed') await store.inbox.markFailed(id, 'target said no');
        ids.push(id);
      }
      return ids;
    }

    const keys = async (): Promise<string[]> =>
      (await store.inbox.listOpen({ statuses: ['pending', 'processing', 'done', 'failed'], limit: 10_000 }))
        .map((r) => r.deliveryKey.replace(/-\d+$/, ''))
        .filter((k, i, a) => a.indexOf(k) === i)
        .sort();

    it('removes old done rows in batches of the limit; keeps recent done rows and not-done rows of any age', async () => {
      now = OLD;
      const oldDone = await rows('old-done', 7, 'done');
      await rows('old-pending', 2, 'pending');
      await rows('old-processing', 2, 'processing');
      await rows('old-failed', 2, 'failed');
      now = RECENT;
      await rows('recent-done', 3, 'done');
      await rows('recent-pending', 1, 'pending');

      expect(await store.inbox.purgeDone(CUT, 3)).toBe(3);
      expect(await store.inbox.purgeDone(CUT, 3)).toBe(3);
      expect(await store.inbox.purgeDone(CUT, 3)).toBe(1);
      expect(await store.inbox.purgeDone(CUT, 3)).toBe(0);

      for (const id of oldDone) expect(await store.inbox.get(id)).toBeUndefined();
      expect(await keys()).toEqual(['old-failed', 'old-pending', 'old-processing', 'recent-done', 'recent-pending']);
      expect(await store.inbox.countOpen()).toEqual({ pending: 3, processing: 2, failed: 2 });
    });

    it('a purged delivery key may be accepted again (a vendor re-sending it much later is a new delivery)', async () => {
      now = OLD;
      const [first] = await rows('k', 1, 'done');
      expect(await store.inbox.purgeDone(CUT, 500)).toBe(1);
      now = RECENT;
      const again = await store.inbox.accept({ source: 'hubspot', deliveryKey: 'k-0', payload: {} });
      expect(again.duplicate).toBe(false);
      expect(again.id).not.toBe(first);
    });

    it('refuses a limit that is not a positive integer, naming it', async () => {
      await expect(store.inbox.purgeDone(CUT, 0)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(/limit must be a positive integer, got 0/),
      });
    });
  });
}
