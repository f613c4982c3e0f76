/**
 * Odoo writes in few calls per batch, against the sandbox: the calls are counted at the
 * client (model.method), the outcome read in the sandbox's own tables.
 * - updates of different values: one `load` with a `.id` column;
 * - one bad row in a batch update: the others written, that one failed with Odoo's message;
 * - creates keyed by a real field: one `search_read` of every key, then batched;
 * - plain creates: one `create` of a list; one refused record isolated; a lost answer not repeated;
 * - order lines: search + unlink + create for the whole batch, idempotent, a bad line
 *   failing its own order only.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WriteOp, WriteResult } from '../../../../src/connector/index.ts';
import { startRig, type OdooRig } from './support.ts';

let rig: OdooRig | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await rig?.close();
  rig = undefined;
});

/** Counts the calls the connector's client makes, as `model.method`. */
function countCalls(r: OdooRig): () => Record<string, number> {
  const seen: Record<string, number> = {};
  const call = r.connector.client.call.bind(r.connector.client);
  vi.spyOn(r.connector.client, 'call').mockImplementation((model, method, ...rest) => {
    const name = `${model}.${method}`;
    seen[name] = (seen[name] ?? 0) + 1;
    return call(model, method, ...rest);
  });
  return () => {
    const copy = { ...seen };
    for (const key of Object.keys(seen)) delete seen[key];
    return copy;
  };
}

const rows = (r: OdooRig, model: string) => [...r.sandbox.orm.db.table(model).values()];
const partner = (r: OdooRig, id: string) => r.sandbox.orm.db.get('res.partner', Number(id));
const idsOf = (results: readonly WriteResult[]): string[] => results.map((x) => (x.ok ? x.id : `failed ${x.ref}`));

/** `count` new people, one plain `create`. */
async function people(r: OdooRig, count: number, prefix = 'Person'): Promise<string[]> {
  const ops: WriteOp[] = Array.from({ length: count }, (_, i) => ({
    op: 'create',
    ref: `p${i}`,
    fields: { name: `${prefix} ${i}`, email: `${prefix.toLowerCase()}.${i}@batch.test` },
  }));
  const results = await r.connector.write('res.partner', ops);
  expect(results.every((x) => x.ok)).toBe(true);
  return idsOf(results);
}

describe('Odoo writes in batches (sandbox)', () => {
  it('updates 100 records with 100 different values in one load call', async () => {
    rig = await startRig('jsonrpc', { readBack: false }, 0);
    const ids = await people(rig, 100);
    const calls = countCalls(rig);
    const results = await rig.connector.write(
      'res.partner',
      ids.map((id, i) => ({
        op: 'update',
        ref: `u${i}`,
        id,
        fields: { email: `changed.${i}@batch.test`, function: i % 2 === 0 ? `Buyer ${i}` : null },
      })),
    );
    expect(results.filter((x) => !x.ok)).toEqual([]);
    expect(results.map((x) => x.ok && x.outcome)).toEqual(ids.map(() => 'updated'));
    expect(calls()).toEqual({ 'res.partner.load': 1 });
    expect(ids.map((id) => [partner(rig!, id)?.['email'], partner(rig!, id)?.['function']])).toEqual(
      ids.map((_, i) => [`changed.${i}@batch.test`, i % 2 === 0 ? `Buyer ${i}` : false]),
    );
  });

  it("writes the good rows of a batch update with one bad row, and fails that one with Odoo's message", async () => {
    rig = await startRig('json2', { readBack: false }, 0);
    const ids = await people(rig, 10);
    // An archived record is still updated (its .id is looked up with active_test off).
    await rig.connector.write('res.partner', [{ op: 'archive', ref: 'a', id: ids[3] as string }]);
    const belgium = rows(rig, 'res.country').find((c) => c['code'] === 'BE')?.id;
    const calls = countCalls(rig);
    const results = await rig.connector.write(
      'res.partner',
      ids.map((id, i) => ({
        op: 'update',
        ref: `u${i}`,
        id,
        fields: { email: `fixed.${i}@batch.test`, country_id: i === 6 ? '999999' : String(belgium) },
      })),
    );
    expect(results.filter((x) => !x.ok)).toEqual([
      {
        ref: 'u6',
        ok: false,
        error: {
          message: "No matching record found for database id '999999' in field 'Country'",
          vendorCode: 'odoo.load',
          retryable: false,
          fields: ['country_id'],
        },
      },
    ]);
    expect(results.filter((x) => x.ok)).toHaveLength(9);
    // Refused, the named row alone, the nine others together: three calls, not a halving.
    expect(calls()).toEqual({ 'res.partner.load': 3 });
    expect(ids.map((id) => partner(rig!, id)?.['email'])).toEqual(
      ids.map((_, i) => (i === 6 ? 'person.6@batch.test' : `fixed.${i}@batch.test`)),
    );
    expect(partner(rig, ids[3] as string)?.['active']).toBe(false);
  });

  it('creates keyed by a real field with one search of every key, updates the found ones and creates the others in batches', async () => {
    rig = await startRig('jsonrpc', { readBack: false }, 0);
    const ids = await people(rig, 4);
    const refs = ['K0', 'K1', 'K2', 'K2'];
    await rig.connector.write(
      'res.partner',
      ids.map((id, i) => ({ op: 'update', ref: `r${i}`, id, fields: { ref: refs[i] } })),
    );
    await rig.connector.write('res.partner', [{ op: 'archive', ref: 'a', id: ids[1] as string }]);
    const calls = countCalls(rig);
    const keyed = (ref: string, key: string, name: string): WriteOp => ({
      op: 'create',
      ref,
      idempotencyKey: { field: 'ref', value: key },
      fields: { name, email: `${ref}@keyed.test` },
    });
    const results = await rig.connector.write('res.partner', [
      keyed('found', 'K0', 'Found'),
      keyed('archived', 'K1', 'Archived Found'),
      keyed('twice', 'K2', 'Twice In Odoo'),
      keyed('new1', 'N1', 'New One'),
      keyed('new2', 'N2', 'New Two'),
    ]);
    const byRef = new Map(results.map((x) => [x.ref, x]));
    expect(byRef.get('found')).toEqual({ ref: 'found', ok: true, id: ids[0], outcome: 'updated' });
    expect(byRef.get('archived')).toEqual({ ref: 'archived', ok: true, id: ids[1], outcome: 'updated' });
    expect(byRef.get('twice')).toMatchObject({
      ok: false,
      error: { message: '2 res.partner records have ref = "K2"; the key is not unique', retryable: false },
    });
    expect(byRef.get('new1')).toMatchObject({ ok: true, outcome: 'created' });
    expect(byRef.get('new2')).toMatchObject({ ok: true, outcome: 'created' });
    expect(calls()).toEqual({ 'res.partner.search_read': 1, 'res.partner.load': 1, 'res.partner.create': 1 });
    expect(partner(rig, ids[0] as string)?.['name']).toBe('Found');
    expect(rows(rig, 'res.partner').filter((p) => p['ref'] === 'N1')).toHaveLength(1);

    // The same key twice in one batch: the second finds what the first created (no duplicate).
    const again = await rig.connector.write('res.partner', [
      keyed('first', 'N3', 'Three'),
      keyed('second', 'N3', 'Three Again'),
    ]);
    expect(again.map((x) => x.ok && x.outcome)).toEqual(['created', 'updated']);
    expect(
      rows(rig, 'res.partner')
        .filter((p) => p['ref'] === 'N3')
        .map((p) => p['name']),
    ).toEqual(['Three Again']);
  });

  it('creates without a key in one create call; a refused record is isolated with its message', async () => {
    rig = await startRig('json2', { readBack: false }, 0);
    const calls = countCalls(rig);
    const ids = await people(rig, 60);
    expect(calls()).toEqual({ 'res.partner.fields_get': 1, 'res.partner.create': 1 });
    expect(new Set(ids).size).toBe(60);
    const before = rows(rig, 'res.partner').length;
    const results = await rig.connector.write(
      'res.partner',
      Array.from({ length: 8 }, (_, i): WriteOp => ({
        op: 'create',
        ref: `c${i}`,
        fields: { name: i === 5 ? '' : `C ${i}` },
      })),
    );
    expect(results.filter((x) => !x.ok)).toEqual([
      {
        ref: 'c5',
        ok: false,
        error: expect.objectContaining({ message: 'Contacts require a name', retryable: false }),
      },
    ]);
    expect(rows(rig, 'res.partner').length - before).toBe(7);
  });

  it('does not repeat a batch create whose answer was lost (it could create twice)', async () => {
    rig = await startRig('jsonrpc', { readBack: false }, 0);
    const before = rows(rig, 'res.partner').length;
    await rig.control('/_sandbox/faults', { dropAfterCommit: 1 }, 'PUT');
    const write = rig.connector.write(
      'res.partner',
      Array.from({ length: 5 }, (_, i): WriteOp => ({ op: 'create', ref: `l${i}`, fields: { name: `Lost ${i}` } })),
    );
    await expect(write).rejects.toMatchObject({ retryable: true });
    expect(rig.sandbox.kit.faults.dropAfterCommit, 'the answer was dropped').toBe(0);
    // Committed once, never sent again.
    expect(rows(rig, 'res.partner').length - before).toBe(5);
  });

  it('writes the order lines of a batch in three calls, idempotently, and a bad line fails its own order only', async () => {
    rig = await startRig('jsonrpc', { readBack: false }, 0);
    const [customer] = await people(rig, 1, 'Customer');
    const order = (i: number, lines: Record<string, unknown>[]): WriteOp => ({
      op: 'create',
      ref: `o${i}`,
      idempotencyKey: { field: 'external_id', value: `orders_${i}` },
      fields: { partner_id: customer, client_order_ref: `PO-${i}`, order_line: lines },
    });
    const ops = Array.from({ length: 5 }, (_, i) =>
      order(i, [
        { name: `Line A of ${i}`, product_uom_qty: 1, price_unit: 10 },
        { name: `Line B of ${i}`, product_uom_qty: 2, price_unit: 5 },
      ]),
    );
    const linesOf = (id: string) =>
      rows(rig!, 'sale.order.line')
        .filter((l) => l['order_id'] === Number(id))
        .map((l) => l['name'])
        .sort();
    const calls = countCalls(rig);
    const first = await rig.connector.write('sale.order', ops);
    expect(first.map((x) => x.ok && x.outcome)).toEqual(ops.map(() => 'created'));
    const orderIds = idsOf(first);
    expect(calls()).toEqual({
      'sale.order.fields_get': 1,
      'sale.order.line.fields_get': 1,
      'ir.model.data.search_read': 1,
      'sale.order.load': 1,
      'sale.order.line.search': 1,
      'sale.order.line.create': 1,
    });
    // The same write again: the same lines, not twice as many.
    const second = await rig.connector.write('sale.order', ops);
    expect(idsOf(second)).toEqual(orderIds);
    expect(calls()).toEqual({
      'ir.model.data.search_read': 1,
      'sale.order.load': 1,
      'sale.order.line.search': 1,
      'sale.order.line.unlink': 1,
      'sale.order.line.create': 1,
    });
    expect(orderIds.map(linesOf)).toEqual(ops.map((_, i) => [`Line A of ${i}`, `Line B of ${i}`]));
    expect(rows(rig, 'sale.order.line')).toHaveLength(10);
    expect(rows(rig, 'sale.order').map((o) => o['amount_total'])).toEqual(ops.map(() => 20));

    // One order with a line naming a product that does not exist: the others get their new lines.
    const third = await rig.connector.write('sale.order', [
      ...ops.slice(0, 4).map((op, i) => order(i, [{ name: `New line of ${i}`, price_unit: 1 }])),
      order(4, [{ name: 'Bad line', product_id: 999999 }]),
    ]);
    expect(third.slice(0, 4).map((x) => x.ok && x.outcome)).toEqual(['updated', 'updated', 'updated', 'updated']);
    expect(third[4]).toMatchObject({
      ref: 'o4',
      ok: false,
      error: { message: expect.stringMatching(/^record \d+ written, its lines refused: .*Product/s), retryable: false },
    });
    expect(orderIds.slice(0, 4).map(linesOf)).toEqual([0, 1, 2, 3].map((i) => [`New line of ${i}`]));
  });
});
