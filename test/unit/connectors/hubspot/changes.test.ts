import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toTimestamp, type ChangePage, type Cursor } from '../../../../src/connector/index.ts';
import { listBySearch } from '../../../../connectors/hubspot/changes.ts';
import type { SearchRequest } from '../../../../connectors/hubspot/client.ts';
import type { SearchPage } from '../../../../connectors/hubspot/schemas.ts';

interface Row {
  id: number;
  ms: number;
}

/**
 * A small model of HubSpot search: filters on the modified date and hs_object_id, one
 * sort, offset paging, and a result cap past which paging is refused. Ties in the
 * modified-date sort come back in a scrambled (not id) order, as HubSpot does not
 * promise any.
 */
function modelSearch(rows: Row[], cap: number, calls: SearchRequest[]) {
  return (body: SearchRequest): Promise<SearchPage> => {
    calls.push(body);
    const offset = body.after === undefined ? 0 : Number(body.after);
    if (offset >= cap) return Promise.reject(new Error(`paging past ${cap} results`));
    const filters = body.filterGroups[0]?.filters ?? [];
    const match = rows.filter((r) =>
      filters.every((f) => {
        const value = f.propertyName === 'hs_object_id' ? r.id : r.ms;
        const target = Number(f.value);
        switch (f.operator) {
          case 'EQ':
            return value === target;
          case 'GT':
            return value > target;
          case 'GTE':
            return value >= target;
          case 'LT':
            return value < target;
          default:
            throw new Error(`model does not know ${f.operator}`);
        }
      }),
    );
    const byId = body.sorts[0]?.propertyName === 'hs_object_id';
    const scramble = (id: number): number => (id * 2654435761) % 4294967296;
    match.sort((a, b) => (byId ? a.id - b.id : a.ms - b.ms || scramble(a.id) - scramble(b.id)));
    const results = match.slice(offset, Math.min(offset + body.limit, cap)).map((r) => ({
      id: String(r.id),
      properties: { hs_object_id: String(r.id), lastmodifieddate: new Date(r.ms).toISOString() },
    }));
    const next = offset + body.limit;
    return Promise.resolve({
      total: match.length,
      results,
      ...(next < match.length ? { paging: { next: { after: String(next) } } } : {}),
    });
  };
}

async function collect(
  rows: Row[],
  since: Cursor | null,
  opts: { pageSize: number; cap: number; calls?: SearchRequest[]; until?: string },
): Promise<ChangePage[]> {
  const pages: ChangePage[] = [];
  for await (const page of listBySearch(since, {
    search: modelSearch(rows, opts.cap, opts.calls ?? []),
    decode: (r) => ({
      id: r.id,
      object: 'contacts',
      modifiedAt: toTimestamp(r.properties.lastmodifieddate as string),
      fields: {},
    }),
    modifiedProperty: 'lastmodifieddate',
    properties: ['email'],
    pageSize: opts.pageSize,
    cap: opts.cap,
    ...(opts.until === undefined ? {} : { until: opts.until }),
  }))
    pages.push(page);
  return pages;
}

const key = (r: Row): Cursor => ({ timestamp: new Date(r.ms).toISOString(), id: String(r.id) });
const cmp = (a: Row, b: Row): number => a.ms - b.ms || a.id - b.id;

const rowsArb = fc
  .array(fc.integer({ min: 0, max: 12 }), { minLength: 0, maxLength: 120 })
  .map((times) => times.map((t, i) => ({ id: i + 1, ms: Date.UTC(2024, 0, 1) + t * 1000 })));

describe('listBySearch against a model of HubSpot search', () => {
  it('emits every record exactly once, in (timestamp, id) order, with heavy ties and a tiny cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsArb,
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 8, max: 30 }),
        async (rows, pageSize, cap) => {
          const pages = await collect(rows, null, { pageSize, cap });
          const ids = pages.flatMap((p) => p.records.map((r) => Number(r.id)));
          expect(ids).toEqual([...rows].sort(cmp).map((r) => r.id));
          for (const page of pages) {
            const last = page.records.at(-1);
            expect(page.cursor).toEqual({ timestamp: last?.modifiedAt, id: last?.id });
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('resumed from any page cursor, skips nothing and repeats nothing', async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, fc.integer({ min: 1, max: 6 }), fc.nat(), async (rows, pageSize, pick) => {
        const pages = await collect(rows, null, { pageSize, cap: 20 });
        if (pages.length === 0) return;
        const cut = pages[pick % pages.length] as ChangePage;
        const rest = await collect(rows, cut.cursor, { pageSize, cap: 20 });
        const expected = [...rows].sort(cmp).filter((r) => {
          const k = key(r);
          return (
            Date.parse(k.timestamp) > Date.parse(cut.cursor.timestamp) ||
            (k.timestamp === cut.cursor.timestamp && r.id > Number(cut.cursor.id))
          );
        });
        expect(rest.flatMap((p) => p.records.map((r) => Number(r.id)))).toEqual(expected.map((r) => r.id));
      }),
      { numRuns: 150 },
    );
  });

  it('lists 20,000 records where 12,000 share one timestamp in about 100 requests, never paging past 10,000', async () => {
    const t0 = Date.UTC(2024, 0, 1);
    const rows: Row[] = [];
    for (let i = 1; i <= 20_000; i++)
      rows.push({
        id: i,
        ms: i > 4_000 && i <= 16_000 ? t0 + 5_000_000 : i <= 4_000 ? t0 + i * 1000 : t0 + 6_000_000 + i,
      });
    const calls: SearchRequest[] = [];
    const pages = await collect(rows, null, { pageSize: 200, cap: 10_000, calls });
    const ids = pages.flatMap((p) => p.records.map((r) => Number(r.id)));
    expect(ids).toHaveLength(20_000);
    expect(new Set(ids).size).toBe(20_000);
    expect(calls.length).toBeLessThanOrEqual(110);
    expect(calls.every((c) => Number(c.after ?? 0) < 10_000)).toBe(true);
    expect(calls.some((c) => c.sorts[0]?.propertyName === 'hs_object_id')).toBe(true);
  });

  it('starts at a (timestamp, "") cursor inclusively and stops before `until`', async () => {
    const t = (s: number): number => Date.UTC(2024, 0, 1) + s * 1000;
    const rows = [
      { id: 1, ms: t(1) },
      { id: 2, ms: t(2) },
      { id: 3, ms: t(2) },
      { id: 4, ms: t(3) },
      { id: 5, ms: t(4) },
    ];
    const pages = await collect(
      rows,
      { timestamp: new Date(t(2)).toISOString(), id: '' },
      { pageSize: 2, cap: 100, until: new Date(t(4)).toISOString() },
    );
    expect(pages.flatMap((p) => p.records.map((r) => r.id))).toEqual(['2', '3', '4']);
  });

  it('sends the documented search body: GT filter, ascending sort, id and modified properties', async () => {
    const calls: SearchRequest[] = [];
    await collect(
      [{ id: 1, ms: Date.UTC(2024, 0, 1, 0, 0, 5) }],
      { timestamp: '2024-01-01T00:00:00.000Z', id: '9' },
      { pageSize: 50, cap: 100, calls },
    );
    expect(calls[0]).toEqual({
      filterGroups: [
        {
          filters: [
            { propertyName: 'lastmodifieddate', operator: 'EQ', value: '1704067200000' },
            { propertyName: 'hs_object_id', operator: 'GT', value: '9' },
          ],
        },
      ],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
      properties: ['email', 'lastmodifieddate', 'hs_object_id'],
      limit: 50,
    });
    expect(calls[1]).toEqual({
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GT', value: '1704067200000' }] }],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      properties: ['email', 'lastmodifieddate', 'hs_object_id'],
      limit: 50,
    });
  });
});
