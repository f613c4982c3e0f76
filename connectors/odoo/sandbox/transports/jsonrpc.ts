/**
 * JSON-RPC 2.0 at `POST /jsonrpc` (odoo/addons/base/controllers/rpc.py `jsonrpc`): every
 * server error is answered HTTP 200 with `{"jsonrpc":"2.0","id":..,"error":{"code":200,
 * "message":"Odoo Server Error","data":{name,debug,message,arguments,context}}}`.
 */
import type { FastifyInstance } from 'fastify';
import { jsonRpcError, toOdooError } from '../errors.ts';
import { dispatchRpc } from './dispatch.ts';
import { afterWrite, type TransportDeps } from './deps.ts';

/** Registers `/jsonrpc`. */
export function registerJsonRpc(app: FastifyInstance, deps: TransportDeps): void {
  app.post('/jsonrpc', async (request, reply) => {
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
      string,
      unknown
    >;
    const id = body['id'] ?? null;
    const params = (typeof body['params'] === 'object' && body['params'] !== null ? body['params'] : {}) as Record<
      string,
      unknown
    >;
    try {
      const { result, changes } = dispatchRpc(deps.auth, deps.orm, params['service'], params['method'], params['args']);
      if (afterWrite(deps, request, reply, changes)) return reply;
      return { jsonrpc: '2.0', id, result };
    } catch (err) {
      return { jsonrpc: '2.0', id, error: jsonRpcError(toOdooError(err)) };
    }
  });
}
