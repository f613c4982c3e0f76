/**
 * The HubSpot connection's own options (`connections.<name>.options`), validated once
 * when the connector is created, with every default in one object.
 */
import { ErrorCode, FrontbackError } from '../../src/errors.ts';
import { z } from 'zod';
import type { RateLimit } from '../../src/connector/index.ts';
import type { CustomObjectOption } from './objects.ts';

/** HubSpot-specific settings of one connection. */
export interface HubSpotOptions {
  /** The search endpoints' own budget. Default 4 requests per 1,000 ms (HubSpot documents about 4-5 per second). */
  searchRateLimit: RateLimit;
  /** Custom objects to know by name (`{ name: widgets, objectTypeId: 2-1234567 }`). Default none. */
  customObjects: CustomObjectOption[];
  /**
   * Minimum re-read window of change listings, in minutes: the search index lags writes
   * by seconds, not by the same time for every record, so a listing can show a record
   * changed later before one changed earlier. Default 1; the engine may ask for more.
   */
  overlapMinutes: number;
}

/** Every default of {@link HubSpotOptions}. */
export const HUBSPOT_OPTION_DEFAULTS: HubSpotOptions = {
  searchRateLimit: { requests: 4, perMs: 1_000 },
  customObjects: [],
  overlapMinutes: 1,
};

const positiveInt = z.number().int().positive();
const optionsSchema = z
  .object({
    searchRateLimit: z.object({ requests: positiveInt, perMs: positiveInt }).strict().optional(),
    overlapMinutes: z
      .number()
      .min(0)
      .max(24 * 60)
      .optional(),
    customObjects: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and "_"'),
            objectTypeId: z
              .string()
              .regex(/^2-\d+$/, 'a custom object type id such as 2-1234567')
              .optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/**
 * Validates a connection's options.
 * @throws FrontbackError `CONFIG_INVALID` naming every problem with its path.
 */
export function parseHubSpotOptions(
  connection: string,
  raw: Readonly<Record<string, unknown>> | undefined,
): HubSpotOptions {
  const parsed = optionsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `options.${i.path.map(String).join('.')}: ${i.message}`);
    throw new FrontbackError(
      ErrorCode.Config,
      `connection "${connection}": invalid HubSpot options:\n  ${problems.join('\n  ')}`,
      {
        details: { connection, problems },
      },
    );
  }
  return {
    searchRateLimit: parsed.data.searchRateLimit ?? HUBSPOT_OPTION_DEFAULTS.searchRateLimit,
    customObjects: parsed.data.customObjects ?? [],
    overlapMinutes: parsed.data.overlapMinutes ?? HUBSPOT_OPTION_DEFAULTS.overlapMinutes,
  };
}
