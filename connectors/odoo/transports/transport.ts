/**
 * One call of an Odoo model method, whatever the wire: JSON-RPC `execute_kw` or JSON-2.
 */
import type { ZodType } from 'zod';
import { ErrorCode } from '../../../src/errors.ts';
import { ConnectorError } from '../../../src/connector/index.ts';

/** How one call may be repeated. */
export interface CallOptions {
  /**
   * False for calls that must not be repeated after a network error or a 5xx because a
   * repeat could write twice (a plain `create`). Default true.
   */
  retry?: boolean;
}

/** Sends model method calls to Odoo. */
export interface OdooTransport {
  /** `json-rpc` or `json2`, for logs and errors. */
  readonly kind: 'jsonrpc' | 'json2';
  /**
   * Calls `model.method(*args, **kwargs)` and validates the result with `schema`. For
   * record methods (`read`, `write`, `unlink`) `args[0]` is the list of ids.
   * @throws ConnectorError translated from Odoo's exception name.
   */
  call<T>(
    model: string,
    method: string,
    args: readonly unknown[],
    kwargs: Readonly<Record<string, unknown>>,
    schema: ZodType<T>,
    options?: CallOptions,
  ): Promise<T>;
  /** Closes the keep-alive sockets. */
  close(): void;
}

/** Validates a call's result; a mismatch is `INVALID_RESPONSE`, naming the method and the path. */
export function checkResult<T>(connection: string, route: string, value: unknown, schema: ZodType<T>): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const where = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.')}: ${issue.message}`)
    .join('; ');
  throw new ConnectorError(`${connection}: ${route} answered an unexpected result: ${where}`, {
    connection,
    retryable: false,
    code: ErrorCode.InvalidResponse,
  });
}
