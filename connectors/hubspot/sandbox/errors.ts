/**
 * HubSpot's error envelope: `{status:"error", message, correlationId, category,
 * subCategory?, errors?, context?}` (CONNECTORS.md "Error body"). Route handlers throw
 * {@link HubSpotApiError}; the server's error handler renders it.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';

/** One entry of an error's `errors` list. */
export interface HubSpotErrorDetail {
  /** Human-readable message. */
  message: string;
  /** Machine code, e.g. `PROPERTY_DOESNT_EXIST`. */
  code?: string;
  /** Where the problem is (field or parameter name). */
  in?: string;
  /** Extra facts, each a list of strings. */
  context?: Record<string, string[]>;
}

/** HubSpot error categories used by the sandbox. */
export type HubSpotErrorCategory =
  | 'VALIDATION_ERROR'
  | 'OBJECT_NOT_FOUND'
  | 'CONFLICT'
  | 'OBJECT_ALREADY_EXISTS'
  | 'INVALID_AUTHENTICATION'
  | 'EXPIRED_AUTHENTICATION'
  | 'RATE_LIMITS'
  | 'INTERNAL_ERROR'
  | 'SERVICE_UNAVAILABLE';

/** An error the sandbox answers in HubSpot's shape. */
export class HubSpotApiError extends Error {
  override name = 'HubSpotApiError';
  constructor(
    /** HTTP status. */
    readonly status: number,
    message: string,
    /** HubSpot `category`. */
    readonly category: HubSpotErrorCategory,
    /** Optional `errors` list and `context`. */
    readonly extra: { errors?: HubSpotErrorDetail[]; context?: Record<string, string[]>; subCategory?: string } = {},
  ) {
    super(message);
  }

  /** The JSON body HubSpot sends. */
  body(): Record<string, unknown> {
    return {
      status: 'error',
      message: this.message,
      correlationId: randomUUID(),
      category: this.category,
      ...(this.extra.subCategory === undefined ? {} : { subCategory: this.extra.subCategory }),
      ...(this.extra.errors === undefined ? {} : { errors: this.extra.errors }),
      ...(this.extra.context === undefined ? {} : { context: this.extra.context }),
    };
  }
}

/** Shorthand constructors for the errors HubSpot answers most. */
export const hubspotErrors = {
  validation: (message: string, errors?: HubSpotErrorDetail[]) =>
    new HubSpotApiError(400, message, 'VALIDATION_ERROR', errors ? { errors } : {}),
  notFound: (message = 'resource not found') => new HubSpotApiError(404, message, 'OBJECT_NOT_FOUND'),
  conflict: (message: string) => new HubSpotApiError(409, message, 'CONFLICT'),
  unknownObjectType: (type: string) =>
    new HubSpotApiError(400, `Unable to infer object type from: ${type}`, 'VALIDATION_ERROR'),
};

/** Sends `err` as HubSpot does. */
export function sendHubSpotError(reply: FastifyReply, err: HubSpotApiError): FastifyReply {
  return reply.code(err.status).send(err.body());
}

/** Body of an injected 500/503 fault, in HubSpot's shape. */
export function faultBody(status: number): Record<string, unknown> {
  return status === 503
    ? new HubSpotApiError(503, 'Service Unavailable', 'SERVICE_UNAVAILABLE').body()
    : new HubSpotApiError(500, 'internal error', 'INTERNAL_ERROR').body();
}
