/**
 * `frontback problems [mapping]`: the fields left out of a write per record, as a table
 * with counts per field and reason (and as JSON), from the store as a pass left it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../../src/store/sql/create-store.ts';
import { runFrontback } from '../../support/cli.ts';

let dir: string;
let storePath: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'frontback-problems-'));
  storePath = join(dir, 'store.db');
  const store = await createStore({ url: storePath });
  const lookup = 'lookup companies-partners (crm id -> erp id): nothing found for 5';
  await store.problems.record('contacts-partners', 'crm', 'run-1', [
    { recordId: '12', open: [{ target: 'erp', field: 'country', reason: 'not a country: "Narnia"' }], written: {} },
    { recordId: '13', open: [{ target: 'erp', field: 'associatedcompanyid', reason: lookup }], written: {} },
    { recordId: '14', open: [{ target: 'erp', field: 'associatedcompanyid', reason: lookup }], written: {} },
  ]);
  await store.problems.record('deals-orders', 'crm', 'run-2', [
    { recordId: '7', open: [{ target: 'erp', field: 'amount', reason: 'not a number: "lots"' }], written: {} },
  ]);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('frontback problems', () => {
  it("lists a mapping's problems per record, with counts per field and reason", async () => {
    const run = await runFrontback(['problems', 'contacts-partners'], { FRONTBACK_STORE_URL: storePath });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3).map((l) => l.replace(/^\S+ {2}/, '').replace(/ {2}\(first .*$/, ''))).toEqual([
      'contacts-partners  crm 12 -> erp  country: not a country: "Narnia"',
      'contacts-partners  crm 13 -> erp  associatedcompanyid: lookup companies-partners (crm id -> erp id): nothing found for 5',
      'contacts-partners  crm 14 -> erp  associatedcompanyid: lookup companies-partners (crm id -> erp id): nothing found for 5',
    ]);
    expect(lines.slice(3)).toEqual([
      'by field and reason:',
      '  2  contacts-partners  associatedcompanyid  lookup companies-partners (crm id -> erp id): nothing found for 5',
      '  1  contacts-partners  country              not a country: "Narnia"',
      '3 open problems (mapping contacts-partners)',
    ]);
    const json = await runFrontback(['problems', '--field', 'amount', '--json'], { FRONTBACK_STORE_URL: storePath });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      problems: [{ mappingId: 'deals-orders', recordId: '7', field: 'amount', runId: 'run-2' }],
      counts: [{ mappingId: 'deals-orders', field: 'amount', count: 1 }],
    });
  }, 90_000);
});
