/**
 * How the admin routes check their input: fastify validates each route's `params`,
 * `querystring` and `body` with its zod schema (fastify-type-provider-zod's compiler, so
 * the handler gets the parsed value with its defaults), and a failure is a 400
 * `VALIDATION_FAILED` in the server's envelope naming each bad field as `path.id: ...`,
 * `query.limit: ...`, `body.take: ...`: the same answer as when the handlers parsed by hand.
 * The schemas are the ones the OpenAPI document is generated from (admin-openapi.ts).
 */
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { ErrorCode, FrontbackError } from '../errors.ts';

/** The name of each request part in a problem (`query.limit: ...`), as the API has always said it. */
const PART: Readonly<Record<string, string>> = {
  params: 'path',
  querystring: 'query',
  body: 'body',
  headers: 'headers',
};

/**
 * The 400 for a request part that failed its schema: one problem per issue, `where.field:
 * message` (`where` alone for the object itself: an unknown key, a missing body).
 */
export function validationError(errors: readonly FastifySchemaValidationError[], part: string): FrontbackError {
  const where = PART[part] ?? part;
  const problems = errors.map((e) => {
    // The provider writes an issue's path as `/a/0/b` (no key of the admin API holds a slash).
    const path = e.instancePath.split('/').filter((segment) => segment !== '');
    return `${where}${path.length > 0 ? `.${path.join('.')}` : ''}: ${e.message ?? 'invalid'}`;
  });
  return new FrontbackError(ErrorCode.Validation, problems.join('; '), { details: { problems } });
}

/**
 * Makes `scope`'s routes validate with their zod schemas and answer a failure as
 * {@link validationError}. Response schemas are documentation only: answers are
 * serialized with JSON.stringify, as without a schema, so no field a client gets is ever
 * dropped (a zod object would strip unknown keys) and no answer turns into a 500.
 */
export function useZodValidation(scope: FastifyInstance): void {
  scope.setValidatorCompiler<z.ZodType>((route) => {
    const validate = validatorCompiler(route);
    // fastify hands a missing body over as null: read as no body, so `.default(...)` applies.
    return (data) => validate(data ?? undefined);
  });
  scope.setSchemaErrorFormatter((errors, part) => validationError(errors, part));
  scope.setSerializerCompiler(() => (data) => JSON.stringify(data));
}
