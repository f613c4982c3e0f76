/**
 * The OAuth endpoints, served on the one sandbox URL that stands for both the login host
 * and the org's My Domain: `POST /services/oauth2/token` (grants in oauth-grants.ts),
 * `POST|GET /services/oauth2/revoke` (Salesforce Help, "Revoke OAuth Tokens
 * Programmatically": `token=` in the form or the query; 200 on success, else 400; the
 * sandbox answers `unsupported_token_type`/`invalid token`, a wording not confirmed in
 * Salesforce's docs, which list "unsupported_token_type — Token type not supported" and
 * "invalid_token — Token was invalid"), and `GET|POST /services/oauth2/userinfo` (Salesforce
 * Help, "UserInfo Endpoint"; a bad token is the identity service's 403 `Bad_OAuth_Token`).
 * The routes live in their own scope with a form (`application/x-www-form-urlencoded`) parser.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxClock } from '../../../../src/connector/sandbox/clock.ts';
import { SANDBOX_REFRESH_TOKEN } from '../auth.ts';
import { grantToken, OAuthError, type GrantDeps, type TokenForm } from '../oauth-grants.ts';
import { tokenUser, userInfoDocument, type IdentityDeps } from './identity.ts';

/** What the OAuth routes need. */
export type OAuthRouteDeps = GrantDeps & IdentityDeps & { clock: SandboxClock };

/** The form of a request: query parameters, overridden by the body's. */
function formOf(request: FastifyRequest): TokenForm {
  const out: TokenForm = {};
  for (const source of [request.query, request.body]) {
    if (typeof source !== 'object' || source === null) continue;
    for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
      if (typeof v === 'string') out[k] = v;
    }
  }
  return out;
}

/** Registers the OAuth routes in their own scope. */
export function registerOAuthRoutes(app: FastifyInstance, deps: OAuthRouteDeps): void {
  void app.register(async (scope) => {
    const form = 'application/x-www-form-urlencoded';
    if (scope.hasContentTypeParser(form)) scope.removeContentTypeParser(form);
    scope.addContentTypeParser(form, { parseAs: 'string', bodyLimit: 65_536 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    scope.setErrorHandler((err, request, reply) => {
      if (err instanceof OAuthError) return reply.code(err.status).send(err.body());
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      if (status < 500) {
        const message = err instanceof Error ? err.message : String(err);
        return reply.code(400).send({ error: 'invalid_request', error_description: message });
      }
      request.log.error({ err }, 'sandbox oauth route failed');
      return reply.code(500).send({ error: 'server_error', error_description: 'internal server error' });
    });

    scope.post('/services/oauth2/token', async (request, reply) => {
      const answer = await grantToken(deps, formOf(request), request.headers.authorization, deps.clock.now());
      return reply.header('cache-control', 'no-cache,must-revalidate,max-age=0,no-store,private').send(answer);
    });

    const revoke = async (request: FastifyRequest): Promise<string> => {
      const token = formOf(request)['token'] ?? '';
      if (token === SANDBOX_REFRESH_TOKEN && !deps.sessions.isRefreshTokenRevoked(token)) {
        deps.sessions.revokeRefreshToken(token);
        return '';
      }
      if (!token || !deps.sessions.revoke(token)) throw new OAuthError('unsupported_token_type', 'invalid token');
      return '';
    };
    scope.post('/services/oauth2/revoke', revoke);
    scope.get('/services/oauth2/revoke', revoke);

    const userinfo = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      const who = tokenUser(deps, request, reply);
      if (!who) return reply;
      return userInfoDocument(deps.baseUrl(), who);
    };
    scope.get('/services/oauth2/userinfo', userinfo);
    scope.post('/services/oauth2/userinfo', userinfo);
  });
}
