import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCursors, isAfterCursor, type Cursor } from '../../../../src/connector/index.ts';
import { cursorDomain } from '../../../../connectors/odoo/changes.ts';
import {
  decodeValue,
  encodeValue,
  loadCell,
  toOdooDatetime,
  type OdooField,
} from '../../../../connectors/odoo/values.ts';

const none = () => undefined;
const f = (type: string, relation?: string): OdooField => (relation === undefined ? { type } : { type, relation });

describe('decodeValue', () => {
  it.each<[string, OdooField, unknown, unknown]>([
    ['empty char', f('char'), false, null],
    ['char', f('char'), 'Acme', 'Acme'],
    ['boolean false stays false', f('boolean'), false, false],
    ['many2one pair', f('many2one', 'res.country'), [21, 'Belgium'], '21'],
    ['empty many2one', f('many2one', 'res.country'), false, null],
    ['many2many ids', f('many2many', 'res.partner.category'), [3, 4], ['3', '4']],
    ['datetime', f('datetime'), '2025-01-01 10:00:00', '2025-01-01T10:00:00.000Z'],
    ['empty date', f('date'), false, null],
    ['float', f('float'), 12.5, 12.5],
    ['selection', f('selection'), 'sale', 'sale'],
  ])('%s', (_label, field, raw, decoded) => {
    expect(decodeValue(field, raw)).toEqual(decoded);
  });
});

describe('encodeValue', () => {
  const lines = new Map([
    ['product_id', f('many2one', 'product.product')],
    ['product_uom_qty', f('float')],
  ]);
  it.each<[string, OdooField, unknown, unknown]>([
    ['null char', f('char'), null, false],
    ['reference id', f('many2one', 'res.country'), '21', 21],
    ['many2many replace', f('many2many', 'res.partner.category'), ['3', 4], [[6, 0, [3, 4]]]],
    ['many2many commands pass through', f('many2many', 'res.partner.category'), [[4, 3]], [[4, 3]]],
    ['datetime', f('datetime'), '2025-01-01T11:00:00+01:00', '2025-01-01 10:00:00'],
    ['date', f('date'), '2025-01-31T00:00:00.000Z', '2025-01-31'],
    ['integer', f('integer'), '12', 12],
    [
      'one2many lines: new, changed, removed, kept',
      f('one2many', 'sale.order.line'),
      [{ product_id: '7', product_uom_qty: 2 }, { id: '15', product_uom_qty: 3 }, { id: 16, _delete: true }, 17],
      [
        [0, 0, { product_id: 7, product_uom_qty: 2 }],
        [1, 15, { product_uom_qty: 3 }],
        [2, 16, 0],
        [4, 17, 0],
      ],
    ],
  ])('%s', (_label, field, value, encoded) => {
    expect(encodeValue('x', field, value, (m) => (m === 'sale.order.line' ? lines : undefined))).toEqual(encoded);
  });

  it('refuses a reference that is not an id, naming the field', () => {
    expect(() => encodeValue('country_id', f('many2one', 'res.country'), 'Belgium', none)).toThrow(
      /field "country_id": "Belgium" is not a record id/,
    );
  });
});

describe('loadCell', () => {
  it.each<[string, OdooField, unknown, { column: string; cell: string }]>([
    ['many2one by database id', f('many2one', 'res.country'), '21', { column: 'country_id/.id', cell: '21' }],
    ['empty many2one', f('many2one', 'res.country'), null, { column: 'country_id/.id', cell: '' }],
    ['many2many', f('many2many', 'res.partner.category'), ['1', '2'], { column: 'country_id/.id', cell: '1,2' }],
    ['boolean', f('boolean'), true, { column: 'country_id', cell: '1' }],
    ['number', f('float'), 1.5, { column: 'country_id', cell: '1.5' }],
    // Odoo's import reads an integer with int(), which refuses '3.7': truncated as write does.
    ['integer with a fraction', f('integer'), 3.7, { column: 'country_id', cell: '3' }],
    ['integer as text', f('integer'), ' 12 ', { column: 'country_id', cell: '12' }],
    ['integer that is no number', f('integer'), 'twelve', { column: 'country_id', cell: 'twelve' }],
    ['datetime', f('datetime'), '2025-01-01T10:00:00.000Z', { column: 'country_id', cell: '2025-01-01 10:00:00' }],
  ])('%s', (_label, field, value, expected) => {
    expect(loadCell('country_id', field, value)).toEqual(expected);
  });
});

/** Evaluates the connector's cursor domain on one row (the subset of Odoo's domain language it uses). */
function matches(domain: ReturnType<typeof cursorDomain>, row: { write_date: string; id: number }): boolean {
  const leaf = (l: readonly [string, string, unknown]): boolean => {
    const [field, op, value] = l;
    const v = field === 'id' ? row.id : row.write_date;
    if (op === '>') return v > (value as typeof v);
    if (op === '>=') return v >= (value as typeof v);
    if (op === '<') return v < (value as typeof v);
    return v === value;
  };
  let i = 0;
  const expr = (): boolean => {
    const t = domain[i++];
    if (t === '|') return [expr(), expr()].some(Boolean);
    if (t === '&') return [expr(), expr()].every(Boolean);
    return leaf(t as readonly [string, string, unknown]);
  };
  let all = true;
  while (i < domain.length) all = expr() && all;
  return all;
}

describe('cursorDomain', () => {
  it('selects exactly the rows strictly after the cursor (property, against compareCursors)', () => {
    const second = fc.integer({ min: 0, max: 5 });
    fc.assert(
      fc.property(
        second,
        fc.integer({ min: 0, max: 6 }),
        fc.boolean(),
        fc.array(fc.tuple(second, fc.integer({ min: 1, max: 6 })), { maxLength: 20 }),
        (s, id, emptyId, rows) => {
          const base = Date.UTC(2025, 0, 1);
          const cursor: Cursor = { timestamp: new Date(base + s * 1000).toISOString(), id: emptyId ? '' : String(id) };
          const domain = cursorDomain(cursor);
          for (const [rs, rid] of rows) {
            const position = { timestamp: new Date(base + rs * 1000).toISOString(), id: String(rid) };
            const expected = emptyId
              ? compareCursors(position, { ...cursor, id: '' }) >= 0
              : isAfterCursor(position, cursor);
            expect(matches(domain, { write_date: toOdooDatetime(position.timestamp), id: rid })).toBe(expected);
          }
        },
      ),
    );
  });

  it('adds an exclusive upper bound for `until`', () => {
    expect(cursorDomain(null, '2025-01-01T10:00:00.500Z')).toEqual([['write_date', '<', '2025-01-01 10:00:01']]);
  });
});
