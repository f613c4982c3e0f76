/**
 * Dead letters keyed by (mapping, side, record), over SQLite and PostgreSQL: a CRM
 * record and an ERP record with the same id stay apart, and migration 0004 gives rows
 * written before it their side from the payload.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetterInput, Store } from '../../../src/store/store.ts';
import { backends, type TestDb } from './backends.ts';

const all = await backends();

const letter = (over: Partial<DeadLetterInput>): DeadLetterInput => ({
  mappingId: 'contacts-partners',
  connection: 'odoo',
  side: 'crm',
  recordId: '31',
  payload: {},
  message: 'refused',
  attempts: 1,
  ...over,
});

/** An INSERT of the dead_letters table as it was before migration 0004 (no side). */
function oldRow(id: string, payload: string): string {
  const at = `'2025-01-01T00:00:0${id}.000Z'`;
  const columns = 'id, mapping_id, connection, record_id, payload, message, attempts, status, created_at, updated_at';
  const values = `'${id}', 'm1', 'odoo', 'r${id}', '${payload}', 'refused', 1, 'open', ${at}, ${at}`;
  return `insert into dead_letters (${columns}) values (${values})`;
}

for (const backend of all) {
  describe.skipIf(!backend.available)(`Dead letters by side on ${backend.name}`, () => {
    let db: TestDb;

    beforeEach(async () => {
      db = await backend.fresh();
    });
    afterEach(async () => {
      await db.dispose();
    });

    it('keeps HubSpot contact 31 and Odoo partner 31 apart', async () => {
      const store: Store = await db.open();
      const crm = await store.deadLetters.add(letter({ side: 'crm', connection: 'odoo' }));
      const erp = await store.deadLetters.add(letter({ side: 'erp', connection: 'hubspot' }));
      await store.deadLetters.add(letter({ mappingId: 'companies-partners', side: 'crm' }));
      expect(crm.side).toBe('crm');
      expect(await store.deadLetters.get(erp.id)).toMatchObject({ side: 'erp', recordId: '31' });

      const mine = (side: 'crm' | 'erp') =>
        store.deadLetters.list({ status: 'open', mappingId: 'contacts-partners', side, recordIds: ['31'] });
      expect((await mine('crm')).map((d) => d.id)).toEqual([crm.id]);
      expect((await mine('erp')).map((d) => d.id)).toEqual([erp.id]);
      // Settling the ERP record's letter leaves the CRM record's open.
      await store.deadLetters.setStatus(erp.id, 'replayed');
      expect((await mine('crm')).map((d) => d.id)).toEqual([crm.id]);
      expect(await mine('erp')).toEqual([]);
      expect((await store.deadLetters.list({ side: 'crm' })).map((d) => d.mappingId).sort()).toEqual([
        'companies-partners',
        'contacts-partners',
      ]);
    });

    it('migration 0004 fills the side of existing rows from payload.from, else crm', async () => {
      await db.migrateTo('0003-leases');
      const raw = await db.raw();
      try {
        await raw.exec(oldRow('1', '{"op":"update","from":"erp","sourceId":"r1"}'));
        await raw.exec(oldRow('2', '{"op":"create","from":"crm"}'));
        await raw.exec(oldRow('3', '{"op":"create"}'));
        await raw.exec(oldRow('4', '{"from":"both"}'));
        await raw.exec(oldRow('5', '["erp"]'));
        await raw.exec(oldRow('6', 'not json'));
        await raw.exec(oldRow('7', '"erp"'));
      } finally {
        await raw.close();
      }

      await db.open();
      const check = await db.raw();
      try {
        const rows = await check.query('select id, side from dead_letters order by id');
        expect(rows.map((r) => [r.id, r.side])).toEqual([
          ['1', 'erp'],
          ['2', 'crm'],
          ['3', 'crm'],
          ['4', 'crm'],
          ['5', 'crm'],
          ['6', 'crm'],
          ['7', 'crm'],
        ]);
        // NOT NULL now, and the indexes survived (SQLite rebuilds the table).
        await expect(check.exec(oldRow('8', '{}'))).rejects.toThrow(/null/i);
        const indexes =
          backend.name === 'sqlite'
            ? "select name from sqlite_master where type = 'index' and tbl_name = 'dead_letters' and sql is not null"
            : "select indexname as name from pg_indexes where tablename = 'dead_letters' " +
              'and schemaname = current_schema()';
        const names = (await check.query(indexes)).map((r) => String(r.name)).filter((n) => !n.endsWith('_pkey'));
        expect(names.sort()).toEqual(['dead_letters_record_side', 'dead_letters_status']);
      } finally {
        await check.close();
      }
    });
  });
}
