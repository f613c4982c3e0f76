/**
 * loadIsolating against a fake `load`: the rows Odoo's messages name are tried alone and the
 * rest loaded together; messages that name no row fall back to halving; a row named by
 * mistake is still written; every row gets exactly one result.
 */
import { describe, expect, it } from 'vitest';
import type { WriteOp } from '../../../../src/connector/index.ts';
import type { OdooClient } from '../../../../connectors/odoo/client.ts';
import type { LoadResult } from '../../../../connectors/odoo/schemas.ts';
import type { WriteContext } from '../../../../connectors/odoo/write-context.ts';
import { loadIsolating, type LoadRow } from '../../../../connectors/odoo/write-load.ts';

/** A fake `load`: rows whose cell is `bad` fail; `blame` says which index its messages name. */
function fake(blame: (rows: string[][], bad: number) => number | undefined): {
  ctx: WriteContext;
  calls: string[][];
} {
  const calls: string[][] = [];
  const load = (_model: string, _columns: readonly string[], rows: readonly (readonly string[])[]): LoadResult => {
    const cells = rows.map((r) => [...r]);
    calls.push(cells.map((r) => r[0] as string));
    const bad = cells.findIndex((r) => r[1] === 'bad');
    if (bad < 0) return { ids: cells.map((r) => Number(r[0])), messages: [] };
    const record = blame(cells, bad);
    return {
      ids: false,
      messages: [
        { type: 'error', message: `row ${cells[bad]?.[0]} is bad`, ...(record === undefined ? {} : { record }) },
      ],
    };
  };
  const client = { load: (...a: Parameters<typeof load>) => Promise.resolve(load(...a)) } as unknown as OdooClient;
  const ctx: WriteContext = {
    client,
    connection: 'erp',
    model: 'res.partner',
    fields: new Map(),
    fieldsOf: () => undefined,
    module: 'frontback',
    batchSize: 100,
  };
  return { ctx, calls };
}

const rows = (bad: readonly number[]): LoadRow[] =>
  Array.from({ length: 8 }, (_, i) => ({
    op: { op: 'update', ref: `r${i + 1}`, id: String(i + 1) } as WriteOp,
    cells: [String(i + 1), bad.includes(i + 1) ? 'bad' : 'good'],
  }));

const summary = (answers: Awaited<ReturnType<typeof loadIsolating>>): string[] =>
  answers
    .map((a) => ('ok' in a ? `${a.ref}: ${a.ok ? 'ok' : a.error.message}` : `r${a.id}: ${a.id}`))
    .sort((x, y) => x.localeCompare(y, 'en', { numeric: true }));

describe('loadIsolating', () => {
  it('loads the named rows alone and the others together: three calls for one bad row', async () => {
    const { ctx, calls } = fake((_rows, bad) => bad);
    const answers = await loadIsolating(ctx, ['.id', 'x'], rows([6]));
    expect(summary(answers)).toEqual([
      'r1: 1',
      'r2: 2',
      'r3: 3',
      'r4: 4',
      'r5: 5',
      'r6: row 6 is bad',
      'r7: 7',
      'r8: 8',
    ]);
    expect(calls).toEqual([['1', '2', '3', '4', '5', '6', '7', '8'], ['1', '2', '3', '4', '5', '7', '8'], ['6']]);
  });

  it('halves when the messages name no row', async () => {
    const { ctx, calls } = fake(() => undefined);
    const answers = await loadIsolating(ctx, ['.id', 'x'], rows([3]));
    expect(summary(answers)).toEqual([
      'r1: 1',
      'r2: 2',
      'r3: row 3 is bad',
      'r4: 4',
      'r5: 5',
      'r6: 6',
      'r7: 7',
      'r8: 8',
    ]);
    expect(calls.map((c) => c.join(','))).toEqual(['1,2,3,4,5,6,7,8', '1,2,3,4', '1,2', '3,4', '3', '4', '5,6,7,8']);
  });

  it('still writes a row the messages name by mistake, and fails only the bad one', async () => {
    // Odoo blaming the first row of every call, whatever is wrong.
    const { ctx, calls } = fake(() => 0);
    const answers = await loadIsolating(ctx, ['.id', 'x'], rows([4, 7]));
    expect(summary(answers)).toEqual([
      'r1: 1',
      'r2: 2',
      'r3: 3',
      'r4: row 4 is bad',
      'r5: 5',
      'r6: 6',
      'r7: row 7 is bad',
      'r8: 8',
    ]);
    expect(calls.length).toBeLessThanOrEqual(16);
  });
});
