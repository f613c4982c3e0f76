/**
 * The audit log contract over SQLite and PostgreSQL: the chain, concurrent
 * appenders that never fork it, tampering reported at the right entry, and the
 * triggers that refuse UPDATE, DELETE, (PostgreSQL) TRUNCATE and a rewrite by insert.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditError, ErrorCode } from '../../../src/errors.ts';
import { GENESIS_HASH, hashCanonical } from '../../../src/store/audit/canonical.ts';
import { AUDIT_ROW_COLUMNS } from '../../../src/store/audit/stored-row.ts';
import { translateStoreError } from '../../../src/store/sql/errors.ts';
import type { AuditEntryInput, Store } from '../../../src/store/store.ts';
import { backends, type RawDb, type TestDb } from './backends.ts';

const all = await backends();

function entry(i: number): AuditEntryInput {
  return {
    runId: `run-${i % 3}`,
    jobId: `job-${i}`,
    mappingId: 'contacts-partners',
    mappingVersion: 'v1',
    crmId: `c${i}`,
    erpId: `e${i}`,
    action: i % 5 === 0 ? 'skipped' : 'applied',
    rule: 'newest',
    actor: 'poll',
    changes: { email: { before: `old${i}@x.test`, after: `new${i}@x.test` } },
  };
}

async function appendN(store: Store, n: number): Promise<void> {
  await store.audit.appendMany(Array.from({ length: n }, (_, i) => entry(i + 1)));
}

for (const backend of all) {
  describe.skipIf(!backend.available)(`audit log on ${backend.name}`, () => {
    let db: TestDb;
    let store: Store;
    let raw: RawDb | undefined;

    beforeEach(async () => {
      db = await backend.fresh();
      store = await db.open({ clock: () => new Date('2025-03-01T10:00:00.000Z') });
    });
    afterEach(async () => {
      await raw?.close();
      raw = undefined;
      await db.dispose();
    });

    async function rawDb(): Promise<RawDb> {
      raw ??= await db.raw();
      return raw;
    }

    it('chains entries from the genesis hash and reads them back', async () => {
      const first = await store.audit.append(entry(1));
      expect(first).toMatchObject({
        seq: 1,
        prevHash: GENESIS_HASH,
        action: 'applied',
        crmId: 'c1',
        at: '2025-03-01T10:00:00.000Z',
      });
      expect(first.hash).toBe(hashCanonical(first.canonical));
      expect(JSON.parse(first.canonical)).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, v: 1 });
      const more = await store.audit.appendMany([entry(2), entry(3)]);
      expect(more.map((e) => e.seq)).toEqual([2, 3]);
      expect(more[0]?.prevHash).toBe(first.hash);
      expect(more[1]?.prevHash).toBe(more[0]?.hash);
      expect(await store.audit.head()).toEqual({ seq: 3, hash: more[1]?.hash });
      expect(await store.audit.count()).toBe(3);
      expect(await store.audit.tail(2)).toEqual(more);
      expect((await store.audit.after(1, 10)).map((e) => e.seq)).toEqual([2, 3]);
      expect(await store.audit.verify()).toEqual({ ok: true, count: 3, head: { seq: 3, hash: more[1]?.hash } });
    });

    it('reads entries since a time, across pages', async () => {
      let now = new Date('2025-03-01T10:00:00.000Z');
      const timed = await db.open({ clock: () => now });
      await appendN(timed, 5);
      now = new Date('2025-03-02T10:00:00.000Z');
      await timed.audit.appendMany([entry(6), entry(7), entry(8)]);
      const seqs: number[] = [];
      for await (const e of timed.audit.since('2025-03-02T00:00:00.000Z', { pageSize: 2 })) seqs.push(e.seq);
      expect(seqs).toEqual([6, 7, 8]);
    });

    it('verifies an empty log as intact', async () => {
      expect(await store.audit.verify()).toEqual({ ok: true, count: 0, head: null });
    });

    it('refuses values JSON cannot carry, and appends nothing', async () => {
      await expect(
        store.audit.append({ action: 'applied', actor: 'poll', changes: { n: { before: 1, after: Number.NaN } } }),
      ).rejects.toBeInstanceOf(AuditError);
      expect(await store.audit.count()).toBe(0);
    });

    it(`keeps one unforked chain under concurrent appenders (${backend.name === 'postgres' ? '4 stores x 500' : '3 stores x 100'})`, async () => {
      const writers = backend.name === 'postgres' ? 4 : 3;
      const each = backend.name === 'postgres' ? 500 : 100;
      const stores = [store, ...(await Promise.all(Array.from({ length: writers - 1 }, () => db.open())))];
      await Promise.all(
        stores.map(async (s, w) => {
          for (let i = 0; i < each; i++) await s.audit.append(entry(w * each + i));
        }),
      );
      const result = await store.audit.verify({ pageSize: 333 });
      expect(result).toMatchObject({ ok: true, count: writers * each, head: { seq: writers * each } });
      const seqs: number[] = [];
      for await (const e of store.audit.since('1970-01-01T00:00:00.000Z')) seqs.push(e.seq);
      expect(seqs).toEqual(Array.from({ length: writers * each }, (_, i) => i + 1));
    });

    describe('tampering (triggers dropped through a raw connection)', () => {
      beforeEach(async () => {
        await appendN(store, 12);
        await (await rawDb()).exec(db.dropTriggersSql);
      });

      it.each([
        [
          'action',
          "update audit_log set action = 'skipped' where seq = 7",
          7,
          'column action differs from the hashed entry',
        ],
        [
          'crm id',
          "update audit_log set crm_id = 'c999' where seq = 4",
          4,
          'column crm_id differs from the hashed entry',
        ],
        ['time', "update audit_log set at = '2024-01-01T00:00:00.000Z' where seq = 12", 12, 'column at differs'],
        ['seq', 'update audit_log set seq = 100 where seq = 12', 12, 'gap: expected seq 12, found 100'],
        [
          'canonical text',
          "update audit_log set canonical = replace(canonical, 'new9@', 'evil@') where seq = 9",
          9,
          'hash mismatch',
        ],
        ['a deleted entry', 'delete from audit_log where seq = 5', 5, 'gap: expected seq 5, found 6'],
        ['the first entry deleted', 'delete from audit_log where seq = 1', 1, 'gap: expected seq 1, found 2'],
        [
          'two swapped entries',
          'update audit_log set seq = -3 where seq = 3; update audit_log set seq = 3 where seq = 4; update audit_log set seq = 4 where seq = -3',
          3,
          'column seq differs from the hashed entry',
        ],
        [
          'the canonical text made invalid',
          "update audit_log set canonical = 'not json', hash = '" + hashCanonical('not json') + "' where seq = 6",
          6,
          'canonical text is not JSON',
        ],
      ])('reports a changed %s at the right entry', async (_what, tamper, seq, reason) => {
        await (await rawDb()).exec(tamper);
        const result = await store.audit.verify({ pageSize: 5 });
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.firstBroken.seq).toBe(seq);
        expect(result.firstBroken.reason).toContain(reason);
        expect(result.count).toBe(seq - 1);
      });

      it('reports a rewritten entry with a recomputed hash at the next entry', async () => {
        const [victim] = await store.audit.after(7, 1);
        const forged = victim!.canonical.replace('new8@', 'evil@');
        const hash = hashCanonical(forged);
        await (await rawDb()).exec(`update audit_log set canonical = '${forged}', hash = '${hash}' where seq = 8`);
        const result = await store.audit.verify();
        expect(result).toEqual({
          ok: false,
          count: 8,
          firstBroken: { seq: 9, reason: 'prev_hash does not match entry 8' },
        });
      });
    });

    describe('triggers', () => {
      beforeEach(async () => {
        await appendN(store, 3);
      });

      const refused = [
        ['UPDATE', "update audit_log set action = 'x' where seq = 2"],
        ['DELETE', 'delete from audit_log where seq = 3'],
        ...(backend.name === 'postgres' ? [['TRUNCATE', 'truncate audit_log']] : []),
      ];
      it.each(refused)('refuse %s, and the error becomes AUDIT_IMMUTABLE', async (_op, statement) => {
        const error = await (await rawDb()).exec(statement as string).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(error).toBeDefined();
        const translated = translateStoreError(error);
        expect(translated).toBeInstanceOf(AuditError);
        expect(translated.code).toBe(ErrorCode.AuditImmutable);
        expect(await store.audit.verify()).toMatchObject({ ok: true, count: 3 });
      });

      // Every column, the canonical text forged: a rewrite the chain would catch only at the next entry.
      const columns = AUDIT_ROW_COLUMNS.join(', ');
      const forgedColumns = columns.replace('canonical', "replace(canonical, 'new2@', 'evil@')");
      const rewrites = [
        [
          'INSERT OR REPLACE ... SELECT of an existing seq',
          backend.name === 'sqlite'
            ? `insert or replace into audit_log (${columns}) select ${forgedColumns} from audit_log where seq = 2`
            : // PostgreSQL has no REPLACE; its upsert is the same move.
              `insert into audit_log (${columns}) select ${forgedColumns} from audit_log where seq = 2 ` +
              'on conflict (seq) do update set canonical = excluded.canonical',
        ],
        ...(backend.name === 'sqlite'
          ? [
              [
                'an upsert of an existing seq',
                `insert into audit_log (${columns}) select ${forgedColumns} from audit_log where seq = 2 on conflict (seq) do update set canonical = excluded.canonical`,
              ],
            ]
          : []),
        [
          'an insert behind the last entry',
          `insert into audit_log (${columns}) select 0, ${columns.replace('seq, ', '')} from audit_log where seq = 1`,
        ],
        [
          'a batch that appends and also goes behind',
          `insert into audit_log (${columns}) select case when seq = 1 then 0 else 4 end, ${columns.replace('seq, ', '')} from audit_log where seq in (1, 3)`,
        ],
      ];
      it.each(rewrites)('refuse %s, and the log still verifies', async (_what, statement) => {
        const error = await (await rawDb()).exec(statement as string).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(error).toBeDefined();
        expect(translateStoreError(error).code).toBe(ErrorCode.AuditImmutable);
        expect(await store.audit.count()).toBe(3);
        expect(await store.audit.verify()).toMatchObject({ ok: true, count: 3 });
        expect((await store.audit.after(1, 1))[0]?.canonical).toContain('new2@');
      });
    });
  });
}
