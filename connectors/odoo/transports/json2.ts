/**
 * JSON-2 transport (Odoo 19+): `POST /json/2/<model>/<method>` with
 * `Authorization: bearer <key>` and `X-Odoo-Database`; the body holds the method's named
 * arguments plus `ids` (record methods) and `context`. Errors come with real statuses and
 * a flat `{name, message, arguments, context, debug}` body (translated in errors.ts).
 */
import { z } from 'zod';
import type { AuthProvider, HttpClient } from '../../../src/connector/index.ts';
import { checkResult, type OdooTransport } from './transport.ts';

/**
 * Positional parameter names of the methods the connector calls (after `self`; record
 * methods take the ids first), so one `call(model, method, args, kwargs)` serves both
 * transports.
 */
const PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  search: ['domain', 'offset', 'limit', 'order'],
  search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
  search_count: ['domain', 'limit'],
  read: ['ids', 'fields', 'load'],
  create: ['vals_list'],
  write: ['ids', 'vals'],
  unlink: ['ids'],
  fields_get: ['allfields', 'attributes'],
  name_search: ['name', 'domain', 'operator', 'limit'],
  load: ['fields', 'data'],
};

/** `Authorization: bearer <key>` (Odoo's own spelling). */
export function json2Auth(key: string): AuthProvider {
  return {
    apply(headers) {
      headers.authorization = `bearer ${key}`;
      return Promise.resolve();
    },
  };
}

/** Turns positional arguments into JSON-2's named ones. */
export function json2Body(
  method: string,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const names = PARAMETERS[method];
  if (names === undefined && args.length > 0)
    throw new RangeError(`json2: positional arguments of "${method}" are unknown; pass them by name`);
  const body: Record<string, unknown> = {};
  args.forEach((value, index) => {
    const name = names?.[index];
    if (name === undefined)
      throw new RangeError(`json2: "${method}" takes ${names?.length ?? 0} positional arguments, got ${args.length}`);
    body[name] = value;
  });
  return { ...body, ...kwargs };
}

const anyBody = z.unknown();

/** Creates the JSON-2 transport over `http` (built with {@link json2Auth} and the database header). */
export function json2Transport(http: HttpClient): OdooTransport {
  return {
    kind: 'json2',
    async call(model, method, args, kwargs, schema, options = {}) {
      const route = `${model}.${method}`;
      const body = json2Body(method, args, kwargs);
      const raw = await http.request(
        { method: 'POST', path: `/json/2/${model}/${method}`, body, route, retry: options.retry ?? true },
        anyBody,
      );
      return checkResult(http.connection, route, raw, schema);
    },
    close: () => http.close(),
  };
}
