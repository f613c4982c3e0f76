/**
 * XML-RPC at `/xmlrpc/2/<service>` (int fault codes) and the historical
 * `/xmlrpc/<service>` (string fault codes), HTTP 200 and `text/xml` either way, so the
 * common npm clients (`xmlrpc`, `odoo-await`) work unchanged.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toOdooError, xmlRpcFaultInt, xmlRpcFaultString } from '../errors.ts';
import { dispatchRpc } from './dispatch.ts';
import { afterWrite, type TransportDeps } from './deps.ts';
import { encodeFault, encodeResponse, parseMethodCall } from './xmlrpc-codec.ts';

/** Registers the XML-RPC endpoints. */
export function registerXmlRpc(app: FastifyInstance, deps: TransportDeps): void {
  app.addContentTypeParser(
    ['text/xml', 'application/xml'],
    { parseAs: 'string', bodyLimit: 10 * 1024 * 1024 },
    (_req, body, done) => {
      done(null, body);
    },
  );
  const handle =
    (intCodes: boolean) => async (request: FastifyRequest<{ Params: { service: string } }>, reply: FastifyReply) => {
      reply.type('text/xml; charset=utf-8');
      try {
        const { methodName, params } = parseMethodCall(typeof request.body === 'string' ? request.body : '');
        const { result, changes } = dispatchRpc(deps.auth, deps.orm, request.params.service, methodName, params);
        if (afterWrite(deps, request, reply, changes)) return reply;
        return encodeResponse(result);
      } catch (err) {
        const e = toOdooError(err);
        const fault = intCodes ? xmlRpcFaultInt(e) : xmlRpcFaultString(e);
        return encodeFault(fault.faultCode, fault.faultString);
      }
    };
  app.post<{ Params: { service: string } }>('/xmlrpc/2/:service', handle(true));
  app.post<{ Params: { service: string } }>('/xmlrpc/:service', handle(false));
}
