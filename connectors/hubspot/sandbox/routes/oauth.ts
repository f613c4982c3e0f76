/**
 * OAuth token endpoint (`POST /oauth/v1/token`, form-encoded): the refresh grant issues a
 * new access token that the sandbox then accepts for `expires_in` seconds. Credentials
 * are sandbox-only fakes configured on the sandbox.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TokenRegistry } from '../auth.ts';

/** OAuth app credentials the sandbox accepts (fakes). */
export interface OAuthOptions {
  /** Client id. Default `sandbox-client-id`. */
  clientId: string;
  /** Client secret. Default `sandbox-client-secret` (also the default webhook signing secret). */
  clientSecret: string;
  /** The refresh token the app holds. Default `sandbox-refresh-token`. */
  refreshToken: string;
  /** Lifetime of issued access tokens, seconds. Default 1800 (HubSpot's 30 minutes). */
  expiresInSec: number;
}

function oauthError(status: string, message: string): Record<string, unknown> {
  return { status, message, correlationId: randomUUID(), requestId: randomUUID() };
}

/** Registers the token endpoint. */
export function registerOAuthRoutes(app: FastifyInstance, tokens: TokenRegistry, options: OAuthOptions): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16_384 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  app.post('/oauth/v1/token', async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, string | undefined>;
    if (form.grant_type !== 'refresh_token') {
      return reply
        .code(400)
        .send(
          oauthError(
            'BAD_GRANT_TYPE',
            `unsupported grant_type ${form.grant_type ?? '(missing)'}; the sandbox supports refresh_token`,
          ),
        );
    }
    if (form.client_id !== options.clientId)
      return reply.code(400).send(oauthError('BAD_CLIENT_ID', 'missing or unknown client id'));
    if (form.client_secret !== options.clientSecret)
      return reply.code(400).send(oauthError('BAD_CLIENT_SECRET', 'missing or invalid client secret'));
    if (form.refresh_token !== options.refreshToken)
      return reply.code(400).send(oauthError('BAD_REFRESH_TOKEN', 'missing or unknown refresh token'));
    const accessToken = `sandbox-oauth-${randomUUID()}`;
    tokens.issue(accessToken, options.expiresInSec * 1000);
    return {
      token_type: 'bearer',
      refresh_token: options.refreshToken,
      access_token: accessToken,
      expires_in: options.expiresInSec,
    };
  });
}
