/**
 * `audit tail` and `audit export` filtered by action, mapping and record, as a user types
 * them: only the matching entries, and a clear error (the option, the valid actions) for
 * what cannot be a filter.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditExport, auditTail } from '../../../src/cli/commands/audit.ts';
import { parseAuditFilter, type RawAuditFilter } from '../../../src/store/audit/filter.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import { runFrontback } from '../../support/cli.ts';

let dir: string;
let storePath: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'frontback-audit-filters-'));
  storePath = join(dir, 'store.db');
  const store = await createStore({ url: storePath });
  await store.audit.appendMany([
    { action: 'applied', actor: 'poll', mappingId: 'contacts-partners', crmId: '1', erpId: '7' },
    { action: 'failed', actor: 'poll', mappingId: 'contacts-partners', crmId: '2', erpId: null },
    { action: 'applied', actor: 'poll', mappingId: 'companies-partners', crmId: '5', erpId: '2' },
    { action: 'conflicted', actor: 'webhook', mappingId: 'contacts-partners', crmId: '1', erpId: '7' },
  ]);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const seqsOf = (text: string): string[] => [...text.matchAll(/^#(\d+) /gm)].map((m) => m[1] as string);

const collect = (): { out: Writable; text: () => string } => {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { out, text: () => text };
};
const filter = (raw: RawAuditFilter) => parseAuditFilter(raw, { action: '-a', mapping: '-m', record: '-r' });

describe('audit tail and export, filtered', () => {
  it('tail: by actions, mapping, record side and id', async () => {
    const store = await createStore({ url: storePath });
    const tail = async (raw: RawAuditFilter): Promise<string[]> => {
      const { out, text } = collect();
      await auditTail(store, out, { n: 20, follow: false, intervalMs: 10, filter: filter(raw) });
      return seqsOf(text());
    };
    try {
      expect(await tail({ action: 'failed,conflicted' })).toEqual(['2', '4']);
      expect(await tail({ mapping: 'companies-partners' })).toEqual(['3']);
      // erp:2 is record 2 of Odoo (entry 3), not HubSpot's contact 2 (entry 2); a bare id is either side's.
      expect(await tail({ record: 'erp:2' })).toEqual(['3']);
      expect(await tail({ record: '2' })).toEqual(['2', '3']);
      const { out, text } = collect();
      expect(
        await auditExport(store, out, '1970-01-01T00:00:00Z', 'jsonl', filter({ action: 'applied', record: 'crm:1' })),
      ).toBe(1);
      expect(
        text()
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { seq: number }).seq),
      ).toEqual([1]);
    } finally {
      await store.close();
    }
  });

  it('on the command line: the options filter; an unknown action is refused with the valid ones', async () => {
    const tail = await runFrontback([
      'audit',
      'tail',
      '--store',
      storePath,
      '--action',
      'applied,conflicted',
      '--mapping',
      'contacts-partners',
      '--record',
      'crm:1',
    ]);
    expect(tail.code, tail.stderr).toBe(0);
    expect(seqsOf(tail.stdout)).toEqual(['1', '4']);
    const action = await runFrontback([
      'audit',
      'export',
      '--store',
      storePath,
      '--since',
      '1h',
      '--action',
      'apllied',
    ]);
    expect(action.code).toBe(1);
    expect(action.stderr).toContain('--action: unknown action "apllied"; valid: applied, skipped, conflicted, failed');
  }, 60_000);
});
