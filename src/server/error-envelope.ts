/**
 * One error shape for every answer of the server (STYLE: `{ error: { code, message,
 * details } }`), whatever raised it: a FrontbackError, fastify itself (body too large,
 * unsupported content type, malformed JSON) or a bug (500, logged, message hidden).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ErrorCode, FrontbackError } from '../errors.ts';

/** The envelope. */
export interface ErrorEnvelope {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** Builds an envelope. */
export function envelope(code: string, message: string, details: Record<string, unknown> = {}): ErrorEnvelope {
  return { error: { code, message, details } };
}

/** HTTP status of each error code that reaches a client (anything else is a 500). */
const STATUS: ReadonlyMap<string, number> = new Map([
  [ErrorCode.Validation, 400],
  [ErrorCode.Auth, 401],
  [ErrorCode.Forbidden, 403],
  [ErrorCode.NotFound, 404],
  [ErrorCode.Conflict, 409],
  [ErrorCode.VersionConflict, 409],
  [ErrorCode.MappingHeld, 409],
  [ErrorCode.PayloadTooLarge, 413],
  [ErrorCode.UnsupportedMediaType, 415],
  [ErrorCode.RateLimited, 429],
]);
/** The HTTP status an error code is answered with (500 for codes that do not reach clients). */
export function statusOfCode(code: string): number {
  return STATUS.get(code) ?? 500;
}

/** The code of a status fastify answers by itself. */
const CODE_OF_STATUS: ReadonlyMap<number, string> = new Map([...STATUS].map(([code, status]) => [status, code]));

/** Installs the error and not-found handlers on `app`. */
export function useErrorEnvelope(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(envelope(ErrorCode.NotFound, `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );
  app.setErrorHandler((error: FastifyError | FrontbackError, request, reply) => {
    if (error instanceof FrontbackError) {
      const status = STATUS.get(error.code) ?? 500;
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      return reply.code(status).send(error.toJSON());
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(500).send(envelope(ErrorCode.Internal, 'internal error; see the server log'));
    }
    // fastify's own refusals (FST_ERR_CTP_BODY_TOO_LARGE, FST_ERR_CTP_INVALID_MEDIA_TYPE, ...): its message, our code.
    return reply
      .code(status)
      .send(
        envelope(
          CODE_OF_STATUS.get(status) ?? ErrorCode.Validation,
          error.message,
          error.code ? { reason: error.code } : {},
        ),
      );
  });
}
