/**
 * The one place Odoo errors are translated. Odoo names its exceptions (`data.name` in a
 * JSON-RPC error, `name` in a JSON-2 body); the connector branches on that name, never on
 * the numeric JSON-RPC `code` (always 200) nor only on the JSON-2 status.
 *
 * - ValidationError, UserError, MissingError: the record is wrong; not retryable, message
 *   verbatim (dead letters show it).
 * - AccessError: the integration user lacks a right; not retryable, status 403 on both
 *   transports, so a write batch fails as a whole instead of dead-lettering every record.
 * - AccessDenied / SessionExpired: credentials refused (`UNAUTHORIZED`).
 * - Serialization failures (`psycopg2.errors.SerializationFailure`, "could not serialize
 *   access due to concurrent update", deadlocks): another transaction won; retryable.
 * - Other server exceptions (ValueError, TypeError, KeyError, ...): a bug in the request
 *   or the server, which repeating will not fix; not retryable.
 */
import { ErrorCode } from '../../src/errors.ts';
import {
  ConnectorError,
  defaultTranslateError,
  isRetryableStatus,
  type HttpFailure,
} from '../../src/connector/index.ts';
import { odooErrorDataSchema, type OdooErrorData } from './schemas.ts';

/**
 * Odoo's exception names (`data.name` of a JSON-RPC error, `name` of a JSON-2 body) that the
 * connector branches on. Vendor data, not frontback codes: kept here, and only here.
 */
export const OdooException = {
  AccessDenied: 'odoo.exceptions.AccessDenied',
  AccessError: 'odoo.exceptions.AccessError',
  MissingError: 'odoo.exceptions.MissingError',
  SessionExpired: 'odoo.http.SessionExpiredException',
} as const;

/** The vendor code frontback gives a `load` call that wrote nothing (Odoo names no exception then). */
export const LOAD_REFUSED = 'odoo.load';

/** Exception names whose transaction lost a race and may succeed when repeated. */
const RETRYABLE_NAMES: ReadonlySet<string> = new Set([
  'psycopg2.errors.SerializationFailure',
  'psycopg2.extensions.TransactionRollbackError',
  'psycopg2.errors.DeadlockDetected',
  'psycopg2.errors.LockNotAvailable',
  'psycopg.errors.SerializationFailure',
  'psycopg.errors.DeadlockDetected',
]);

const RETRYABLE_MESSAGE = /could not serialize access|concurrent update|deadlock detected/i;

const AUTH_NAMES: ReadonlySet<string> = new Set([OdooException.AccessDenied, OdooException.SessionExpired]);

/** The short class name (`ValidationError`) of a dotted Python name. */
export function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/** True when an exception of this name (and message) may succeed if the call is repeated. */
export function isRetryableOdooError(name: string, message: string): boolean {
  return RETRYABLE_NAMES.has(name) || RETRYABLE_MESSAGE.test(message);
}

/** Turns Odoo's serialised exception into the ConnectorError the rest of frontback sees. */
export function odooError(connection: string, data: OdooErrorData, httpStatus?: number): ConnectorError {
  const auth = AUTH_NAMES.has(data.name);
  // An AccessError is the integration user's missing right, not one bad record: it carries
  // 403 on both transports (JSON-2's status), so a batch is not split into N dead letters.
  const status = httpStatus ?? (data.name === OdooException.AccessError ? 403 : undefined);
  return new ConnectorError(data.message === '' ? data.name : data.message, {
    connection,
    vendorCode: data.name,
    retryable: !auth && isRetryableOdooError(data.name, data.message),
    ...(status === undefined ? {} : { status }),
    ...(auth ? { code: ErrorCode.Auth } : {}),
  });
}

/**
 * The error inside a JSON-RPC `error` member. Without Odoo's `data` (a proxy or a very old
 * server) the envelope's own message is kept and the error is not retried.
 */
export function jsonRpcFailure(
  connection: string,
  error: { code?: number | undefined; message?: string | undefined; data?: unknown },
): ConnectorError {
  const data = odooErrorDataSchema.safeParse(error.data);
  if (data.success) return odooError(connection, data.data);
  return new ConnectorError(error.message ?? 'Odoo answered a JSON-RPC error without details', {
    connection,
    retryable: false,
    ...(error.code === undefined ? {} : { vendorCode: `jsonrpc:${error.code}` }),
  });
}

/**
 * The HTTP client's translator for both transports: a JSON-2 error body is translated by
 * its `name`; anything else (a proxy's 502, a network error) by the shared defaults.
 */
export function translateOdooError(failure: HttpFailure): ConnectorError {
  if (failure.kind === 'network') return defaultTranslateError(failure);
  const { response } = failure;
  const data = odooErrorDataSchema.safeParse(response.body);
  if (!data.success) return defaultTranslateError(failure);
  const error = odooError(failure.connection, data.data, response.status);
  if (response.status === 401 && error.code !== ErrorCode.Auth) {
    return new ConnectorError(error.message, {
      connection: failure.connection,
      status: 401,
      vendorCode: data.data.name,
      retryable: false,
      code: ErrorCode.Auth,
    });
  }
  // An Odoo exception carried by a 5xx that is not a known race (a server bug) is not
  // retried; a bare 503 from a proxy in front of Odoo is (handled by the defaults above).
  return isRetryableStatus(response.status) && response.status !== 500 && !error.retryable
    ? new ConnectorError(error.message, {
        connection: failure.connection,
        status: response.status,
        vendorCode: data.data.name,
        retryable: true,
      })
    : error;
}
