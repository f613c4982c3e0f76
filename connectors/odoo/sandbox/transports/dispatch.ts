/**
 * `dispatch_rpc(service, method, params)` shared by JSON-RPC and XML-RPC: the `common`,
 * `object` and `db` services of odoo/service.
 */
import type { OdooAuth } from '../auth.ts';
import { OdooError, typeError } from '../errors.ts';
import type { OdooOrm } from '../orm/orm.ts';
import type { Change } from '../orm/env.ts';

/** Version facts the sandbox reports (`common.version`). */
export const SERVER_VERSION = {
  server_version: '19.0',
  server_version_info: [19, 0, 0, 'final', 0, ''],
  server_serie: '19.0',
  protocol_version: 1,
};

/** What one RPC returned. */
export interface Dispatched {
  /** The value to send back. */
  result: unknown;
  /** Committed changes (non-empty only for writes). */
  changes: readonly Change[];
}

const read = (result: unknown): Dispatched => ({ result, changes: [] });

/** Runs one RPC call. */
export function dispatchRpc(
  auth: OdooAuth,
  orm: OdooOrm,
  service: unknown,
  method: unknown,
  params: unknown,
): Dispatched {
  const args = Array.isArray(params) ? params : [];
  if (service === 'common') {
    switch (method) {
      case 'version':
        return read(SERVER_VERSION);
      case 'about':
        return read('See http://openerp.com');
      case 'login':
      case 'authenticate':
        return read(auth.authenticate(args[0], args[1], args[2]));
      default:
        throw new OdooError('builtins.KeyError', `'${String(method)}'`);
    }
  }
  if (service === 'object') {
    if (method !== 'execute_kw' && method !== 'execute')
      throw new OdooError('builtins.NameError', `Method not available ${String(method)}`);
    if (args.length < 5) throw typeError(`${String(method)}() missing required positional arguments`);
    const caller = auth.check(args[0], args[1], args[2]);
    const model = String(args[3]);
    const name = String(args[4]);
    const call =
      method === 'execute_kw'
        ? orm.executeKw(caller, model, name, args[5] ?? [], args[6] ?? {})
        : orm.executeKw(caller, model, name, args.slice(5), {});
    return { result: call.result, changes: call.changes };
  }
  if (service === 'db') {
    if (method === 'list') return read([auth.db]);
    if (method === 'server_version') return read(SERVER_VERSION.server_version);
    throw new OdooError('builtins.KeyError', `'${String(method)}'`);
  }
  throw new OdooError('builtins.KeyError', `'${String(service)}'`);
}
