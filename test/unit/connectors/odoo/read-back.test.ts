/**
 * Read-back after an Odoo write: created and updated records get the values Odoo holds
 * for the fields they were written with; archives, deletes and failures are left as
 * they are; relation lines are not read; a read-back that fails never turns a done
 * write into a failure.
 */
import { describe, expect, it } from 'vitest';
import type { SourceRecord, WriteOp, WriteResult } from '../../../../src/connector/index.ts';
import { withReadBack, type ReadIds } from '../../../../connectors/odoo/read-back.ts';
import type { OdooFields } from '../../../../connectors/odoo/values.ts';

const TYPES: OdooFields = new Map([
  ['name', { type: 'char' }],
  ['email', { type: 'char' }],
  ['country_id', { type: 'many2one', relation: 'res.country' }],
  ['order_line', { type: 'one2many', relation: 'sale.order.line' }],
]);

const OPS: WriteOp[] = [
  {
    op: 'create',
    ref: 'a',
    idempotencyKey: { field: 'external_id', value: 'k1' },
    fields: { external_id: 'k1', name: 'Acme ', order_line: [{ name: 'x' }] },
  },
  { op: 'update', ref: 'b', id: '8', fields: { email: 'B@x.test', country_id: '75' } },
  { op: 'archive', ref: 'c', id: '9' },
  { op: 'create', ref: 'd', fields: { name: '' } },
];
const RESULTS: WriteResult[] = [
  { ref: 'a', ok: true, id: '7', outcome: 'created' },
  { ref: 'b', ok: true, id: '8', outcome: 'updated' },
  { ref: 'c', ok: true, id: '9', outcome: 'archived' },
  { ref: 'd', ok: false, error: { message: 'name is required', retryable: false } },
];

const record = (id: string, fields: Record<string, unknown>): SourceRecord => ({
  id,
  object: 'res.partner',
  modifiedAt: '2026-01-01T00:00:00.000Z',
  fields,
});

describe('withReadBack', () => {
  it('fills each written record with what Odoo holds, in one read of the fields written', async () => {
    const calls: [readonly string[], readonly string[]][] = [];
    const read: ReadIds = (ids, fields) => {
      calls.push([ids, fields]);
      return Promise.resolve([
        record('7', { name: 'Acme', email: null }),
        record('8', { name: 'B', email: 'b@x.test', country_id: '75' }),
      ]);
    };
    const out = await withReadBack(RESULTS, OPS, TYPES, read);
    expect(calls).toEqual([
      [
        ['7', '8'],
        ['name', 'email', 'country_id'],
      ],
    ]);
    expect(out).toEqual([
      { ref: 'a', ok: true, id: '7', outcome: 'created', fields: { name: 'Acme' } },
      { ref: 'b', ok: true, id: '8', outcome: 'updated', fields: { email: 'b@x.test', country_id: '75' } },
      RESULTS[2],
      RESULTS[3],
    ]);
  });

  it('leaves the results as they are when the read-back fails, or a record is gone', async () => {
    expect(await withReadBack(RESULTS, OPS, TYPES, () => Promise.reject(new Error('timeout')))).toEqual(RESULTS);
    const partial = await withReadBack(RESULTS, OPS, TYPES, () =>
      Promise.resolve([record('8', { email: 'b@x.test', country_id: null })]),
    );
    expect(partial[0]).toEqual(RESULTS[0]);
    expect(partial[1]).toMatchObject({ fields: { email: 'b@x.test', country_id: null } });
  });

  it('reads nothing when nothing was created or updated', async () => {
    let called = false;
    const out = await withReadBack([RESULTS[2] as WriteResult, RESULTS[3] as WriteResult], OPS, TYPES, () => {
      called = true;
      return Promise.resolve([]);
    });
    expect(called).toBe(false);
    expect(out).toHaveLength(2);
  });
});
