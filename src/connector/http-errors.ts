/**
 * The facts of a failed HTTP exchange, handed to a connector's one error translator, and
 * a default translator that understands the common vendor error shapes.
 */
import { ErrorCode } from '../errors.ts';
import { ConnectorError } from './errors.ts';

/** Response headers, names lower-cased. */
export type ResponseHeaders = Record<string, string | undefined>;

/** A response the client received (any status). */
export interface HttpResponse {
  /** HTTP status. */
  status: number;
  /** Headers, names lower-cased; multi-valued headers joined with `, `. */
  headers: ResponseHeaders;
  /** Parsed JSON body; undefined when empty. */
  body: unknown;
  /** Body as received. */
  text: string;
}

/** What failed, as the translator sees it. */
export type HttpFailure =
  | {
      /** Discriminator: a response arrived with a failing status. */
      kind: 'response';
      /** Connection name. */
      connection: string;
      /** Request method. */
      method: string;
      /** Request path, without the query string. */
      path: string;
      /** The response. `body` is undefined when it was not valid JSON. */
      response: HttpResponse;
    }
  | {
      /** Discriminator: no response (reset, timeout, DNS). */
      kind: 'network';
      /** Connection name. */
      connection: string;
      /** Request method. */
      method: string;
      /** Request path, without the query string. */
      path: string;
      /** Scheme, host and port called (`http://127.0.0.1:4010`). */
      origin: string;
      /** Node/axios error code (`ECONNRESET`, `ECONNABORTED`, `ETIMEDOUT`), when known. */
      code: string | undefined;
      /** The underlying error. */
      error: Error;
    };

/** Turns a failure into the one ConnectorError the rest of frontback sees. One per connector. */
export type ErrorTranslator = (failure: HttpFailure) => ConnectorError;

/** Statuses where the same request may succeed later. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

const CORRELATION_HEADERS = [
  'x-hubspot-correlation-id',
  'x-request-id',
  'request-id',
  'x-correlation-id',
  'x-ms-request-id',
  'sforce-call-id',
];

/** The vendor's correlation id from common headers, if present. */
export function correlationIdFrom(headers: ResponseHeaders): string | undefined {
  for (const name of CORRELATION_HEADERS) {
    const value = headers[name];
    if (value) return value;
  }
  return undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/**
 * Picks message, code and correlation id out of the common shapes: HubSpot
 * `{message, category, correlationId}`, OData / Business Central `{error: {code, message}}`,
 * Salesforce `[{message, errorCode}]`, OAuth `{error, error_description}`, NetSuite
 * `{title, "o:errorDetails": [{detail, "o:errorCode"}]}`.
 */
export function describeVendorError(body: unknown): { message?: string; vendorCode?: string; correlationId?: string } {
  const first = Array.isArray(body) ? (body[0] as unknown) : body;
  const nested = field(first, 'error');
  const details = field(first, 'o:errorDetails');
  const detail = Array.isArray(details) ? (details[0] as unknown) : undefined;
  const message =
    str(field(nested, 'message')) ??
    str(field(detail, 'detail')) ??
    str(field(first, 'message')) ??
    str(field(first, 'error_description')) ??
    str(field(first, 'title')) ??
    str(nested);
  const vendorCode =
    str(field(nested, 'code')) ??
    str(field(detail, 'o:errorCode')) ??
    str(field(first, 'errorCode')) ??
    str(field(first, 'category')) ??
    str(field(first, 'errorType')) ??
    str(nested);
  const correlationId = str(field(first, 'correlationId'));
  return {
    ...(message === undefined ? {} : { message }),
    ...(vendorCode === undefined ? {} : { vendorCode }),
    ...(correlationId === undefined ? {} : { correlationId }),
  };
}

/** Node's codes for "nothing answers at that address": the host is down, absent or refuses the port. */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** True for `localhost` and the loopback addresses (127.0.0.0/8, ::1). */
function isLoopback(origin: string): boolean {
  const host = new URL(origin).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** What a network failure says: for an address nothing answers at, where that is and what to check. */
function networkMessage(failure: Extract<HttpFailure, { kind: 'network' }>): string {
  const call = `${failure.method} ${failure.path}`;
  if (failure.code === undefined || !UNREACHABLE_CODES.has(failure.code))
    return `${call} failed: ${failure.error.message}`;
  const hint = isLoopback(failure.origin)
    ? 'is the sandbox (or the local service) running?'
    : `check the connection's baseUrl and the network`;
  return `${failure.connection}: cannot reach ${failure.origin} (${failure.code} on ${call}): ${hint}`;
}

/** The default translator: vendor message verbatim where found, else `HTTP <status>`; a 401 gets code `UNAUTHORIZED`. */
export function defaultTranslateError(failure: HttpFailure): ConnectorError {
  if (failure.kind === 'network') {
    return new ConnectorError(
      networkMessage(failure),
      {
        connection: failure.connection,
        retryable: true,
        ...(failure.code === undefined ? {} : { vendorCode: failure.code }),
      },
      { cause: failure.error },
    );
  }
  const { response } = failure;
  const vendor = describeVendorError(response.body);
  const correlationId = vendor.correlationId ?? correlationIdFrom(response.headers);
  return new ConnectorError(vendor.message ?? `${failure.method} ${failure.path} answered HTTP ${response.status}`, {
    connection: failure.connection,
    status: response.status,
    retryable: isRetryableStatus(response.status),
    ...(response.status === 401 ? { code: ErrorCode.Auth } : {}),
    ...(vendor.vendorCode === undefined ? {} : { vendorCode: vendor.vendorCode }),
    ...(correlationId === undefined ? {} : { correlationId }),
  });
}

/**
 * Milliseconds to wait from a `Retry-After` header: delta-seconds (`"10"`) or an HTTP
 * date (`"Wed, 21 Oct 2015 07:28:00 GMT"`, compared with `now`). Undefined when absent
 * or unparseable; never negative.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
