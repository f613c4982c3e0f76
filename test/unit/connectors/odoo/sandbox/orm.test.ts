import { describe, expect, it } from 'vitest';
import { OdooError } from '../../../../../connectors/odoo/sandbox/errors.ts';
import { load } from '../../../../../connectors/odoo/sandbox/orm/load.ts';
import { read, search, searchRead } from '../../../../../connectors/odoo/sandbox/orm/read.ts';
import { create, unlink, write } from '../../../../../connectors/odoo/sandbox/orm/records.ts';
import { createOdooSandbox } from '../../../../../connectors/odoo/sandbox/server.ts';
import { ManualClock } from '../../../../../src/connector/sandbox/clock.ts';
import { asAdmin, makeOrm } from './helpers.ts';

function odooErr(fn: () => unknown): OdooError {
  try {
    fn();
  } catch (err) {
    if (err instanceof OdooError) return err;
    throw err;
  }
  throw new Error('expected an OdooError');
}

describe('values, relations and command lists', () => {
  it('reads empty as false, numbers as 0, many2one as [id, name], x2many as ids', () => {
    const { orm } = makeOrm();
    const [row] = asAdmin(orm, (env) => {
      const co = create(env, 'res.partner', { name: 'Acme', is_company: true });
      const id = create(env, 'res.partner', { name: 'Ann', parent_id: co });
      return read(
        env,
        'res.partner',
        [id],
        ['email', 'parent_id', 'credit_limit', 'category_id', 'child_ids', 'display_name', 'state_id'],
      );
    });
    expect(row).toMatchObject({
      email: false,
      parent_id: [expect.any(Number), 'Acme'],
      credit_limit: 0,
      category_id: [],
      child_ids: [],
      display_name: 'Acme, Ann',
      state_id: false,
    });
  });

  it('applies many2many commands 6, 4, 3, 0 and 5', () => {
    const { orm } = makeOrm();
    const tags = (id: number) =>
      asAdmin(orm, (env) => read(env, 'res.partner', [id], ['category_id'])[0]?.['category_id']);
    const [p, a, b, c] = asAdmin(orm, (env) => {
      const t = ['A', 'B', 'C'].map((name) => create(env, 'res.partner.category', { name }));
      return [create(env, 'res.partner', { name: 'P' }), ...t] as number[];
    }) as [number, number, number, number];
    asAdmin(orm, (env) => write(env, 'res.partner', [p], { category_id: [[6, 0, [a, b]]] }));
    expect(tags(p)).toEqual([a, b]);
    asAdmin(orm, (env) =>
      write(env, 'res.partner', [p], {
        category_id: [
          [4, c],
          [3, a],
        ],
      }),
    );
    expect(tags(p)).toEqual([b, c]);
    asAdmin(orm, (env) => write(env, 'res.partner', [p], { category_id: [[0, 0, { name: 'New' }]] }));
    const withNew = tags(p) as number[];
    expect(withNew).toHaveLength(3);
    expect(
      asAdmin(orm, (env) => read(env, 'res.partner.category', [withNew[2] as number], ['name'])[0]?.['name']),
    ).toBe('New');
    asAdmin(orm, (env) => write(env, 'res.partner', [p], { category_id: [[5]] }));
    expect(tags(p)).toEqual([]);
  });

  it('creates sale order lines with [0, 0, vals], recomputes the total, deletes with [2, id]', () => {
    const { orm } = makeOrm();
    const { order, lineIds } = asAdmin(orm, (env) => {
      const partner = create(env, 'res.partner', { name: 'Buyer', is_company: true });
      const product = create(env, 'product.product', { name: 'Widget', lst_price: 10 });
      const order = create(env, 'sale.order', {
        partner_id: partner,
        order_line: [
          [0, 0, { product_id: product, product_uom_qty: 2 }],
          [0, 0, { product_id: product, product_uom_qty: 1, price_unit: 5 }],
        ],
      });
      return { order, lineIds: read(env, 'sale.order', [order], ['order_line'])[0]?.['order_line'] as number[] };
    });
    const header = () =>
      asAdmin(orm, (env) => read(env, 'sale.order', [order], ['name', 'amount_total', 'order_line'])[0]);
    expect(header()).toMatchObject({ name: 'S00001', amount_total: 25, order_line: lineIds });
    expect(
      asAdmin(orm, (env) => read(env, 'sale.order.line', [lineIds[0] as number], ['name', 'price_unit'])[0]),
    ).toMatchObject({ name: 'Widget', price_unit: 10 });
    asAdmin(orm, (env) => write(env, 'sale.order', [order], { order_line: [[2, lineIds[0] as number]] }));
    expect(header()).toMatchObject({ amount_total: 5, order_line: [lineIds[1]] });
  });

  it('rejects a many2one to a missing record with the foreign key ValidationError', () => {
    const { orm } = makeOrm();
    const err = odooErr(() => asAdmin(orm, (env) => create(env, 'res.partner', { name: 'X', country_id: 99999 })));
    expect(err.odooName).toBe('odoo.exceptions.ValidationError');
    expect(err.message).toContain('The operation cannot be completed');
  });
});

describe('computed stock and price, and the write_date rule', () => {
  it('qty_available sums internal quants; lst_price comes from the template; neither change touches the product write_date', () => {
    const { orm, clock } = makeOrm();
    const { product, template, stock } = asAdmin(orm, (env) => {
      const product = create(env, 'product.product', { name: 'Gear', lst_price: 12.5, default_code: 'G-1' });
      const template = read(env, 'product.product', [product], ['product_tmpl_id'])[0]?.['product_tmpl_id'] as [
        number,
        string,
      ];
      const stock = search(env, 'stock.location', [['usage', '=', 'internal']])[0] as number;
      const customers = search(env, 'stock.location', [['usage', '=', 'customer']])[0] as number;
      create(env, 'stock.quant', { product_id: product, location_id: stock, quantity: 7 });
      create(env, 'stock.quant', { product_id: product, location_id: customers, quantity: 100 });
      return { product, template: template[0], stock };
    });
    const view = () =>
      asAdmin(
        orm,
        (env) =>
          read(env, 'product.product', [product], ['qty_available', 'lst_price', 'write_date', 'display_name'])[0],
      );
    const before = view();
    expect(before).toMatchObject({ qty_available: 7, lst_price: 12.5, display_name: '[G-1] Gear' });

    clock.advance(3_600_000);
    asAdmin(orm, (env) => create(env, 'stock.quant', { product_id: product, location_id: stock, quantity: 3 }));
    asAdmin(orm, (env) => write(env, 'product.template', [template], { list_price: 20 }));
    const after = view();
    expect(after).toMatchObject({ qty_available: 10, lst_price: 20 });
    expect(after?.['write_date']).toBe(before?.['write_date']);
    const tmplDate = asAdmin(
      orm,
      (env) => read(env, 'product.template', [template], ['write_date'])[0]?.['write_date'],
    );
    expect(tmplDate).toBe('2025-03-01 13:00:00');
    expect(asAdmin(orm, (env) => search(env, 'product.product', [['qty_available', '>', 9]]))).toEqual([product]);
  });

  it('write_date is the transaction start for every row of one call', () => {
    const { orm } = makeOrm();
    const result = orm.transaction({ uid: 2, canWrite: true, now: '2025-01-01 08:00:00' }, (env) => [
      create(env, 'res.partner', { name: 'A' }),
      create(env, 'res.partner', { name: 'B' }),
    ]);
    const rows = asAdmin(orm, (env) => read(env, 'res.partner', result.value, ['write_date', 'create_date']));
    expect(rows.map((r) => r['write_date'])).toEqual(['2025-01-01 08:00:00', '2025-01-01 08:00:00']);
  });

  it('renaming a company recomputes its people display names without touching their write_date', () => {
    const { orm, clock } = makeOrm();
    const [co, person] = asAdmin(orm, (env) => {
      const co = create(env, 'res.partner', { name: 'Old', is_company: true });
      return [co, create(env, 'res.partner', { name: 'Pat', parent_id: co })];
    }) as [number, number];
    clock.advance(60_000);
    asAdmin(orm, (env) => write(env, 'res.partner', [co], { name: 'New' }));
    const row = asAdmin(orm, (env) => read(env, 'res.partner', [person], ['display_name', 'write_date'])[0]);
    expect(row).toEqual({ id: person, display_name: 'New, Pat', write_date: '2025-03-01 12:00:00' });
  });
});

describe('reads, archives, errors and atomicity', () => {
  it('read leaves out missing ids; write/unlink on a missing id raise MissingError', () => {
    const { orm } = makeOrm();
    const id = asAdmin(orm, (env) => create(env, 'res.partner', { name: 'Here' }));
    expect(asAdmin(orm, (env) => read(env, 'res.partner', [id, 4242], ['name']))).toEqual([{ id, name: 'Here' }]);
    const err = odooErr(() => asAdmin(orm, (env) => unlink(env, 'res.partner', [4242])));
    expect(err.odooName).toBe('odoo.exceptions.MissingError');
    expect(err.message).toBe('Record does not exist or has been deleted.\n(Record: res.partner(4242,), User: 2)');
  });

  it('hides archived records from searches unless active_test is off or active is named; read still returns them', () => {
    const { orm } = makeOrm();
    const id = asAdmin(orm, (env) => create(env, 'res.partner', { name: 'Gone', active: false }));
    expect(asAdmin(orm, (env) => search(env, 'res.partner', [['name', '=', 'Gone']]))).toEqual([]);
    expect(asAdmin(orm, (env) => search(env, 'res.partner', [['name', '=', 'Gone']]), { active_test: false })).toEqual([
      id,
    ]);
    expect(
      asAdmin(orm, (env) =>
        search(env, 'res.partner', [
          ['name', '=', 'Gone'],
          ['active', 'in', [true, false]],
        ]),
      ),
    ).toEqual([id]);
    expect(asAdmin(orm, (env) => read(env, 'res.partner', [id], ['active']))).toEqual([{ id, active: false }]);
  });

  it('missing required field: ValidationError in Odoo words, and the whole call rolls back', () => {
    const { orm } = makeOrm();
    const before = orm.db.table('product.template').size;
    const err = odooErr(() =>
      asAdmin(orm, (env) => {
        create(env, 'product.template', { name: 'Fine' });
        create(env, 'product.template', { list_price: 3 });
      }),
    );
    expect(err.odooName).toBe('odoo.exceptions.ValidationError');
    expect(err.message).toContain('- Create/update: a mandatory field is not set.');
    expect(err.message).toContain('Model: Product (product.template)\nField: Name (name)');
    expect(orm.db.table('product.template').size).toBe(before);
  });

  it('a read-only user gets AccessError on write', () => {
    const { orm } = makeOrm();
    const err = odooErr(() =>
      orm.transaction({ uid: 3, canWrite: false }, (env) => create(env, 'res.partner', { name: 'No' })),
    );
    expect(err.odooName).toBe('odoo.exceptions.AccessError');
    expect(err.message).toContain("You are not allowed to create 'Contact' (res.partner) records.");
  });

  it('orders by write_date asc, id asc and pages with offset/limit', () => {
    const { orm, clock } = makeOrm();
    const a = asAdmin(orm, (env) => create(env, 'res.partner', { name: 'A' }));
    clock.advance(1000);
    const [b, c] = asAdmin(orm, (env) => [
      create(env, 'res.partner', { name: 'B' }),
      create(env, 'res.partner', { name: 'C' }),
    ]) as [number, number];
    clock.advance(1000);
    asAdmin(orm, (env) => write(env, 'res.partner', [a], { phone: '1' }));
    const page = (offset: number) =>
      asAdmin(orm, (env) =>
        searchRead(env, 'res.partner', [], ['name'], { order: 'write_date asc, id asc', offset, limit: 2 }).map(
          (r) => r['id'],
        ),
      );
    expect(page(0)).toEqual([b, c]);
    expect(page(2)).toEqual([a]);
    expect(
      odooErr(() => asAdmin(orm, (env) => search(env, 'res.partner', [], { order: 'name; drop' }))).message,
    ).toContain('Invalid "order" specified');
  });
});

describe('load with external ids', () => {
  it('creates then updates the same records; a bad row returns messages, ids false and writes nothing', () => {
    const { orm } = makeOrm();
    const fields = ['id', 'name', 'email', 'country_id/id', 'is_company'];
    const first = asAdmin(orm, (env) =>
      load(env, 'res.partner', fields, [
        ['crm.c1', 'Acme', 'a@acme.test', 'base.be', '1'],
        ['crm.c2', 'Beta', '', 'base.us', '0'],
      ]),
    );
    expect(first.messages).toEqual([]);
    expect(first.ids).toHaveLength(2);
    const second = asAdmin(orm, (env) =>
      load(env, 'res.partner', fields, [
        ['crm.c1', 'Acme NV', 'a@acme.test', 'base.be', '1'],
        ['crm.c2', 'Beta', 'b@beta.test', 'base.us', '0'],
      ]),
    );
    expect(second.ids).toEqual(first.ids);
    const rows = asAdmin(orm, (env) =>
      read(env, 'res.partner', first.ids as number[], ['name', 'email', 'country_id', 'is_company']),
    );
    expect(rows[0]).toMatchObject({ name: 'Acme NV', country_id: [expect.any(Number), 'Belgium'], is_company: true });
    expect(rows[1]).toMatchObject({ email: 'b@beta.test', is_company: false });
    const xid = asAdmin(orm, (env) =>
      searchRead(
        env,
        'ir.model.data',
        [
          ['module', '=', 'crm'],
          ['name', '=', 'c1'],
        ],
        ['model', 'res_id', 'complete_name'],
      ),
    );
    expect(xid).toEqual([
      { id: expect.any(Number), model: 'res.partner', res_id: (first.ids as number[])[0], complete_name: 'crm.c1' },
    ]);

    const count = orm.db.table('res.partner').size;
    const bad = asAdmin(orm, (env) =>
      load(env, 'res.partner', fields, [
        ['crm.c3', 'Gamma', '', 'base.be', '1'],
        ['crm.c4', 'Delta', '', 'base.nowhere', '1'],
      ]),
    );
    expect(bad.ids).toBe(false);
    expect(bad.messages).toEqual([
      {
        type: 'error',
        message: "No matching record found for external id 'base.nowhere' in field 'Country'",
        record: 1,
        rows: { from: 1, to: 1 },
        field: 'country_id',
      },
    ]);
    expect(orm.db.table('res.partner').size).toBe(count);
  });
});

describe('load with database ids (.id)', () => {
  const people = (orm: ReturnType<typeof makeOrm>['orm']) =>
    asAdmin(orm, (env) => ['Ann', 'Bob', 'Cid'].map((name) => create(env, 'res.partner', { name, email: false })));
  const emails = (orm: ReturnType<typeof makeOrm>['orm'], ids: number[]) =>
    asAdmin(orm, (env) => read(env, 'res.partner', ids, ['name', 'email'])).map((r) => [r['name'], r['email']]);

  it('updates each record its .id names with its own values, and creates the rows whose .id is empty, in one call', () => {
    const { orm } = makeOrm();
    const [ann, bob, cid] = people(orm) as [number, number, number];
    const result = asAdmin(orm, (env) =>
      load(
        env,
        'res.partner',
        ['.id', 'name', 'email'],
        [
          [String(ann), 'Ann', 'ann@x.test'],
          [String(cid), 'Cid II', ''],
          ['', 'Dora', 'dora@x.test'],
        ],
      ),
    );
    expect(result.messages).toEqual([]);
    const ids = result.ids as number[];
    expect(ids.slice(0, 2)).toEqual([ann, cid]);
    expect(ids[2]).toBeGreaterThan(cid);
    expect(emails(orm, [ann, bob, cid, ids[2] as number])).toEqual([
      ['Ann', 'ann@x.test'],
      ['Bob', false],
      ['Cid II', false],
      ['Dora', 'dora@x.test'],
    ]);
  });

  it("refuses an id the search does not find with Odoo's message on that row, and writes nothing", () => {
    const { orm } = makeOrm();
    const [ann, bob] = people(orm) as [number, number, number];
    const count = orm.db.table('res.partner').size;
    const result = asAdmin(orm, (env) =>
      load(
        env,
        'res.partner',
        ['.id', 'name', 'email'],
        [
          [String(ann), 'Ann', 'ann@x.test'],
          ['99999', 'Ghost', 'ghost@x.test'],
          [String(bob), 'Bob', 'bob@x.test'],
          ['', 'New', 'new@x.test'],
        ],
      ),
    );
    expect(result).toEqual({
      ids: false,
      messages: [
        {
          type: 'error',
          message: "Unknown database identifier '99999'",
          record: 1,
          rows: { from: 1, to: 1 },
          field: '.id',
        },
      ],
    });
    expect(emails(orm, [ann, bob])).toEqual([
      ['Ann', false],
      ['Bob', false],
    ]);
    expect(orm.db.table('res.partner').size).toBe(count);
  });

  it('does not find an archived record unless the context has active_test: false (as Odoo searches)', () => {
    const { orm } = makeOrm();
    const [ann] = people(orm) as [number, number, number];
    asAdmin(orm, (env) => write(env, 'res.partner', [ann], { active: false }));
    const row = [[String(ann), 'archived@x.test']];
    const hidden = asAdmin(orm, (env) => load(env, 'res.partner', ['.id', 'email'], row));
    expect(hidden.ids).toBe(false);
    expect(hidden.messages[0]?.message).toBe(`Unknown database identifier '${ann}'`);
    const seen = asAdmin(orm, (env) => load(env, 'res.partner', ['.id', 'email'], row), { active_test: false });
    expect(seen).toEqual({ ids: [ann], messages: [] });
    expect(emails(orm, [ann])).toEqual([['Ann', 'archived@x.test']]);
  });
});

describe('seeding and late commits', () => {
  it('the same seed gives the same records; a different seed differs', () => {
    const dump = (seed: number) => {
      const sb = createOdooSandbox({ seed, records: 12, clock: new ManualClock(Date.UTC(2025, 0, 1)) });
      return asAdmin(
        sb.orm,
        (env) => searchRead(env, 'res.partner', [], ['name', 'email', 'parent_id', 'write_date'], { order: 'id' }),
        { active_test: false },
      );
    };
    expect(dump(7)).toEqual(dump(7));
    expect(dump(7)).not.toEqual(dump(8));
    const partners = dump(7);
    expect(partners.filter((p) => p['parent_id'] === false).length).toBe(4);
    expect(partners.length).toBeGreaterThan(10);
  });

  it('POST /_sandbox/odoo/late-commit commits a row dated before rows already visible', async () => {
    const sb = createOdooSandbox({ records: 3, clock: new ManualClock(Date.UTC(2025, 5, 1, 12)) });
    const res = await sb.app.inject({
      method: 'POST',
      url: '/_sandbox/odoo/late-commit',
      payload: { model: 'res.partner', values: { name: 'Late' }, writeDate: '2025-06-01 11:00:00' },
    });
    expect(res.statusCode).toBe(200);
    const { id } = res.json() as { id: number };
    const newest = asAdmin(
      sb.orm,
      (env) =>
        searchRead(env, 'res.partner', [], ['write_date'], { order: 'write_date desc', limit: 1 })[0]?.['write_date'],
    );
    expect(String(newest) > '2025-06-01 11:00:00').toBe(true);
    expect(asAdmin(sb.orm, (env) => read(env, 'res.partner', [id], ['write_date'])[0]?.['write_date'])).toBe(
      '2025-06-01 11:00:00',
    );
    const bad = await sb.app.inject({
      method: 'POST',
      url: '/_sandbox/odoo/late-commit',
      payload: { model: 'res.partner', values: {}, writeDate: '2025-06-01', extra: 1 },
    });
    expect(bad.statusCode).toBe(400);
    await sb.close();
  });

  it('POST /_sandbox/odoo/stock changes qty_available without touching the product write_date', async () => {
    const sb = createOdooSandbox({ records: 3, clock: new ManualClock(Date.UTC(2025, 5, 1, 12)) });
    const [product] = asAdmin(sb.orm, (env) => searchRead(env, 'product.product', [], ['write_date'], { limit: 1 }));
    const res = await sb.app.inject({
      method: 'POST',
      url: '/_sandbox/odoo/stock',
      payload: { productId: product?.['id'], quantity: 999 },
    });
    expect(res.json()).toEqual({ id: product?.['id'], qty_available: 999, write_date: product?.['write_date'] });
    await sb.close();
  });
});
