/**
 * The building blocks of the admin API's route schemas: one zod schema per request part
 * validates the request (admin-validation.ts) and describes it in the OpenAPI document
 * (admin-openapi.ts), so the document cannot say one thing while the route checks another.
 *
 * The convention, for every route under /admin (admin-route-schemas.ts holds the existing ones):
 *
 * ```ts
 * export const runMapping = adminRoute({
 *   summary: 'Run one pass of a mapping now',   // one line, the reference's title
 *   description: '...',                          // what it does, what it changes, what it answers
 *   tags: [AdminTag.Mappings],
 *   params: idParams,                            // z.strictObject: an unknown field is a 400 naming it
 *   body: z.strictObject({ from: side }).default({ from: 'both' }),
 *   response: { 200: z.looseObject({ ... }), ...errorResponses(400, 404, 409) },
 * });
 * // in the routes file, registered on the admin scope (it has the zod type provider):
 * admin.post('/mappings/:id/run', { schema: S.runMapping }, async (request) => {
 *   const { id } = request.params; // parsed, defaults applied: no parse() call in the handler
 * });
 * ```
 *
 * - Request parts (`params`, `querystring`, `body`) are strict objects; a failed check is a
 *   400 `VALIDATION_FAILED` naming each field as `path.id`, `query.limit`, `body.take`.
 *   A missing body is read as no body, so a body schema with `.default(...)` applies its default.
 * - `response` describes the 200 answer and the errors: {@link errorResponses} adds 401,
 *   429 and 500 (every route answers those) to the statuses given. Response schemas
 *   document; they are not used to serialize (answers are JSON.stringify'd as before), so
 *   a field missing from a response schema is never dropped: use `z.looseObject` and
 *   describe the fields a client relies on.
 * - Every route appears in the document; a test fails when one does not, or when one does
 *   not document 200, 401, 429 and 500 (a route without this schema), and
 *   test/integration/server/admin-openapi-answers.test.ts parses real answers with the
 *   200 schemas (add the new route there).
 * - A routes file of its own exports `function fooRoutes(api: AdminScope, deps)`, called
 *   in admin-routes.ts where the other routes are registered on `api` (behind the token,
 *   rate limited, validated as above).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorCode } from '../errors.ts';

/** The scope admin routes are registered on: fastify with the zod type provider (requests typed from the schemas). */
export type AdminScope = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** The tags grouping the reference's routes, in the order the reference shows them. */
export const AdminTag = {
  Mappings: 'mappings',
  Runs: 'runs',
  Matches: 'matches',
  Conflicts: 'conflicts',
  DeadLetters: 'dead letters',
  Inbox: 'inbox',
  Problems: 'problems',
  Audit: 'audit',
} as const;

/** What each tag holds, for the document's `tags`. */
export const ADMIN_TAG_DESCRIPTIONS: Readonly<Record<(typeof AdminTag)[keyof typeof AdminTag], string>> = {
  mappings: 'The loaded mappings, dry runs, and accepting a mapping held by its create guard.',
  runs: 'Passes and other runs, their progress, and the plans a dry run stored.',
  matches: 'Records waiting for a person (ambiguous) or for their partner (waiting): docs/identity.md.',
  conflicts: 'Fields changed on both sides that the rules left to a person.',
  'dead letters': 'Changes a target refused; replayed after the fix or discarded with a reason.',
  inbox: 'Webhook deliveries not done yet.',
  problems: 'Fields passes left out of a write: docs/problems.md.',
  audit: 'The hash-chained audit log and its verification: docs/audit.md.',
};

/**
 * Schemas given an id here become `components/schemas/<id>` in the document, referenced
 * wherever they are used (the admin API's own registry, not zod's global one).
 */
export const adminSchemaRegistry = z.registry<{ id?: string; description?: string }>();

/** Every code of {@link ErrorCode}: a 500 carries the code of whatever failed (CONNECTOR_ERROR, STORE_ERROR, ...). */
const errorCode = z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]);

/** The one error envelope of the server (error-envelope.ts), as the document shows it. */
export const errorEnvelope = z
  .strictObject({
    error: z.strictObject({
      code: errorCode.describe('Stable code (src/errors.ts); renaming one is a breaking change.'),
      message: z.string().describe('For people: what is wrong and, where it helps, what to do.'),
      details: z
        .record(z.string(), z.unknown())
        .describe('Machine-readable facts: e.g. `problems` (one per bad field) for VALIDATION_FAILED.'),
    }),
  })
  .describe('Every error the server answers: `{ "error": { "code", "message", "details" } }`.');
adminSchemaRegistry.add(errorEnvelope, { id: 'ErrorEnvelope' });

/** The statuses an admin route can answer with an error, and what each means there. */
const ERROR_STATUS = {
  400:
    `${ErrorCode.Validation}: a path, query or body field is unknown or bad; \`details.problems\` names each ` +
    '(`query.limit: ...`). Also a malformed JSON body or a `__proto__` key.',
  401:
    `${ErrorCode.Auth}: \`Authorization: Bearer <server.adminToken>\` missing or wrong ` +
    '(answered with `WWW-Authenticate: Bearer`).',
  404:
    `${ErrorCode.NotFound}: no such mapping, run, conflict, match, dead letter or delivery ` +
    '(or the admin API is off).',
  409:
    `${ErrorCode.Conflict}: already decided or closed; ${ErrorCode.VersionConflict}: another writer won, try again; ` +
    `${ErrorCode.MappingHeld}: the mapping waits for a person.`,
  413: `${ErrorCode.PayloadTooLarge}: the body is over server.bodyLimitBytes.`,
  415: `${ErrorCode.UnsupportedMediaType}: a body that is not application/json.`,
  429:
    `${ErrorCode.RateLimited}: over the per-client budget (300 requests a minute); ` +
    '`Retry-After` says when to try again.',
  500:
    `${ErrorCode.Internal} (a bug, logged; message hidden), or the code of what failed: ` +
    `${ErrorCode.Connector} (a vendor), ${ErrorCode.Store}, ${ErrorCode.Transform}, ...`,
} as const;

/** A status {@link errorResponses} documents. */
export type ErrorStatus = keyof typeof ERROR_STATUS;

/** One documented error answer: the envelope, with what the status means on this API. */
export interface ErrorResponse {
  readonly description: string;
  readonly content: { readonly 'application/json': { readonly schema: typeof errorEnvelope } };
}

/**
 * The error answers of a route: those given (e.g. 400 for a route with input, 404 for one
 * with an id, 409 for a decision that can only be made once) plus 401, 429 and 500, which
 * every admin route can answer.
 */
export function errorResponses(...statuses: ErrorStatus[]): Readonly<Record<number, ErrorResponse>> {
  const all = [...new Set<ErrorStatus>([...statuses, 401, 429, 500])].sort((a, b) => a - b);
  return Object.fromEntries(
    all.map((status) => [
      status,
      { description: ERROR_STATUS[status], content: { 'application/json': { schema: errorEnvelope } } },
    ]),
  );
}

/** The `:id` of a route (a mapping id, a UUID, a delivery id). */
export const idParams = z.strictObject({ id: z.string().min(1).max(200).describe('The id.') });

/** A page size: 1 to 1,000, default 100. */
export const limit = z.coerce.number().int().min(1).max(1000).default(100).describe('At most this many; default 100.');

/**
 * Who acts, for the audit log. With an admin's own token (`server.admins`) the audit log
 * records that admin's name (and this, in brackets, when given); with the shared
 * `server.adminToken` it records this, default `admin-api`.
 */
export const by = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .optional()
  .describe(
    "Who decides, as the audit log records it. With an admin's own token (server.admins) the log names that admin " +
      '(and this, in brackets); with server.adminToken it records this, default `admin-api`.',
  );

/** A side of a mapping. */
export const side = z.enum(['crm', 'erp']);

/** A value of either system, as stored (any JSON). */
export const jsonValue = z.unknown();

/** A time, ISO 8601. */
export const isoTime = z.string().describe('ISO 8601');

/**
 * The `schema` of an admin route: what fastify validates (`params`, `querystring`, `body`,
 * zod) and what the document shows (all of it). `hide` leaves a route out of the document
 * (only the document and reference routes themselves).
 */
export interface AdminRouteSchema {
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly params?: z.ZodType;
  readonly querystring?: z.ZodType;
  readonly body?: z.ZodType;
  readonly response: Readonly<Record<number, z.ZodType | ErrorResponse | DescribedResponse>>;
  readonly hide?: boolean;
}

/**
 * An admin route's schema, its request parts typed exactly (the handler gets their parsed
 * types) and its answers typed loosely: the store's records are interfaces the response
 * schemas describe in part (loose objects), which TypeScript cannot match field for field.
 * A zod schema given for 200 is documented with the route's summary as its description.
 */
export function adminRoute<const T extends AdminRouteSchema>(
  schema: T,
): Omit<T, 'response'> & Pick<AdminRouteSchema, 'response'> {
  const ok = schema.response[200];
  if (ok === undefined || !(ok instanceof z.ZodType)) return schema;
  const described: ErrorResponse | DescribedResponse = {
    description: ok.description ?? schema.summary,
    content: { 'application/json': { schema: ok } },
  };
  return { ...schema, response: { ...schema.response, 200: described } };
}

/** A documented answer other than an error. */
export interface DescribedResponse {
  readonly description: string;
  readonly content: { readonly 'application/json': { readonly schema: z.ZodType } };
}
