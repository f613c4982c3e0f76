/**
 * `defineConnector`: declares a connector's static facts as data, validated once at
 * definition time, so a broken descriptor fails when the module loads, with every
 * problem named, rather than in the middle of a sync.
 */
import { z } from 'zod';
import { ErrorCode, FrontbackError } from '../errors.ts';
import type { ConnectionSettings, RateLimit } from './connection.ts';
import type { Connector, ConnectorDeps, ConnectorLimits } from './connector.ts';
import { objectDescriptionSchema, type ObjectDescription } from './describe.ts';

/** What a connector module declares. */
export interface ConnectorDefinition {
  /** Kind used in config `connections.<name>.kind`: lower-case letters, digits, `-`. */
  kind: string;
  /** Human name (`HubSpot`). */
  displayName: string;
  /** Default API base URL; a connection's `baseUrl` overrides it. */
  defaultBaseUrl?: string;
  /** Objects known without asking the system (standard objects and fields). */
  objects?: ObjectDescription[];
  /** Declared limits. */
  limits: ConnectorLimits;
  /** Auth types this connector accepts (`bearer`, `oauth2`, ...). Default: any. */
  authTypes?: readonly string[];
  /**
   * Who chooses `webhook.secret` for this connector: `admin-chosen` (frontback's admin
   * makes it up and gives it to the vendor: Odoo's URL token, a Salesforce callout's HMAC
   * key, Business Central's clientState), held to the strength check at load (at least
   * 128 bits, `frontback secret`); `vendor-issued` (the vendor hands it out: HubSpot's
   * client secret), checked for presence only. Absent: the connector takes no webhooks
   * secret, and any configured one is only checked for presence.
   */
  webhookSecret?: 'admin-chosen' | 'vendor-issued';
  /** Builds a live connector for one connection. */
  create(connection: ConnectionSettings, deps: ConnectorDeps): Connector;
}

/** A validated, frozen connector descriptor. */
export interface ConnectorDescriptor extends Readonly<ConnectorDefinition> {
  /** Limits for `connection`: the declared ones, with the connection's `rateLimit` applied. */
  limitsFor(connection: ConnectionSettings): ConnectorLimits;
}

const positiveInt = z.number().int().positive();
const rateLimitSchema = z.object({ requests: positiveInt, perMs: positiveInt });

const definitionSchema = z.object({
  kind: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and "-", starting with a letter'),
  displayName: z.string().min(1),
  defaultBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  objects: z.array(objectDescriptionSchema).optional(),
  limits: z.object({
    maxBatchSize: z.object({
      create: positiveInt,
      update: positiveInt,
      upsert: positiveInt.optional(),
      archive: positiveInt.optional(),
      delete: positiveInt.optional(),
      read: positiveInt,
    }),
    rateLimit: rateLimitSchema,
    searchRateLimit: rateLimitSchema.optional(),
    maxPageSize: positiveInt,
    concurrency: positiveInt.optional(),
  }),
  authTypes: z
    .array(z.enum(['bearer', 'oauth2', 'api-key', 'oauth1', 'none']))
    .min(1)
    .optional(),
  webhookSecret: z.enum(['admin-chosen', 'vendor-issued']).optional(),
  create: z.custom<ConnectorDefinition['create']>((v) => typeof v === 'function', 'must be a function'),
});

/**
 * Validates `definition` and returns it frozen as a descriptor.
 * @throws FrontbackError `CONNECTOR_DEFINITION_INVALID` listing every problem with its path.
 */
export function defineConnector(definition: ConnectorDefinition): ConnectorDescriptor {
  const parsed = definitionSchema.safeParse(definition);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  const names = new Set<string>();
  for (const object of definition.objects ?? []) {
    if (names.has(object.name)) problems.push(`objects: duplicate object "${object.name}"`);
    names.add(object.name);
  }
  if (problems.length > 0) {
    const kind = typeof definition.kind === 'string' ? definition.kind : '?';
    throw new FrontbackError(
      ErrorCode.ConnectorDefinition,
      `connector "${kind}" is invalid:\n  ${problems.join('\n  ')}`,
      {
        details: { kind, problems },
      },
    );
  }
  const limitsFor = (connection: ConnectionSettings): ConnectorLimits => ({
    ...definition.limits,
    ...(connection.rateLimit === undefined ? {} : { rateLimit: { ...(connection.rateLimit as RateLimit) } }),
    ...(connection.concurrency === undefined ? {} : { concurrency: connection.concurrency }),
  });
  return Object.freeze({ ...definition, limitsFor });
}
