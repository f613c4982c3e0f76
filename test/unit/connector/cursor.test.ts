import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareCursors,
  compareIds,
  cursorSchema,
  isAfterCursor,
  maxCursor,
  rereadStart,
  toTimestamp,
  type Cursor,
} from '../../../src/connector/cursor.ts';

describe('toTimestamp', () => {
  it.each([
    ['2024-01-31 12:00:05', '2024-01-31T12:00:05.000Z'], // Odoo write_date, UTC
    ['2024-01-31T14:00:05+02:00', '2024-01-31T12:00:05.000Z'],
    ['2024-01-31T12:00:05.123456Z', '2024-01-31T12:00:05.123Z'],
    [1706702405000, '2024-01-31T12:00:05.000Z'], // HubSpot occurredAt ms
  ] as const)('%s -> %s', (input, expected) => {
    expect(toTimestamp(input)).toBe(expected);
  });

  it('refuses garbage', () => {
    expect(() => toTimestamp('false')).toThrow(RangeError);
  });
});

describe('compareIds', () => {
  it.each([
    ['9', '10', -1], // numeric, not lexicographic
    ['010', '10', 0],
    ['0015g00000XyZab', '0015g00000XyZac', -1],
    ['B', 'a', -1], // code units, not locale
    ['', '1', -1],
  ] as const)('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareIds(a, b))).toBe(sign);
  });
});

const cursorArb = fc.record({
  timestamp: fc.integer({ min: 0, max: 4_000_000_000_000 }).map((ms) => new Date(ms).toISOString()),
  id: fc.oneof(fc.nat({ max: 1_000_000 }).map(String), fc.string({ maxLength: 4 })),
});

describe('compareCursors', () => {
  it('is a total order consistent with (time, id) and antisymmetric', () => {
    fc.assert(
      fc.property(cursorArb, cursorArb, cursorArb, (a, b, c) => {
        expect(Math.sign(compareCursors(a, b))).toBe(-Math.sign(compareCursors(b, a)));
        if (compareCursors(a, b) <= 0 && compareCursors(b, c) <= 0) expect(compareCursors(a, c)).toBeLessThanOrEqual(0);
        const ta = Date.parse(a.timestamp);
        const tb = Date.parse(b.timestamp);
        if (ta !== tb) expect(Math.sign(compareCursors(a, b))).toBe(Math.sign(ta - tb));
      }),
    );
  });

  it('the empty id comes before every id of the same moment', () => {
    fc.assert(
      fc.property(cursorArb, (c) => {
        fc.pre(c.id !== '');
        expect(isAfterCursor(c, { timestamp: c.timestamp, id: '' })).toBe(true);
      }),
    );
  });
});

describe('rereadStart', () => {
  it('includes every record modified within the overlap window, and none earlier', () => {
    fc.assert(
      fc.property(cursorArb, fc.integer({ min: 1, max: 30 }), cursorArb, (committed, minutes, record) => {
        const start = rereadStart(committed, minutes * 60_000) as Cursor;
        const boundary = Date.parse(committed.timestamp) - minutes * 60_000;
        const t = Date.parse(record.timestamp);
        if (t >= boundary && record.id !== '') expect(isAfterCursor(record, start)).toBe(true);
        if (t < boundary) expect(isAfterCursor(record, start)).toBe(false);
      }),
    );
  });

  it('keeps null (first run) and rejects a negative overlap', () => {
    expect(rereadStart(null, 600_000)).toBeNull();
    expect(() => rereadStart({ timestamp: '2024-01-01T00:00:00.000Z', id: '1' }, -1)).toThrow(RangeError);
    expect(rereadStart({ timestamp: '2024-01-01T00:10:00.000Z', id: '7' }, 600_000)).toEqual({
      timestamp: '2024-01-01T00:00:00.000Z',
      id: '',
    });
  });
});

describe('maxCursor and cursorSchema', () => {
  it('picks the later cursor', () => {
    const a = { timestamp: '2024-01-01T00:00:00.000Z', id: '9' };
    const b = { timestamp: '2024-01-01T00:00:00.000Z', id: '10' };
    expect(maxCursor(a, b)).toBe(b);
    expect(maxCursor(null, a)).toBe(a);
  });

  it('accepts ISO UTC with ms and rejects other forms', () => {
    expect(cursorSchema.safeParse({ timestamp: '2024-01-01T00:00:00.000Z', id: '1' }).success).toBe(true);
    expect(cursorSchema.safeParse({ timestamp: '2024-01-01 00:00:00', id: '1' }).success).toBe(false);
  });
});
