/**
 * Records read for a console page: deduplicated, in batches of the connector's read size;
 * a system that does not answer gives a note instead of taking the page down.
 */
import { describe, expect, it } from 'vitest';
import type { Connector, SourceRecord } from '../../../../src/connector/index.ts';
import { ErrorCode, FrontbackError } from '../../../../src/errors.ts';
import { readForPage } from '../../../../src/server/console/pages/page-records.ts';

function connector(read: (ids: readonly string[]) => Promise<SourceRecord[]>): Connector {
  return {
    connection: 'odoo',
    limits: { maxBatchSize: { read: 2 } },
    read: async (_object: string, ids: readonly string[]) => read(ids),
  } as unknown as Connector;
}
const record = (id: string): SourceRecord => ({
  id,
  object: 'res.partner',
  modifiedAt: '2026-01-01T00:00:00.000Z',
  fields: {},
});

describe('readForPage', () => {
  it('reads each id once, in batches of the read size; missing records are absent', async () => {
    const calls: string[][] = [];
    const got = await readForPage(
      connector(async (ids) => {
        calls.push([...ids]);
        return ids.filter((id) => id !== '4').map(record);
      }),
      'res.partner',
      ['1', '2', '2', '3', '4', '5'],
    );
    expect(calls).toEqual([['1', '2'], ['3', '4'], ['5']]);
    expect([...got.byId.keys()]).toEqual(['1', '2', '3', '5']);
    expect(got.error).toBeUndefined();
    expect(
      (
        await readForPage(
          connector(async () => [record('x')]),
          'res.partner',
          [],
        )
      ).byId.size,
    ).toBe(0);
  });

  it('says why when the system does not answer, without its internals', async () => {
    const down = await readForPage(
      connector(async () => {
        throw new FrontbackError(ErrorCode.Connector, 'odoo answered 503 after 3 attempts');
      }),
      'res.partner',
      ['1'],
    );
    expect(down.error).toBe(
      'odoo could not be read (odoo answered 503 after 3 attempts): showing what the store keeps',
    );
    const odd = await readForPage(
      connector(async () => {
        throw new TypeError('cannot read properties of undefined');
      }),
      'res.partner',
      ['1'],
    );
    expect(odd.error).toBe('odoo could not be read (the system did not answer): showing what the store keeps');
  });
});
