/**
 * JSON-2 (Odoo 19+) at `POST /json/2/<model>/<method>`: `Authorization: bearer <key>`,
 * optional `X-Odoo-Database`, the body holds the named arguments plus `ids` and
 * `context`; the result is the bare JSON value and errors use real HTTP statuses with
 * `{name, message, arguments, context, debug}`.
 */
import type { FastifyInstance } from 'fastify';
import { OdooError, json2Body, json2Status, toOdooError } from '../errors.ts';
import { isKnownMethod } from '../orm/methods.ts';
import { afterWrite, type TransportDeps } from './deps.ts';

/** Registers `/json/2/:model/:method`. */
export function registerJson2(app: FastifyInstance, deps: TransportDeps): void {
  app.post<{ Params: { model: string; method: string } }>('/json/2/:model/:method', async (request, reply) => {
    try {
      const caller = deps.auth.bearer(request.headers.authorization);
      const dbHeader = request.headers['x-odoo-database'];
      if (typeof dbHeader === 'string' && dbHeader !== deps.auth.db) {
        throw new OdooError('werkzeug.exceptions.NotFound', `database "${dbHeader}" does not exist`);
      }
      const { model, method } = request.params;
      if (!deps.orm.registry.find(model))
        throw new OdooError('werkzeug.exceptions.NotFound', `the model "${model}" does not exist`);
      if (!method.startsWith('_') && !isKnownMethod(method)) {
        throw new OdooError(
          'werkzeug.exceptions.NotFound',
          `The method '${method}' does not exist on the model '${model}'`,
        );
      }
      const body = request.body ?? {};
      if (typeof body !== 'object' || Array.isArray(body))
        throw new OdooError('builtins.TypeError', 'the body must be a JSON object of named arguments');
      const { result, changes } = deps.orm.callNamed(caller, model, method, body as Record<string, unknown>);
      if (afterWrite(deps, request, reply, changes)) return reply;
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(result ?? null));
    } catch (err) {
      const e = toOdooError(err);
      return reply.code(json2Status(e)).send(json2Body(e));
    }
  });
}
