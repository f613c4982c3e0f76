/**
 * zod schemas of every Odoo response the connector trusts: the JSON-RPC envelope, error
 * bodies (JSON-RPC `error.data` and JSON-2's flat body), `authenticate`, `fields_get`,
 * record lists, `load` results and `ir.model.data` rows.
 */
import { z } from 'zod';

/** Odoo's serialised exception: `{name, message, arguments, context, debug}`. */
export const odooErrorDataSchema = z.looseObject({
  name: z.string().min(1),
  message: z.string(),
  arguments: z.array(z.unknown()).optional(),
  debug: z.string().optional(),
});

/** One serialised Odoo exception. */
export type OdooErrorData = z.infer<typeof odooErrorDataSchema>;

/** A JSON-RPC 2.0 response: `result`, or `error` with Odoo's exception in `data`. */
export const jsonRpcResponseSchema = z.looseObject({
  jsonrpc: z.literal('2.0').optional(),
  id: z.union([z.number(), z.string(), z.null()]).optional(),
  result: z.unknown().optional(),
  error: z
    .looseObject({
      code: z.number().optional(),
      message: z.string().optional(),
      data: z.unknown().optional(),
    })
    .optional(),
});

/** `common.authenticate`: the uid, or false when the login or key is refused. */
export const authenticateResultSchema = z.union([z.number().int().positive(), z.literal(false)]);

/** One field of `fields_get` (attributes the connector uses; others kept). */
export const fieldInfoSchema = z.looseObject({
  type: z.string().min(1),
  string: z.string().optional(),
  required: z.boolean().optional(),
  readonly: z.boolean().optional(),
  store: z.boolean().optional(),
  relation: z.string().optional(),
  /** A one2many's inverse many2one on the comodel (`order_id` of sale.order.line); false when none. */
  relation_field: z.union([z.string(), z.literal(false)]).optional(),
  selection: z
    .union([z.array(z.tuple([z.union([z.string(), z.number()]), z.string()])), z.string(), z.literal(false)])
    .optional(),
});

/** One field of `fields_get`. */
export type FieldInfo = z.infer<typeof fieldInfoSchema>;

/** `fields_get`: field name -> attributes. */
export const fieldsGetSchema = z.record(z.string(), fieldInfoSchema);

/** A record as `read` / `search_read` return it: an integer id and raw values. */
export const rawRecordSchema = z.looseObject({ id: z.number().int() });

/** A record as Odoo sends it (values still in wire form). */
export type RawRecord = z.infer<typeof rawRecordSchema>;

/** A list of records. */
export const rawRecordsSchema = z.array(rawRecordSchema);

/** A list of ids (`search`, `create` of a list). */
export const idsSchema = z.array(z.number().int());

/** `search_count` -> how many records match. */
export const countSchema = z.number().int().nonnegative();

/** One id (`create` of one dict; JSON-2 may answer a one-element list). */
export const idSchema = z.union([z.number().int(), z.tuple([z.number().int()]).transform(([id]) => id)]);

/** `write` / `unlink` answer true. */
export const trueSchema = z.literal(true);

/** One message of a `load` result. */
export const loadMessageSchema = z.looseObject({
  type: z.string(),
  message: z.string(),
  record: z.number().int().optional(),
  rows: z.looseObject({ from: z.number().int(), to: z.number().int() }).optional(),
  field: z.string().optional(),
});

/** `load(fields, rows)`: ids per row, or false with messages when any row failed (nothing written). */
export const loadResultSchema = z.looseObject({
  ids: z.union([z.array(z.number().int()), z.literal(false)]),
  messages: z.array(loadMessageSchema),
});

/** The result of `load`. */
export type LoadResult = z.infer<typeof loadResultSchema>;

/** An `ir.model.data` row as the connector reads it. */
export const modelDataSchema = z.array(
  z.looseObject({
    id: z.number().int(),
    module: z.string(),
    name: z.string(),
    model: z.string(),
    res_id: z.union([z.number().int(), z.literal(false)]),
  }),
);
