/**
 * Audit listings filtered by action, mapping and record (`audit tail`/`export`, `GET
 * /admin/audit`) over SQLite and PostgreSQL, and the parsing of what a person typed, with
 * the errors that name the option and what it accepts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAuditFilter } from '../../../src/store/audit/filter.ts';
import type { AuditEntry, AuditEntryInput, AuditFilter, Store } from '../../../src/store/store.ts';
import { backends, type TestDb } from './backends.ts';

const all = await backends();
const NAMES = { action: '--action', mapping: '--mapping', record: '--record' };

/** Twelve entries over two mappings, four actions and a few records (crm c1..c3, erp e1..e3, an erp id "c1" too). */
function entries(): AuditEntryInput[] {
  const actions = ['applied', 'failed', 'conflicted', 'waiting'];
  return Array.from({ length: 12 }, (_, i) => ({
    mappingId: i % 2 === 0 ? 'contacts-partners' : 'companies-partners',
    crmId: `c${(i % 3) + 1}`,
    erpId: i === 11 ? 'c1' : `e${(i % 3) + 1}`,
    action: actions[i % 4] as string,
    actor: 'poll' as const,
  }));
}

/** The seqs of the inputs `keep` selects (seq = index + 1), the model the SQL is compared with. */
function expected(keep: (input: AuditEntryInput) => boolean): number[] {
  return entries().flatMap((e, i) => (keep(e) ? [i + 1] : []));
}
const seqs = (list: readonly AuditEntry[]): number[] => list.map((e) => e.seq);

const cases: { name: string; filter: AuditFilter; keep: (e: AuditEntryInput) => boolean }[] = [
  { name: 'one action', filter: { actions: ['failed'] }, keep: (e) => e.action === 'failed' },
  {
    name: 'two actions',
    filter: { actions: ['failed', 'conflicted'] },
    keep: (e) => e.action === 'failed' || e.action === 'conflicted',
  },
  { name: 'a mapping', filter: { mappingId: 'companies-partners' }, keep: (e) => e.mappingId === 'companies-partners' },
  { name: 'a crm record', filter: { record: { side: 'crm', id: 'c1' } }, keep: (e) => e.crmId === 'c1' },
  { name: 'an erp record', filter: { record: { side: 'erp', id: 'c1' } }, keep: (e) => e.erpId === 'c1' },
  { name: 'an id on either side', filter: { record: { id: 'c1' } }, keep: (e) => e.crmId === 'c1' || e.erpId === 'c1' },
  {
    name: 'all three at once',
    filter: { actions: ['applied', 'conflicted'], mappingId: 'contacts-partners', record: { id: 'c1' } },
    keep: (e) =>
      (e.action === 'applied' || e.action === 'conflicted') &&
      e.mappingId === 'contacts-partners' &&
      (e.crmId === 'c1' || e.erpId === 'c1'),
  },
  { name: 'nothing matching', filter: { mappingId: 'nope' }, keep: () => false },
];

for (const backend of all) {
  describe.skipIf(!backend.available)(`audit filters on ${backend.name}`, () => {
    let db: TestDb;
    let store: Store;
    beforeEach(async () => {
      db = await backend.fresh();
      store = await db.open();
      await store.audit.appendMany(entries());
    });
    afterEach(async () => {
      await db.dispose();
    });

    for (const c of cases) {
      it(`tail, after and since: ${c.name}`, async () => {
        const want = expected(c.keep);
        expect(seqs(await store.audit.tail(100, c.filter))).toEqual(want);
        expect(seqs(await store.audit.tail(2, c.filter))).toEqual(want.slice(-2));
        expect(seqs(await store.audit.after(3, 100, c.filter))).toEqual(want.filter((s) => s > 3));
        const streamed: AuditEntry[] = [];
        for await (const e of store.audit.since('1970-01-01T00:00:00.000Z', { pageSize: 2, filter: c.filter }))
          streamed.push(e);
        expect(seqs(streamed)).toEqual(want);
      });
    }

    it('by time: from (inclusive) and to (exclusive) over `at`, with the other conditions', async () => {
      let now = new Date('2099-01-01T00:00:00.000Z');
      const later = await db.open({ clock: () => now });
      for (const day of ['01', '02', '03']) {
        now = new Date(`2099-01-${day}T10:00:00.000Z`);
        await later.audit.append({
          mappingId: 'contacts-partners',
          crmId: `t${day}`,
          action: 'applied',
          actor: 'poll',
        });
      }
      const from = { from: '2099-01-02T10:00:00.000Z' };
      expect(seqs(await store.audit.tail(100, from))).toEqual([14, 15]);
      expect(seqs(await store.audit.tail(100, { to: '2099-01-02T10:00:00.000Z' }))).toEqual([
        ...expected(() => true),
        13,
      ]);
      expect(seqs(await store.audit.tail(100, { ...from, to: '2099-01-03T00:00:00.000Z' }))).toEqual([14]);
      expect(seqs(await store.audit.after(14, 100, from))).toEqual([15]);
      expect(seqs(await store.audit.tail(100, { from: '2099-01-01T00:00:00.000Z', record: { id: 't03' } }))).toEqual([
        15,
      ]);
    });

    it('no filter (or an empty one) lists everything', async () => {
      expect(seqs(await store.audit.tail(100, {}))).toEqual(expected(() => true));
      expect(seqs(await store.audit.tail(100))).toEqual(expected(() => true));
    });
  });
}

describe('parsing a typed filter', () => {
  it('takes comma-separated actions, a mapping and side:id or a bare id', () => {
    expect(parseAuditFilter({ action: 'applied, failed', mapping: 'm1', record: 'erp:42' }, NAMES)).toEqual({
      actions: ['applied', 'failed'],
      mappingId: 'm1',
      record: { side: 'erp', id: '42' },
    });
    expect(parseAuditFilter({ record: '42' }, NAMES)).toEqual({ record: { id: '42' } });
    expect(parseAuditFilter({ record: 'crm:a:b' }, NAMES)).toEqual({ record: { side: 'crm', id: 'a:b' } });
    expect(parseAuditFilter({ action: 'demo.read' }, NAMES)).toEqual({ actions: ['demo.read'] });
    expect(parseAuditFilter({}, NAMES)).toEqual({});
  });

  it('reads times as UTC in the stored form: a date alone is its midnight, a zone is honoured', () => {
    expect(parseAuditFilter({ from: '2026-12-03', to: '2026-12-03T18:30' }, NAMES)).toEqual({
      from: '2026-12-03T00:00:00.000Z',
      to: '2026-12-03T18:30:00.000Z',
    });
    expect(parseAuditFilter({ from: '2026-12-03T20:30:00+02:00' }, NAMES)).toEqual({
      from: '2026-12-03T18:30:00.000Z',
    });
    expect(() => parseAuditFilter({ to: 'yesterday' }, { ...NAMES, to: 'query.to' })).toThrow(
      /^query\.to "yesterday": not a time/,
    );
  });

  it.each([
    [{ action: 'aplied,failed' }, /^--action: unknown action "aplied"; valid: applied, skipped, conflicted, failed, /],
    [{ action: 'applied,' }, /^--action "applied,": an empty action name/],
    [{ mapping: ' ' }, /^--mapping: a mapping id is needed/],
    [{ record: 'hubspot:1' }, /^--record "hubspot:1": the side "hubspot" is neither crm nor erp/],
    [{ record: 'crm:' }, /^--record "crm:": a record id is needed/],
  ])('refuses %o with a clear error', (raw, message) => {
    expect(() => parseAuditFilter(raw, NAMES)).toThrow(message);
  });
});
