/**
 * Odoo-specific control routes (outside the vendor paths, no auth), next to the kit's
 * `/_sandbox/` API:
 * - `POST /_sandbox/odoo/late-commit` `{ model, values, writeDate, id? }`: commits a
 *   create (or a write of `id`) stamped with an earlier write_date than rows already
 *   visible, as a long-running Odoo transaction does.
 * - `POST /_sandbox/odoo/stock` `{ productId, quantity }`: sets the on-hand quantity in
 *   WH/Stock (a stock.quant write; product.product.write_date does not move).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ErrorCode } from '../../../src/errors.ts';
import { OdooError } from './errors.ts';
import { normalizeDatetime } from './orm/datetime.ts';
import type { OdooOrm } from './orm/orm.ts';
import { read } from './orm/read.ts';
import { create, write } from './orm/records.ts';

const lateCommitSchema = z
  .object({
    model: z.string().min(1),
    values: z.record(z.string(), z.unknown()),
    writeDate: z.string().min(10),
    id: z.number().int().positive().optional(),
  })
  .strict();

const stockSchema = z.object({ productId: z.number().int().positive(), quantity: z.number() }).strict();

function invalid(reply: FastifyReply, issues: unknown): FastifyReply {
  return reply
    .code(400)
    .send({ error: { code: ErrorCode.Validation, message: 'invalid control request', details: { issues } } });
}

function failed(reply: FastifyReply, err: unknown): FastifyReply {
  if (!(err instanceof OdooError)) throw err;
  return reply
    .code(422)
    .send({ error: { code: ErrorCode.Validation, message: err.message, details: { name: err.odooName } } });
}

/** Registers the Odoo control routes. */
export function registerOdooControl(app: FastifyInstance, orm: OdooOrm): void {
  app.post('/_sandbox/odoo/late-commit', async (request, reply) => {
    const parsed = lateCommitSchema.safeParse(request.body ?? {});
    if (!parsed.success) return invalid(reply, parsed.error.issues);
    const { model, values, writeDate, id } = parsed.data;
    try {
      const now = normalizeDatetime(writeDate);
      const done = orm.transaction({ uid: 2, canWrite: true, now }, (env) => {
        if (id === undefined) return create(env, model, values);
        write(env, model, [id], values);
        return id;
      });
      return { id: done.value, write_date: now };
    } catch (err) {
      return failed(reply, err);
    }
  });

  app.post('/_sandbox/odoo/stock', async (request, reply) => {
    const parsed = stockSchema.safeParse(request.body ?? {});
    if (!parsed.success) return invalid(reply, parsed.error.issues);
    const { productId, quantity } = parsed.data;
    try {
      const done = orm.transaction({ uid: 2, canWrite: true }, (env) => {
        if (!env.row('product.product', productId))
          throw new OdooError('odoo.exceptions.MissingError', `product.product(${productId},) does not exist`);
        const internal = new Set(
          [...env.rows('stock.location')].filter((l) => l['usage'] === 'internal').map((l) => l.id),
        );
        const [location] = internal;
        if (location === undefined) throw new OdooError('odoo.exceptions.UserError', 'no internal stock location');
        const quants = [...env.rows('stock.quant')].filter(
          (q) => q['product_id'] === productId && internal.has(q['location_id'] as number),
        );
        const [first, ...others] = quants;
        if (first) {
          write(env, 'stock.quant', [first.id], { quantity });
          if (others.length > 0)
            write(
              env,
              'stock.quant',
              others.map((q) => q.id),
              { quantity: 0 },
            );
        } else {
          create(env, 'stock.quant', { product_id: productId, location_id: location, quantity });
        }
        return read(env, 'product.product', [productId], ['qty_available', 'write_date'])[0];
      });
      return done.value;
    } catch (err) {
      return failed(reply, err);
    }
  });
}
