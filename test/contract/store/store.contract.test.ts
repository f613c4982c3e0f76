/**
 * One Store contract, run over SQLite and PostgreSQL: links, snapshot
 * compare-and-set, inbox dedupe, cursors across reopen, conflicts, dead letters,
 * runs, and transactions that commit all or nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, VersionConflictError } from '../../../src/errors.ts';
import type { Store } from '../../../src/store/store.ts';
import { backends, type TestDb } from './backends.ts';

const all = await backends();

for (const backend of all) {
  describe.skipIf(!backend.available)(`Store contract on ${backend.name}`, () => {
    let db: TestDb;
    let store: Store;

    beforeEach(async () => {
      db = await backend.fresh();
      store = await db.open();
    });
    afterEach(async () => {
      await db.dispose();
    });

    it('reports its kind and answers ping', async () => {
      expect(store.kind).toBe(backend.name);
      expect(await store.ping()).toBe(true);
    });

    it('probeWrite writes and leaves nothing behind (what /readyz asks)', async () => {
      await store.probeWrite();
      await store.probeWrite();
      const raw = await db.raw();
      try {
        const [row] = await raw.query('select count(*) as n from leases');
        expect(Number(row?.n)).toBe(0);
      } finally {
        await raw.close();
      }
    });

    describe('links', () => {
      it('finds a link by either side, per mapping', async () => {
        const link = await store.links.create({ mappingId: 'm1', crmId: 'c1', erpId: 'e1' });
        expect(await store.links.findBySide('m1', 'crm', 'c1')).toEqual(link);
        expect(await store.links.findBySide('m1', 'erp', 'e1')).toEqual(link);
        expect(await store.links.findBySide('m2', 'crm', 'c1')).toBeUndefined();
        expect(await store.links.get(link.id)).toEqual(link);
        // The same records may be linked by another mapping.
        await store.links.create({ mappingId: 'm2', crmId: 'c1', erpId: 'e1' });
        expect((await store.links.list('m1')).map((l) => l.id)).toEqual([link.id]);
      });

      it.each([
        ['the same CRM record', { crmId: 'c1', erpId: 'e2' }],
        ['the same ERP record', { crmId: 'c2', erpId: 'e1' }],
      ])('refuses a second link of %s with a version conflict', async (_label, ids) => {
        await store.links.create({ mappingId: 'm1', crmId: 'c1', erpId: 'e1' });
        await expect(store.links.create({ mappingId: 'm1', ...ids })).rejects.toBeInstanceOf(VersionConflictError);
        expect(await store.links.list('m1')).toHaveLength(1);
      });

      it('lets exactly one of two racing writers create the same link', async () => {
        const other = await db.open();
        const results = await Promise.allSettled([
          store.links.create({ mappingId: 'm1', crmId: 'c1', erpId: 'e1' }),
          other.links.create({ mappingId: 'm1', crmId: 'c1', erpId: 'e1' }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const lost = results.find((r) => r.status === 'rejected');
        expect((lost as PromiseRejectedResult).reason).toMatchObject({ code: ErrorCode.VersionConflict });
      });

      it('deletes a link with its snapshot', async () => {
        const link = await store.links.create({ mappingId: 'm1', crmId: 'c1', erpId: 'e1' });
        await store.snapshots.compareAndSet(link.id, 0, { crm: { a: 1 }, erp: { a: 1 } });
        expect(await store.links.delete(link.id)).toBe(true);
        expect(await store.snapshots.get(link.id)).toBeUndefined();
        expect(await store.links.delete(link.id)).toBe(false);
      });
    });

    describe('snapshots (compare-and-set)', () => {
      it('writes version 1 from 0, then advances only from the current version', async () => {
        const link = await store.links.create({ mappingId: 'm1', crmId: 'c1', erpId: 'e1' });
        expect(await store.snapshots.get(link.id)).toBeUndefined();
        expect(await store.snapshots.compareAndSet(link.id, 0, { crm: { email: 'a@x' }, erp: { email: 'a@x' } })).toBe(
          1,
        );
        expect(await store.snapshots.compareAndSet(link.id, 1, { crm: { email: 'b@x' }, erp: { email: 'b@x' } })).toBe(
          2,
        );
        await expect(store.snapshots.compareAndSet(link.id, 1, { crm: {}, erp: {} })).rejects.toBeInstanceOf(
          VersionConflictError,
        );
        await expect(store.snapshots.compareAndSet(link.id, 0, { crm: {}, erp: {} })).rejects.toBeInstanceOf(
          VersionConflictError,
        );
        expect(await store.snapshots.get(link.id)).toMatchObject({
          version: 2,
          crm: { email: 'b@x' },
          erp: { email: 'b@x' },
        });
      });

      it.each([0, 1])('lets exactly one of two writers on version %i win; the other is told', async (start) => {
        const link = await store.links.create({ mappingId: 'm1', crmId: 'c1', erpId: 'e1' });
        if (start === 1) await store.snapshots.compareAndSet(link.id, 0, { crm: { n: 0 }, erp: { n: 0 } });
        const other = await db.open();
        const results = await Promise.allSettled([
          store.snapshots.compareAndSet(link.id, start, { crm: { n: 'A' }, erp: { n: 'A' } }),
          other.snapshots.compareAndSet(link.id, start, { crm: { n: 'B' }, erp: { n: 'B' } }),
        ]);
        const won = results.findIndex((r) => r.status === 'fulfilled');
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect((results[1 - won] as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
        const snap = await store.snapshots.get(link.id);
        expect(snap?.version).toBe(start + 1);
        expect(snap?.crm.n).toBe(won === 0 ? 'A' : 'B');
      });
    });

    describe('inbox', () => {
      it('stores a delivery once per (source, delivery key)', async () => {
        const first = await store.inbox.accept({ source: 'hubspot', deliveryKey: 'k1', payload: { objectId: 1 } });
        const again = await store.inbox.accept({ source: 'hubspot', deliveryKey: 'k1', payload: { objectId: 1 } });
        const otherSource = await store.inbox.accept({ source: 'odoo', deliveryKey: 'k1', payload: {} });
        expect(first.duplicate).toBe(false);
        expect(again).toEqual({ id: first.id, duplicate: true });
        expect(otherSource.duplicate).toBe(false);
        expect(await store.inbox.listOpen()).toHaveLength(2);
        expect(await store.inbox.get(first.id)).toMatchObject({
          status: 'pending',
          attempts: 0,
          payload: { objectId: 1 },
        });
      });

      it('dedupes concurrent deliveries of one key from two stores', async () => {
        const other = await db.open();
        const results = await Promise.all([
          store.inbox.accept({ source: 'hubspot', deliveryKey: 'k', payload: 1 }),
          other.inbox.accept({ source: 'hubspot', deliveryKey: 'k', payload: 1 }),
        ]);
        expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
        expect(results[0]?.id).toBe(results[1]?.id);
      });

      it('lists rows that are not done, and tracks attempts and errors', async () => {
        const a = await store.inbox.accept({ source: 's', deliveryKey: 'a', payload: null });
        const b = await store.inbox.accept({ source: 's', deliveryKey: 'b', payload: null });
        const c = await store.inbox.accept({ source: 's', deliveryKey: 'c', payload: null });
        await store.inbox.markProcessing(a.id);
        await store.inbox.markProcessing(a.id);
        await store.inbox.markDone(b.id);
        await store.inbox.markFailed(c.id, 'target said no');
        expect((await store.inbox.listOpen()).map((i) => i.id)).toEqual([a.id]);
        expect(await store.inbox.get(a.id)).toMatchObject({ status: 'processing', attempts: 2 });
        expect(await store.inbox.get(c.id)).toMatchObject({ status: 'failed', lastError: 'target said no' });
        expect((await store.inbox.listOpen({ statuses: ['failed'] })).map((i) => i.id)).toEqual([c.id]);
        expect(await store.inbox.countOpen()).toEqual({ processing: 1, failed: 1 });
        // A row whose pass stopped early goes back to pending, attempts kept.
        await store.inbox.release(a.id);
        expect(await store.inbox.get(a.id)).toMatchObject({ status: 'pending', attempts: 2 });
        expect((await store.inbox.listOpen({ statuses: ['pending'] })).map((i) => i.id)).toEqual([a.id]);
      });
    });

    it('keeps cursors across a reopen', async () => {
      await store.cursors.set('contacts:crm', {
        timestamp: '2025-01-01T00:00:00.000Z',
        id: '42',
        state: { page: 'p2' },
      });
      await store.cursors.set('contacts:erp', { timestamp: null, id: null });
      await store.close();
      store = await db.open();
      expect(await store.cursors.get('contacts:crm')).toMatchObject({
        timestamp: '2025-01-01T00:00:00.000Z',
        id: '42',
        state: { page: 'p2' },
      });
      await store.cursors.set('contacts:crm', { timestamp: '2025-01-02T00:00:00.000Z', id: '7' });
      expect(await store.cursors.get('contacts:crm')).toMatchObject({ id: '7', state: null });
      expect((await store.cursors.list('contacts:')).map((c) => c.key)).toEqual(['contacts:crm', 'contacts:erp']);
      expect(await store.cursors.delete('contacts:erp')).toBe(true);
      expect(await store.cursors.get('contacts:erp')).toBeUndefined();
    });

    it('parks and resolves conflicts once', async () => {
      const link = await store.links.create({ mappingId: 'm1', crmId: 'c1', erpId: 'e1' });
      const c = await store.conflicts.open({
        mappingId: 'm1',
        linkId: link.id,
        field: 'phone',
        crmValue: '+1',
        erpValue: '+2',
      });
      expect(await store.conflicts.list({ status: 'open' })).toEqual([c]);
      expect(await store.conflicts.countOpen()).toEqual({ m1: 1 });
      const resolved = await store.conflicts.resolve(c.id, { choice: 'erp' }, 'admin@example.com');
      expect(resolved).toMatchObject({
        status: 'resolved',
        resolution: { choice: 'erp' },
        resolvedBy: 'admin@example.com',
      });
      await expect(store.conflicts.resolve(c.id, { choice: 'crm' }, 'someone')).rejects.toBeInstanceOf(
        VersionConflictError,
      );
      await expect(store.conflicts.resolve('missing', { choice: 'crm' }, 'x')).rejects.toMatchObject({
        code: ErrorCode.Store,
      });
      expect(await store.conflicts.list({ status: 'open' })).toEqual([]);
      expect(await store.conflicts.countOpen()).toEqual({});
    });

    it('lists conflicts of one field, paged after an id', async () => {
      const link = await store.links.create({ mappingId: 'm1', crmId: 'c1', erpId: 'e1' });
      const open = async (field: string) =>
        store.conflicts.open({ mappingId: 'm1', linkId: link.id, field, crmValue: 'a', erpValue: 'b' });
      // Listed by time opened, then id (conflicts opened in the same millisecond come by id).
      const phones = [await open('phone'), await open('phone'), await open('phone')].sort(
        (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
      );
      await open('city');
      expect((await store.conflicts.list({ field: 'phone' })).map((c) => c.id)).toEqual(phones.map((c) => c.id));
      const first = await store.conflicts.list({ field: 'phone', limit: 2 });
      expect(first.map((c) => c.id)).toEqual(phones.slice(0, 2).map((c) => c.id));
      const rest = await store.conflicts.list({ field: 'phone', afterId: first[1]!.id });
      expect(rest.map((c) => c.id)).toEqual([phones[2]!.id]);
      await expect(store.conflicts.list({ afterId: 'missing' })).rejects.toMatchObject({
        code: ErrorCode.Validation,
      });
    });

    it('keeps dead letters with the target message and attempts', async () => {
      const d = await store.deadLetters.add({
        mappingId: 'm1',
        connection: 'odoo',
        side: 'crm',
        recordId: 'c9',
        payload: { name: 'x' },
        message: 'ValidationError: vat is invalid',
        attempts: 3,
      });
      await store.deadLetters.recordAttempt(d.id, 'ValidationError: still invalid');
      expect(await store.deadLetters.get(d.id)).toMatchObject({
        attempts: 4,
        message: 'ValidationError: still invalid',
        status: 'open',
      });
      await store.deadLetters.setStatus(d.id, 'replayed');
      expect(await store.deadLetters.list({ status: 'open' })).toEqual([]);
      expect(await store.deadLetters.list({ mappingId: 'm1' })).toHaveLength(1);
      // By source record (what a pass asks for its page): only those, none for an empty list.
      await store.deadLetters.add({
        mappingId: 'm1',
        connection: 'odoo',
        side: 'crm',
        recordId: 'c10',
        payload: {},
        message: 'm',
        attempts: 1,
      });
      await store.deadLetters.add({
        mappingId: 'm1',
        connection: 'odoo',
        side: 'crm',
        recordId: 'c11',
        payload: {},
        message: 'm',
        attempts: 1,
      });
      expect(
        (await store.deadLetters.list({ mappingId: 'm1', status: 'open', recordIds: ['c9', 'c10', 'c12'] })).map(
          (x) => x.recordId,
        ),
      ).toEqual(['c10']);
      expect(await store.deadLetters.list({ recordIds: [] })).toEqual([]);
      expect(await store.deadLetters.countOpen()).toEqual({ m1: 2 });
    });

    it('leases: one holder at a time, renewed by it, taken over once expired, given up', async () => {
      const t0 = Date.parse('2026-01-01T00:00:00.000Z');
      const at = async (ms: number) => db.open({ clock: () => new Date(t0 + ms) });
      const early = await at(0);
      expect(await early.leases.acquire('scheduler', 'a', 1_000)).toBe(true);
      expect(await early.leases.acquire('scheduler', 'b', 1_000)).toBe(false);
      expect(await early.leases.acquire('scheduler', 'a', 5_000)).toBe(true);
      expect(await early.leases.get('scheduler')).toEqual({
        name: 'scheduler',
        holder: 'a',
        expiresAt: '2026-01-01T00:00:05.000Z',
      });
      // Before it runs out, b waits; after, b takes it and a cannot renew.
      expect(await (await at(4_999)).leases.acquire('scheduler', 'b', 1_000)).toBe(false);
      const late = await at(5_001);
      expect(await late.leases.acquire('scheduler', 'b', 1_000)).toBe(true);
      expect(await late.leases.acquire('scheduler', 'a', 1_000)).toBe(false);
      await late.leases.release('scheduler', 'a');
      expect((await late.leases.get('scheduler'))?.holder).toBe('b');
      await late.leases.release('scheduler', 'b');
      expect(await late.leases.get('scheduler')).toBeUndefined();
      // Many asking at once: exactly one gets it.
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.leases.acquire('pass:m:crm', `w${i}`, 60_000)),
      );
      expect(answers.filter(Boolean)).toHaveLength(1);
    });

    it('records runs with counts and timings', async () => {
      const run = await store.runs.start('m1', 'poll');
      expect(run.status).toBe('running');
      const done = await store.runs.finish(run.id, {
        status: 'succeeded',
        counts: { read: 3, applied: 1 },
        timings: { read: 12 },
      });
      expect(done).toMatchObject({
        status: 'succeeded',
        counts: { read: 3, applied: 1 },
        timings: { read: 12 },
        error: null,
      });
      expect(done.finishedAt).not.toBeNull();
      expect((await store.runs.list({ mappingId: 'm1' })).map((r) => r.id)).toEqual([run.id]);
    });

    it("records a running run's counts and progress, which a finished run keeps and a late page leaves alone", async () => {
      const run = await store.runs.start('m1', 'pass:crm');
      expect(run.progress).toBeNull();
      await store.runs.progress(run.id, { read: 200, applied: 150 }, { streams: [{ stream: 'changes', pages: 2 }] });
      expect(await store.runs.get(run.id)).toMatchObject({
        status: 'running',
        counts: { read: 200, applied: 150 },
        progress: { streams: [{ stream: 'changes', pages: 2 }] },
      });
      expect((await store.runs.list({ mappingId: 'm1' }))[0]?.progress).toEqual({
        streams: [{ stream: 'changes', pages: 2 }],
      });
      await store.runs.finish(run.id, { status: 'succeeded', counts: { read: 300, applied: 250 }, timings: {} });
      await store.runs.progress(run.id, { read: 1 }, { streams: [] });
      expect(await store.runs.get(run.id)).toMatchObject({
        status: 'succeeded',
        counts: { read: 300, applied: 250 },
        progress: { streams: [{ stream: 'changes', pages: 2 }] },
      });
    });

    it('records a queued run, which exactly one claim makes running', async () => {
      const queued = await store.runs.queue('m1', 'run-now:crm');
      expect(await store.runs.get(queued.id)).toMatchObject({ status: 'queued', trigger: 'run-now:crm' });
      expect((await store.runs.list({ status: 'queued' })).map((r) => r.id)).toEqual([queued.id]);
      // Two deliveries of its job at once: one takes it.
      const claims = await Promise.all([store.runs.claim(queued.id), store.runs.claim(queued.id)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.runs.get(queued.id)).toMatchObject({ status: 'running' });
      expect(await store.runs.list({ status: 'queued' })).toEqual([]);
      await store.runs.finish(queued.id, { status: 'succeeded', counts: {}, timings: {} });
      expect(await store.runs.claim(queued.id)).toBe(false);
      expect(await store.runs.claim('no-such-run')).toBe(false);
    });

    describe('transactions', () => {
      it('commits links, snapshots, audit entries, dead letters and the cursor together', async () => {
        await store.transaction(async (tx) => {
          const link = await tx.links.create({ mappingId: 'm1', crmId: 'c1', erpId: 'e1' });
          await tx.snapshots.compareAndSet(link.id, 0, { crm: { a: 1 }, erp: { a: 1 } });
          await tx.audit.append({ action: 'applied', actor: 'poll', mappingId: 'm1', crmId: 'c1', erpId: 'e1' });
          await tx.deadLetters.add({
            mappingId: 'm1',
            connection: 'odoo',
            side: 'crm',
            recordId: 'c2',
            payload: {},
            message: 'no',
            attempts: 1,
          });
          await tx.cursors.set('m1:crm', { timestamp: '2025-01-01T00:00:00.000Z', id: 'c2' });
        });
        expect(await store.links.findBySide('m1', 'crm', 'c1')).toBeDefined();
        expect(await store.audit.count()).toBe(1);
        expect(await store.deadLetters.list()).toHaveLength(1);
        expect(await store.cursors.get('m1:crm')).toBeDefined();
      });

      it('leaves nothing behind when the work throws, and rethrows the error', async () => {
        const boom = new Error('push failed');
        await expect(
          store.transaction(async (tx) => {
            const link = await tx.links.create({ mappingId: 'm1', crmId: 'c1', erpId: 'e1' });
            await tx.snapshots.compareAndSet(link.id, 0, { crm: { a: 1 }, erp: { a: 1 } });
            await tx.audit.appendMany([
              { action: 'applied', actor: 'poll' },
              { action: 'applied', actor: 'poll' },
            ]);
            await tx.inbox.accept({ source: 's', deliveryKey: 'k', payload: 1 });
            await tx.cursors.set('m1:crm', { timestamp: '2025-01-01T00:00:00.000Z', id: 'c1' });
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await store.links.list('m1')).toEqual([]);
        expect(await store.audit.count()).toBe(0);
        expect(await store.audit.head()).toBeNull();
        expect(await store.inbox.listOpen()).toEqual([]);
        expect(await store.cursors.get('m1:crm')).toBeUndefined();
        // The chain continues from genesis: nothing of the rolled-back entries remains.
        expect((await store.audit.append({ action: 'admin', actor: 'admin' })).seq).toBe(1);
        expect((await store.audit.verify()).ok).toBe(true);
      });

      it('rolls back everything when a compare-and-set inside it loses', async () => {
        const link = await store.links.create({ mappingId: 'm1', crmId: 'c1', erpId: 'e1' });
        await store.snapshots.compareAndSet(link.id, 0, { crm: { a: 1 }, erp: { a: 1 } });
        await expect(
          store.transaction(async (tx) => {
            await tx.audit.append({ action: 'applied', actor: 'webhook' });
            await tx.snapshots.compareAndSet(link.id, 0, { crm: { a: 2 }, erp: { a: 2 } });
          }),
        ).rejects.toBeInstanceOf(VersionConflictError);
        expect(await store.audit.count()).toBe(0);
      });
    });
  });
}
