/**
 * Odoo's server-side exceptions as the sandbox raises them, and their three wire
 * envelopes: JSON-RPC (HTTP 200 with an `error` object), XML-RPC (`<fault>` with an
 * int or string faultCode) and JSON-2 (a real HTTP status with a flat body).
 * Shapes follow odoo/http.py `serialize_exception` and
 * odoo/addons/base/controllers/rpc.py `xmlrpc_handle_exception_int/_string`.
 */

/** The Odoo exception classes the sandbox raises, by their Python dotted name. */
export type OdooErrorName =
  | 'odoo.exceptions.ValidationError'
  | 'odoo.exceptions.UserError'
  | 'odoo.exceptions.MissingError'
  | 'odoo.exceptions.AccessError'
  | 'odoo.exceptions.AccessDenied'
  | 'builtins.ValueError'
  | 'builtins.TypeError'
  | 'builtins.AttributeError'
  | 'builtins.KeyError'
  | 'builtins.NameError'
  | 'psycopg2.OperationalError'
  | 'werkzeug.exceptions.NotFound';

/** Exceptions Odoo treats as "user" errors (XML-RPC fault code 2, JSON-2 status 422). */
const USER_ERRORS: ReadonlySet<OdooErrorName> = new Set([
  'odoo.exceptions.ValidationError',
  'odoo.exceptions.UserError',
  'odoo.exceptions.MissingError',
]);

/** An exception raised inside the sandbox's ORM or dispatcher, carried to a transport. */
export class OdooError extends Error {
  override name = 'OdooError';
  /** Python dotted class name, e.g. `odoo.exceptions.ValidationError` (what clients branch on). */
  readonly odooName: OdooErrorName;
  /** Python `exception.args`; Odoo puts the message first. */
  readonly args: unknown[];

  constructor(odooName: OdooErrorName, message: string, args?: unknown[]) {
    super(message);
    this.odooName = odooName;
    this.args = args ?? [message];
  }

  /** Short Python class name (`ValidationError`). */
  get className(): string {
    return this.odooName.slice(this.odooName.lastIndexOf('.') + 1);
  }

  /** A Python-style traceback text for the `debug` field (the sandbox has no real frames). */
  get debug(): string {
    return `Traceback (most recent call last):\n  File "odoo/service/model.py", line 1, in retrying\n${this.odooName}: ${this.message}\n`;
  }
}

/** `ValidationError(message)`. */
export const validationError = (message: string): OdooError =>
  new OdooError('odoo.exceptions.ValidationError', message);
/** `UserError(message)`. */
export const userError = (message: string): OdooError => new OdooError('odoo.exceptions.UserError', message);
/** `AccessError(message)`. */
export const accessError = (message: string): OdooError => new OdooError('odoo.exceptions.AccessError', message);
/** `AccessDenied()`: wrong login, uid or key. */
export const accessDenied = (): OdooError => new OdooError('odoo.exceptions.AccessDenied', 'Access Denied');
/** `ValueError(message)`: malformed domains, unknown fields, bad values. */
export const valueError = (message: string): OdooError => new OdooError('builtins.ValueError', message);
/** `TypeError(message)`: wrong arguments to a method. */
export const typeError = (message: string): OdooError => new OdooError('builtins.TypeError', message);

/** MissingError as `check_access`/`_write` raise it: `Record does not exist or has been deleted.` */
export function missingError(model: string, ids: readonly number[], uid: number): OdooError {
  const list = ids.length === 1 ? `${ids[0]},` : ids.join(', ');
  return new OdooError(
    'odoo.exceptions.MissingError',
    `Record does not exist or has been deleted.\n(Record: ${model}(${list}), User: ${uid})`,
  );
}

/** The JSON-RPC error object (`code` 200 for every server error, as Odoo does). */
export function jsonRpcError(err: OdooError): { code: number; message: string; data: Record<string, unknown> } {
  const notFound = err.odooName === 'werkzeug.exceptions.NotFound';
  return {
    code: notFound ? 404 : 200,
    message: notFound ? '404: Not Found' : 'Odoo Server Error',
    data: { name: err.odooName, debug: err.debug, message: err.message, arguments: err.args, context: {} },
  };
}

/** XML-RPC fault for `/xmlrpc/2/*` (int codes: 1 application, 2 warning, 3 access denied, 4 access error). */
export function xmlRpcFaultInt(err: OdooError): { faultCode: number; faultString: string } {
  if (err.odooName === 'odoo.exceptions.AccessError') return { faultCode: 4, faultString: err.message };
  if (err.odooName === 'odoo.exceptions.AccessDenied') return { faultCode: 3, faultString: err.message };
  if (USER_ERRORS.has(err.odooName)) return { faultCode: 2, faultString: err.message };
  return { faultCode: 1, faultString: err.debug };
}

/** XML-RPC fault for the historical `/xmlrpc/*` (string fault codes). */
export function xmlRpcFaultString(err: OdooError): { faultCode: string; faultString: string } {
  switch (err.odooName) {
    case 'odoo.exceptions.MissingError':
      return { faultCode: `warning -- MissingError\n\n${err.message}`, faultString: '' };
    case 'odoo.exceptions.AccessError':
      return { faultCode: `warning -- AccessError\n\n${err.message}`, faultString: '' };
    case 'odoo.exceptions.AccessDenied':
      return { faultCode: 'AccessDenied', faultString: err.message };
    case 'odoo.exceptions.ValidationError':
    case 'odoo.exceptions.UserError':
      return { faultCode: `warning -- UserError\n\n${err.message}`, faultString: '' };
    default:
      return { faultCode: err.message, faultString: err.debug };
  }
}

/**
 * JSON-2 status for an error: 401 bad key, 403 access error, 404 unknown model or
 * method, 422 user errors and bad arguments, 500 otherwise. (The 422 for ValueError and
 * TypeError is unconfirmed against Odoo's json2 controller.)
 */
export function json2Status(err: OdooError): number {
  switch (err.odooName) {
    case 'odoo.exceptions.AccessDenied':
      return 401;
    case 'odoo.exceptions.AccessError':
      return 403;
    case 'werkzeug.exceptions.NotFound':
      return 404;
    case 'builtins.ValueError':
    case 'builtins.TypeError':
      return 422;
    default:
      return USER_ERRORS.has(err.odooName) ? 422 : 500;
  }
}

/** JSON-2 error body `{name, message, arguments, context, debug}`. */
export function json2Body(err: OdooError): Record<string, unknown> {
  return { name: err.odooName, message: err.message, arguments: err.args, context: {}, debug: err.debug };
}

/** Wraps anything thrown by sandbox code into an OdooError (unexpected bugs become a builtins error). */
export function toOdooError(err: unknown): OdooError {
  if (err instanceof OdooError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new OdooError('builtins.ValueError', message);
}
