/**
 * JSON-RPC transport: `POST /jsonrpc` with `{"jsonrpc":"2.0","method":"call","params":
 * {"service":"object","method":"execute_kw","args":[db, uid, key, model, method, args,
 * kwargs]},"id":N}`. The uid comes from `common.authenticate(db, login, key, {})` once
 * and is cached. Odoo answers every server error with HTTP 200 and an `error` member, so
 * the HTTP client's `detectError` hook turns that into a ConnectorError by `data.name`.
 */
import type { ZodType } from 'zod';
import { ErrorCode } from '../../../src/errors.ts';
import { ConnectorError, type HttpClient, type HttpResponse } from '../../../src/connector/index.ts';
import { jsonRpcFailure, OdooException } from '../errors.ts';
import { authenticateResultSchema, jsonRpcResponseSchema } from '../schemas.ts';
import { checkResult, type CallOptions, type OdooTransport } from './transport.ts';

/** Credentials of a JSON-RPC connection. */
export interface JsonRpcCredentials {
  /** Database name. */
  database: string;
  /** User login. */
  login: string;
  /** API key (or password). Secret: sent in the body, never logged. */
  key: string;
}

/** The `detectError` hook for JSON-RPC: an `error` member inside an HTTP 200. */
export function detectJsonRpcError(connection: string): (response: HttpResponse) => ConnectorError | undefined {
  return (response) => {
    const parsed = jsonRpcResponseSchema.safeParse(response.body);
    if (!parsed.success || parsed.data.error === undefined) return undefined;
    return jsonRpcFailure(connection, parsed.data.error);
  };
}

/** Creates the JSON-RPC transport over `http` (built with {@link detectJsonRpcError}). */
export function jsonRpcTransport(http: HttpClient, credentials: JsonRpcCredentials): OdooTransport {
  const connection = http.connection;
  let nextId = 1;
  let uid: Promise<number> | undefined;

  async function rpc<T>(
    service: string,
    method: string,
    args: unknown[],
    schema: ZodType<T>,
    route: string,
    options: CallOptions,
  ): Promise<T> {
    const body = { jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: nextId++ };
    const envelope = await http.request(
      { method: 'POST', path: '/jsonrpc', body, route, retry: options.retry ?? true },
      jsonRpcResponseSchema,
    );
    if (envelope.error !== undefined) throw jsonRpcFailure(connection, envelope.error);
    return checkResult(connection, route, envelope.result, schema);
  }

  function authenticate(): Promise<number> {
    uid ??= rpc(
      'common',
      'authenticate',
      [credentials.database, credentials.login, credentials.key, {}],
      authenticateResultSchema,
      'common.authenticate',
      {},
    ).then((answer) => {
      if (answer === false) {
        throw new ConnectorError(
          `Odoo refused the login "${credentials.login}" with this API key on database "${credentials.database}"`,
          {
            connection,
            retryable: false,
            code: ErrorCode.Auth,
            vendorCode: OdooException.AccessDenied,
          },
        );
      }
      return answer;
    });
    // A failed authentication is not cached: the next call asks again.
    uid.catch(() => {
      uid = undefined;
    });
    return uid;
  }

  return {
    kind: 'jsonrpc',
    async call(model, method, args, kwargs, schema, options = {}) {
      const id = await authenticate();
      return rpc(
        'object',
        'execute_kw',
        [credentials.database, id, credentials.key, model, method, [...args], { ...kwargs }],
        schema,
        `${model}.${method}`,
        options,
      );
    },
    close: () => http.close(),
  };
}
