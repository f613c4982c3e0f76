import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChangePage, Cursor, WriteOp } from '../../../../src/connector/index.ts';
import { collect, pages, startRig, T0, type OdooRig } from './support.ts';

let rig: OdooRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const iso = (ms: number): string => new Date(ms).toISOString();
const odooTime = (ms: number): string => iso(ms).slice(0, 19).replace('T', ' ');

async function lastCursor(r: OdooRig, model: string, since: Cursor | null = null): Promise<Cursor> {
  const all = await pages<ChangePage>(r.connector.listChanges(model, since, { fields: ['name'] }));
  const last = all[all.length - 1];
  if (last === undefined) throw new Error('nothing listed');
  return last.cursor;
}

describe.each(['jsonrpc', 'json2'] as const)('Odoo connector against the sandbox over %s', (transport) => {
  it("lists in (write_date, id) order across pages, and finds a record written later in the cursor's own second", async () => {
    rig = await startRig(transport, { overlapMinutes: 0 });
    const { connector, clock } = rig;
    clock.set(T0 + 60_000);
    const created = await connector.write(
      'res.partner',
      Array.from({ length: 7 }, (_, i): WriteOp => ({
        op: 'create',
        ref: `p${i}`,
        fields: { name: `Same second ${i}` },
      })),
    );
    expect(created.every((r) => r.ok)).toBe(true);
    const listed = await pages<ChangePage>(
      connector.listChanges('res.partner', { timestamp: iso(T0 + 1000), id: '' }, { pageSize: 3, fields: ['name'] }),
    );
    expect(listed.map((p) => p.records.length)).toEqual([3, 3, 1]);
    const records = listed.flatMap((p) => p.records);
    expect(records.map((r) => r.fields['name'])).toEqual(Array.from({ length: 7 }, (_, i) => `Same second ${i}`));
    const cursor = listed[listed.length - 1]?.cursor as Cursor;
    expect(cursor.timestamp).toBe(iso(T0 + 60_000));

    // Same second, later id: strictly after the cursor by id.
    const [late] = await connector.write('res.partner', [
      { op: 'create', ref: 'late', fields: { name: 'Same second, later' } },
    ]);
    const again = await collect(connector.listChanges('res.partner', cursor, { fields: ['name'] }));
    expect(again.map((r) => r.id)).toEqual([late?.ok ? late.id : 'missing']);
  });

  it('finds a row committed late with a write_date before the cursor, within the overlap window (and only thanks to it)', async () => {
    rig = await startRig(transport);
    const { connector, clock, control } = rig;
    clock.set(T0 + 3_600_000);
    await connector.write('res.partner', [{ op: 'create', ref: 'a', fields: { name: 'Visible first' } }]);
    const cursor = await lastCursor(rig, 'res.partner');
    expect(cursor.timestamp).toBe(iso(T0 + 3_600_000));
    // A long transaction that started 5 minutes earlier commits now.
    const late = (await control('/_sandbox/odoo/late-commit', {
      model: 'res.partner',
      values: { name: 'Long transaction' },
      writeDate: odooTime(T0 + 3_300_000),
    })) as { id: number };

    const withOverlap = await collect(connector.listChanges('res.partner', cursor, { fields: ['name'] }));
    expect(withOverlap.map((r) => r.id)).toContain(String(late.id));

    const strict = await startRig(transport, { overlapMinutes: 0 });
    try {
      strict.clock.set(T0 + 3_600_000);
      await strict.connector.write('res.partner', [{ op: 'create', ref: 'a', fields: { name: 'Visible first' } }]);
      const c = await lastCursor(strict, 'res.partner');
      const l = (await strict.control('/_sandbox/odoo/late-commit', {
        model: 'res.partner',
        values: { name: 'Long transaction' },
        writeDate: odooTime(T0 + 3_300_000),
      })) as { id: number };
      const missed = await collect(strict.connector.listChanges('res.partner', c, { fields: ['name'] }));
      expect(missed.map((r) => r.id)).not.toContain(String(l.id));
    } finally {
      await strict.close();
    }
  });

  it('reports a stock change (stock.quant) and a price change (product.template) as changes of the product', async () => {
    rig = await startRig(transport);
    const { connector, clock, control } = rig;
    const products = await collect(
      connector.listChanges('product.product', null, {
        fields: ['default_code', 'qty_available', 'lst_price', 'product_tmpl_id'],
      }),
    );
    expect(products.length).toBeGreaterThanOrEqual(3);
    const [first, second] = products;
    if (first === undefined || second === undefined) throw new Error('seed has products');
    clock.set(T0 + 3_600_000);
    const cursor = await lastCursor(rig, 'product.product');

    clock.set(T0 + 7_200_000);
    const stock = (await control('/_sandbox/odoo/stock', { productId: Number(first.id), quantity: 123 })) as {
      write_date: string;
    };
    expect(stock.write_date).toBe(odooTime(Date.parse(String(first.fields['write_date']))));
    clock.set(T0 + 7_260_000);
    await connector.write('product.template', [
      { op: 'update', ref: 'price', id: String(second.fields['product_tmpl_id']), fields: { list_price: 99.5 } },
    ]);

    const changed = await collect(
      connector.listChanges('product.product', cursor, { fields: ['default_code', 'qty_available', 'lst_price'] }),
    );
    const byId = new Map(changed.map((r) => [r.id, r]));
    expect(byId.get(first.id)?.fields['qty_available']).toBe(123);
    expect(byId.get(first.id)?.modifiedAt).toBe(iso(T0 + 7_200_000));
    expect(byId.get(second.id)?.fields['lst_price']).toBe(99.5);
    expect(byId.get(second.id)?.modifiedAt).toBe(iso(T0 + 7_260_000));
    // The product rows themselves did not change.
    expect(byId.get(first.id)?.fields['write_date']).toBe(first.fields['write_date']);
    expect(changed.map((r) => r.modifiedAt)).toEqual([...changed.map((r) => r.modifiedAt)].sort());
    // Resuming from the page cursor after the stock change reports only the later price change.
    const strict = await startRig(transport, { overlapMinutes: 0 });
    try {
      strict.clock.set(T0 + 7_200_000);
      await strict.control('/_sandbox/odoo/stock', { productId: Number(first.id), quantity: 5 });
      strict.clock.set(T0 + 7_260_000);
      await strict.connector.write('product.template', [
        { op: 'update', ref: 'price', id: String(second.fields['product_tmpl_id']), fields: { list_price: 12 } },
      ]);
      const resumed = await collect(
        strict.connector.listChanges(
          'product.product',
          { timestamp: iso(T0 + 7_200_000), id: first.id },
          { fields: ['lst_price'] },
        ),
      );
      expect(resumed.map((r) => r.id)).toEqual([second.id]);
    } finally {
      await strict.close();
    }
  });

  it('leaves one record when the same create is retried after a dropped response', async () => {
    rig = await startRig(transport);
    const { connector, control } = rig;
    await control('/_sandbox/faults', { dropAfterCommit: 1 }, 'PUT');
    const op: WriteOp = {
      op: 'create',
      ref: 'once',
      idempotencyKey: { field: 'external_id', value: 'contacts-partners_4242' },
      fields: { name: 'Dropped Response GmbH', email: 'drop@example.test' },
    };
    const [result] = await connector.write('res.partner', [op]);
    expect(result?.ok).toBe(true);
    expect(rig.sandbox.kit.faults.dropAfterCommit, 'the response was dropped once').toBe(0);
    const found = await connector.find('res.partner', {
      field: 'email',
      values: ['drop@example.test'],
      fields: ['name'],
    });
    expect(found).toHaveLength(1);
    expect(found[0]?.id).toBe(result?.ok ? result.id : '');
    // The engine running the job again changes nothing either.
    const [again] = await connector.write('res.partner', [
      { ...op, fields: { name: 'Dropped Response GmbH', email: 'drop@example.test' } },
    ]);
    expect(again).toMatchObject({ ok: true, id: found[0]?.id, outcome: 'updated' });
    expect(await connector.find('res.partner', { field: 'email', values: ['drop@example.test'] })).toHaveLength(1);
    const byKey = await connector.find('res.partner', {
      field: 'external_id',
      values: ['contacts-partners_4242'],
      fields: ['name'],
    });
    expect(byKey.map((r) => [r.id, r.fields['external_id']])).toEqual([[found[0]?.id, 'contacts-partners_4242']]);
  });

  it('commits a write before its held answer arrives (holdAfterCommit), then answers as usual', async () => {
    rig = await startRig(transport);
    const { connector, control, sandbox } = rig;
    await control('/_sandbox/faults', { holdAfterCommit: { count: 1, ms: 500 } }, 'PUT');
    const started = Date.now();
    const write = connector.write('res.partner', [
      { op: 'create', ref: 'held', fields: { name: 'Held Answer SA', email: 'held@example.test' } },
    ]);
    // In Odoo already while the client still waits.
    const committed = () =>
      [...sandbox.orm.db.table('res.partner').values()].filter((r) => r['email'] === 'held@example.test').length;
    await vi.waitFor(() => expect(committed()).toBe(1));
    expect(sandbox.kit.faults.holdAfterCommit.count, 'one answer held').toBe(0);
    const [result] = await write;
    expect(Date.now() - started).toBeGreaterThanOrEqual(490);
    expect(result?.ok).toBe(true);
    expect(await connector.find('res.partner', { field: 'email', values: ['held@example.test'] })).toHaveLength(1);
  });

  it('returns what Odoo holds after a write (read back), for creates by external id, plain creates and updates', async () => {
    rig = await startRig(transport);
    const { connector } = rig;
    const [fr] = await connector.find('res.country', { field: 'code', values: ['FR'] });
    const results = await connector.write('res.partner', [
      {
        op: 'create',
        ref: 'keyed',
        idempotencyKey: { field: 'external_id', value: 'read_back_1' },
        fields: { name: 'Read Back SA', email: 'rb@example.test', country_id: fr?.id },
      },
      { op: 'create', ref: 'plain', fields: { name: 'Plain Create', phone: '+33 1 00 00 00 00' } },
    ]);
    const keyed = results.find((r) => r.ref === 'keyed');
    const plain = results.find((r) => r.ref === 'plain');
    if (!keyed?.ok || !plain?.ok) throw new Error(JSON.stringify(results));
    const [held] = await connector.read('res.partner', [keyed.id], ['name', 'email', 'country_id']);
    expect(keyed.fields).toEqual({
      name: 'Read Back SA',
      email: 'rb@example.test',
      country_id: held?.fields['country_id'],
    });
    expect(keyed.fields?.['country_id']).toBe(fr?.id);
    expect(plain.fields).toEqual({ name: 'Plain Create', phone: '+33 1 00 00 00 00' });
    const [updated] = await connector.write('res.partner', [
      { op: 'update', ref: 'u', id: keyed.id, fields: { email: null } },
    ]);
    expect(updated).toMatchObject({ ok: true, outcome: 'updated', fields: { email: null } });

    const quiet = await startRig(transport, { readBack: false });
    try {
      const [bare] = await quiet.connector.write('res.partner', [
        { op: 'create', ref: 'x', fields: { name: 'No Read Back' } },
      ]);
      expect(bare).toMatchObject({ ok: true, outcome: 'created' });
      expect(bare?.ok && bare.fields).toBeUndefined();
    } finally {
      await quiet.close();
    }
  });

  it("writes the good records of a batch with one invalid record and reports that one with Odoo's message", async () => {
    rig = await startRig(transport);
    const { connector } = rig;
    const ops: WriteOp[] = Array.from({ length: 9 }, (_, i) => ({
      op: 'create',
      ref: `r${i}`,
      idempotencyKey: { field: 'external_id', value: `batch_${i}` },
      fields: { name: i === 6 ? '' : `Batch ${i}`, email: `b${i}@example.test` },
    }));
    const results = await connector.write('res.partner', ops);
    expect(results).toHaveLength(9);
    const failed = results.filter((r) => !r.ok);
    expect(failed.map((r) => r.ref)).toEqual(['r6']);
    expect(failed[0]?.ok === false && failed[0].error.message).toMatch(/name/i);
    expect(failed[0]?.ok === false && failed[0].error.retryable).toBe(false);
    expect(results.filter((r) => r.ok && r.outcome === 'created')).toHaveLength(8);
    const written = await connector.find('res.partner', {
      field: 'email',
      values: ops.map((o) => String(o.fields?.['email'])),
    });
    expect(written).toHaveLength(8);
  });

  it('describes models through fields_get', async () => {
    rig = await startRig(transport);
    const all = await rig.connector.describe();
    const partner = all.find((o) => o.name === 'res.partner');
    const field = (name: string) => partner?.fields.find((f) => f.name === name);
    expect(partner).toMatchObject({ idField: 'id', modifiedField: 'write_date', archivable: true });
    expect(field('name')).toMatchObject({ type: 'string', label: 'Name' });
    expect(all.find((o) => o.name === 'product.template')?.fields.find((f) => f.name === 'name')).toMatchObject({
      type: 'string',
      required: true,
    });
    expect(field('country_id')).toMatchObject({ type: 'reference', reference: { object: 'res.country' } });
    expect(field('category_id')).toMatchObject({ type: 'references', reference: { object: 'res.partner.category' } });
    expect(field('external_id')).toMatchObject({ type: 'string', externalId: true });
    expect(field('write_date')).toMatchObject({ type: 'datetime', readOnly: true });
    const product = all.find((o) => o.name === 'product.product');
    expect(product?.fields.find((f) => f.name === 'qty_available')).toMatchObject({ type: 'number', readOnly: true });
    const move = all.find((o) => o.name === 'account.move');
    expect(move?.createKey).toEqual({ source: 'generated', field: 'external_id' });
    expect(move?.fields.find((f) => f.name === 'payment_state')?.type).toBe('enum');
  });

  it('looks reference data up by code and name, normalises many2one and false, archives and deletes', async () => {
    rig = await startRig(transport);
    const { connector } = rig;
    const countries = await connector.references.lookup('res.country', ['be', 'US', 'XX']);
    expect([...countries.keys()].sort()).toEqual(['US', 'be']);
    const industries = await connector.references.lookup('res.partner.industry', ['it/communication']);
    expect(industries.size).toBe(1);
    const [created] = await connector.write('res.partner', [
      {
        op: 'create',
        ref: 'c',
        idempotencyKey: { field: 'external_id', value: 'refs_1' },
        fields: {
          name: 'Refs NV',
          country_id: countries.get('be'),
          industry_id: industries.get('it/communication'),
          is_company: true,
        },
      },
    ]);
    if (!created?.ok) throw new Error(JSON.stringify(created));
    const [read] = await connector.read(
      'res.partner',
      [created.id],
      ['name', 'country_id', 'industry_id', 'email', 'parent_id', 'is_company', 'category_id'],
    );
    expect(read?.fields).toMatchObject({
      name: 'Refs NV',
      country_id: countries.get('be'),
      email: null,
      parent_id: null,
      is_company: true,
      category_id: [],
    });

    const [archived] = await connector.write('res.partner', [{ op: 'archive', ref: 'a', id: created.id }]);
    expect(archived).toMatchObject({ ok: true, outcome: 'archived' });
    expect((await connector.read('res.partner', [created.id]))[0]?.archived).toBe(true);
    const [deleted] = await connector.write('res.partner', [{ op: 'delete', ref: 'd', id: created.id }]);
    expect(deleted).toMatchObject({ ok: true, outcome: 'deleted' });
    expect(await connector.read('res.partner', [created.id])).toEqual([]);
    const [updateGone] = await connector.write('res.partner', [
      { op: 'update', ref: 'u', id: created.id, fields: { name: 'x' } },
    ]);
    // Updates go through `load` with a `.id` column: Odoo's import names the missing record.
    expect(updateGone).toEqual({
      ref: 'u',
      ok: false,
      error: { message: `Unknown database identifier '${created.id}'`, vendorCode: 'odoo.load', retryable: false },
    });
  });
});
