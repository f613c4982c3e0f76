/**
 * The Odoo connection's own options (`connections.<name>.options`), validated once when
 * the connector is created, with every default in one object.
 */
import { z } from 'zod';
import { ErrorCode, FrontbackError } from '../../src/errors.ts';

/** Which wire protocol the connector speaks. */
export type OdooTransportKind = 'jsonrpc' | 'json2';

/** Odoo-specific settings of one connection. */
export interface OdooOptions {
  /** `jsonrpc` (`POST /jsonrpc` execute_kw, every Odoo version) or `json2` (Odoo 19+). Default `jsonrpc`. */
  transport: OdooTransportKind;
  /**
   * Minimum re-read window of change listings, in minutes: write_date is the transaction's
   * start, so a long transaction commits rows dated before a cursor already taken. Default 10.
   */
  overlapMinutes: number;
  /** Module of the external ids frontback creates (`<module>.<key>` in ir.model.data). Default `frontback`. */
  externalIdModule: string;
  /** Models described and accepted besides the built-in list (e.g. `crm.lead`). Default none. */
  extraModels: string[];
  /**
   * Width of the time bucket that dedupes a webhook delivery without `write_date`, in
   * seconds (see docs/connectors/odoo.md). Default 60.
   */
  webhookBucketSeconds: number;
  /**
   * Read the written records back after a write (one `read` per batch), so write results
   * carry the values Odoo holds (the engine's snapshot against sync loops). Default true.
   */
  readBack: boolean;
}

/** Every default of {@link OdooOptions}. */
export const ODOO_OPTION_DEFAULTS: Readonly<OdooOptions> = Object.freeze({
  transport: 'jsonrpc',
  overlapMinutes: 10,
  externalIdModule: 'frontback',
  extraModels: [],
  webhookBucketSeconds: 60,
  readBack: true,
});

const optionsSchema = z
  .object({
    transport: z.enum(['jsonrpc', 'json2']).optional(),
    overlapMinutes: z
      .number()
      .min(0)
      .max(24 * 60)
      .optional(),
    externalIdModule: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, 'an Odoo module name: lower-case letters, digits and "_"')
      .optional(),
    extraModels: z
      .array(z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/, 'an Odoo model name such as crm.lead'))
      .optional(),
    webhookBucketSeconds: z.number().int().positive().max(86_400).optional(),
    readBack: z.boolean().optional(),
  })
  .strict();

/**
 * Validates a connection's options.
 * @throws FrontbackError `CONFIG_INVALID` naming every problem with its path.
 */
export function parseOdooOptions(connection: string, raw: Readonly<Record<string, unknown>> | undefined): OdooOptions {
  const parsed = optionsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `options.${i.path.map(String).join('.')}: ${i.message}`);
    throw new FrontbackError(
      ErrorCode.Config,
      `connection "${connection}": invalid Odoo options:\n  ${problems.join('\n  ')}`,
      {
        details: { connection, problems },
      },
    );
  }
  const d = parsed.data;
  return {
    transport: d.transport ?? ODOO_OPTION_DEFAULTS.transport,
    overlapMinutes: d.overlapMinutes ?? ODOO_OPTION_DEFAULTS.overlapMinutes,
    externalIdModule: d.externalIdModule ?? ODOO_OPTION_DEFAULTS.externalIdModule,
    extraModels: d.extraModels ?? [],
    webhookBucketSeconds: d.webhookBucketSeconds ?? ODOO_OPTION_DEFAULTS.webhookBucketSeconds,
    readBack: d.readBack ?? ODOO_OPTION_DEFAULTS.readBack,
  };
}
