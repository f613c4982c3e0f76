/**
 * Salesforce's error shapes. The REST API answers a failed call with a JSON array of
 * `{message, errorCode, fields?}` (REST API Developer Guide, "Status Codes and Error
 * Responses"); inside sObject Collections each record's errors say `statusCode` instead of
 * `errorCode` (REST API Developer Guide, "sObject Collections"). OAuth endpoints answer
 * `{error, error_description}` (see auth). Route handlers throw {@link SalesforceApiError};
 * the server's error handler renders it.
 */
import type { FastifyReply } from 'fastify';

/** One error of a REST answer. */
export interface SalesforceErrorItem {
  message: string;
  errorCode: string;
  fields?: string[];
  /** Extra members some errors carry (e.g. `duplicateResult` on DUPLICATES_DETECTED). */
  [extra: string]: unknown;
}

/** An error the sandbox answers in Salesforce's REST shape. */
export class SalesforceApiError extends Error {
  override name = 'SalesforceApiError';
  /** The errors of the answer (usually one). */
  readonly items: SalesforceErrorItem[];

  constructor(
    /** HTTP status. */
    readonly status: number,
    errorCode: string,
    message: string,
    fields?: string[],
    extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.items = [{ message, errorCode, ...(fields ? { fields } : {}), ...extra }];
  }

  /** The first error's code. */
  get errorCode(): string {
    return this.items[0]?.errorCode ?? 'UNKNOWN_EXCEPTION';
  }
}

/** One failure as sObject Collections reports it for a record. */
export interface CollectionError {
  statusCode: string;
  message: string;
  fields: string[];
  [extra: string]: unknown;
}

/** The error as a collection result's `errors` entry (`statusCode`, `fields` always present). */
export function toCollectionErrors(err: SalesforceApiError): CollectionError[] {
  return err.items.map(({ errorCode, message, fields, ...extra }) => ({
    ...extra,
    statusCode: errorCode,
    message,
    fields: fields ?? [],
  }));
}

/** Sends a {@link SalesforceApiError}. */
export function sendSalesforceError(reply: FastifyReply, err: SalesforceApiError): FastifyReply {
  return reply.code(err.status).send(err.items);
}

/** The body of an injected fault (the kit's 500/503). */
export function faultBody(status: number): SalesforceErrorItem[] {
  return status === 503
    ? [{ message: 'Server is temporarily unavailable, please try again later.', errorCode: 'SERVER_UNAVAILABLE' }]
    : [
        {
          message:
            'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)',
          errorCode: 'UNKNOWN_EXCEPTION',
        },
      ];
}

/** NOT_FOUND as the REST API words it for a missing record. */
export function notFound(): SalesforceApiError {
  return new SalesforceApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
}
