/**
 * The grants of `POST /services/oauth2/token` (Salesforce Help, "OAuth Authorization Flows":
 * "OAuth 2.0 Refresh Token Flow", "OAuth 2.0 Client Credentials Flow for Server-to-Server
 * Integration", "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration", "OAuth 2.0
 * Username-Password Flow for Special Scenarios"). The answer carries `access_token`,
 * `instance_url`, `id` (the identity URL `<base>/id/<orgId>/<userId>`), `token_type`
 * Bearer, `issued_at` (ms, a string) and `signature`: base64 HMAC-SHA256 of `id` +
 * `issued_at` keyed with the consumer secret ("Refresh Token Flow": "signature"). None of
 * these grants answers a new refresh token (the refresh grant answers none unless
 * refresh-token rotation is on; JWT, client credentials and password never do).
 *
 * Error wordings, 400 `{error, error_description}` ("OAuth 2.0 Authorization Errors"):
 * confirmed there or in Salesforce answers quoted on Salesforce StackExchange:
 * `unsupported_grant_type`/`grant type not supported`, `invalid_client_id`/`client
 * identifier invalid`, `invalid_client`/`invalid client credentials`, `invalid_grant`/
 * `expired access/refresh token`, `invalid_grant`/`authentication failure`,
 * `invalid_grant`/`audience is invalid`, `invalid_grant`/`expired authorization code`
 * (an expired JWT), `invalid_grant`/`invalid assertion`. NOT confirmed (sandbox choices):
 * `user hasn't approved this consumer` for an unknown JWT `sub`, and `invalid assertion`
 * for a missing or too distant `exp`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { compactVerify, decodeJwt, importSPKI, importX509, type CryptoKey, type JWTPayload } from 'jose';
import type { ConnectedApp, OrgIdentity } from './auth.ts';
import { SANDBOX_PASSWORD, SANDBOX_REFRESH_TOKEN, SANDBOX_SECURITY_TOKEN } from './auth.ts';
import type { SandboxSession, SessionRegistry } from './sessions.ts';

/** The JWT bearer grant type. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** "exp: ... the expiration time of the assertion within 3 minutes" (JWT Bearer Flow). */
export const MAX_ASSERTION_LIFETIME_MS = 3 * 60_000;
/** Clock skew tolerated on top of {@link MAX_ASSERTION_LIFETIME_MS} (a sandbox choice). */
export const ASSERTION_SKEW_MS = 30_000;

/** A token-endpoint failure, answered 400 `{error, error_description}`. */
export class OAuthError extends Error {
  override name = 'OAuthError';
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(`${error}: ${description}`);
  }

  /** The answer's body. */
  body(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

/** A successful token answer. */
export interface TokenAnswer {
  access_token: string;
  signature: string;
  scope: string;
  instance_url: string;
  id: string;
  token_type: 'Bearer';
  issued_at: string;
  refresh_token?: string;
}

/** What the grants need from the sandbox. */
export interface GrantDeps {
  sessions: SessionRegistry;
  app: ConnectedApp;
  /** Public base URL (instance URL, identity URL, an accepted JWT audience). */
  baseUrl(): string;
  /** The integration user. */
  integration(): OrgIdentity;
  /** A user of the org by username. */
  userByName(username: string): OrgIdentity | undefined;
  /** The connected app's certificate public key (SPKI PEM) for JWT assertions. */
  jwtPublicKeyPem?: string | undefined;
}

/** The form of a token request (body and query merged) plus the HTTP Basic credentials. */
export type TokenForm = Record<string, string | undefined>;

const INVALID_CLIENT_ID = (): OAuthError => new OAuthError('invalid_client_id', 'client identifier invalid');
const INVALID_CLIENT = (): OAuthError => new OAuthError('invalid_client', 'invalid client credentials');
const INVALID_ASSERTION = (): OAuthError => new OAuthError('invalid_grant', 'invalid assertion');
const JWT_AUDIENCES = ['https://login.salesforce.com', 'https://test.salesforce.com'];

function same(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Client id and secret from the form or an `Authorization: Basic` header (the form wins). */
export function clientCredentials(
  form: TokenForm,
  authorization: string | undefined,
): { id?: string; secret?: string } {
  let id = form['client_id'];
  let secret = form['client_secret'];
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      id ??= decodeURIComponent(decoded.slice(0, colon));
      secret ??= decodeURIComponent(decoded.slice(colon + 1));
    }
  }
  return { ...(id !== undefined ? { id } : {}), ...(secret !== undefined ? { secret } : {}) };
}

/** The identity URL of a user. */
export function identityUrl(baseUrl: string, who: { orgId: string; userId: string }): string {
  return `${baseUrl}/id/${who.orgId}/${who.userId}`;
}

/** The token answer for a new session. */
export function tokenAnswer(deps: GrantDeps, who: OrgIdentity, session: SandboxSession): TokenAnswer {
  const id = identityUrl(deps.baseUrl(), who);
  const issuedAt = String(session.issuedAt);
  const signature = createHmac('sha256', deps.app.clientSecret)
    .update(id + issuedAt)
    .digest('base64');
  return {
    access_token: session.token,
    signature,
    scope: 'api',
    instance_url: deps.baseUrl(),
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  };
}

function checkClient(deps: GrantDeps, client: { id?: string; secret?: string }, secretRequired: boolean): void {
  if (!same(client.id, deps.app.clientId)) throw INVALID_CLIENT_ID();
  if (client.secret === undefined ? secretRequired : !same(client.secret, deps.app.clientSecret)) {
    throw INVALID_CLIENT();
  }
}

/**
 * The key that verifies JWT bearer assertions: the X.509 certificate uploaded to the
 * connected app ("Use digital signatures"), or its bare SPKI public key. Throws when the
 * PEM is neither.
 */
export async function importJwtKey(pem: string): Promise<CryptoKey> {
  let key = importedKeys.get(pem);
  if (!key) {
    key = pem.includes('BEGIN CERTIFICATE') ? importX509(pem, 'RS256') : importSPKI(pem, 'RS256');
    importedKeys.set(pem, key);
    key.catch(() => importedKeys.delete(pem));
  }
  return key;
}

/** Keys already parsed, by PEM: each token request verifies with the key, it is not parsed again. */
const importedKeys = new Map<string, Promise<CryptoKey>>();

/** Verifies a JWT bearer assertion and returns the user it names. */
async function verifyAssertion(deps: GrantDeps, assertion: string | undefined, now: number): Promise<OrgIdentity> {
  if (!assertion || !deps.jwtPublicKeyPem) throw INVALID_ASSERTION();
  let claims: JWTPayload;
  try {
    claims = decodeJwt(assertion);
  } catch {
    throw INVALID_ASSERTION();
  }
  if (!same(typeof claims.iss === 'string' ? claims.iss : undefined, deps.app.clientId)) throw INVALID_CLIENT_ID();
  try {
    // Only the RS256 signature here; the claims follow Salesforce's own rules below.
    await compactVerify(assertion, await importJwtKey(deps.jwtPublicKeyPem), { algorithms: ['RS256'] });
  } catch {
    throw INVALID_ASSERTION();
  }
  const audiences = [...JWT_AUDIENCES, deps.baseUrl()];
  const aud: unknown[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && audiences.includes(a.replace(/\/$/, '')))) {
    throw new OAuthError('invalid_grant', 'audience is invalid');
  }
  if (typeof claims.exp !== 'number') throw INVALID_ASSERTION();
  const expMs = claims.exp * 1000;
  if (expMs <= now) throw new OAuthError('invalid_grant', 'expired authorization code');
  if (expMs > now + MAX_ASSERTION_LIFETIME_MS + ASSERTION_SKEW_MS) throw INVALID_ASSERTION();
  const user = typeof claims.sub === 'string' ? deps.userByName(claims.sub) : undefined;
  if (!user || user.active === false) throw new OAuthError('invalid_grant', "user hasn't approved this consumer");
  return user;
}

/** Runs one token request; throws {@link OAuthError}. */
export async function grantToken(
  deps: GrantDeps,
  form: TokenForm,
  authorization: string | undefined,
  now: number,
): Promise<TokenAnswer> {
  const client = clientCredentials(form, authorization);
  switch (form['grant_type']) {
    case 'refresh_token': {
      // "Require Secret for Refresh Token Flow" is on for the sandbox's connected app.
      checkClient(deps, client, true);
      const refresh = form['refresh_token'];
      if (!same(refresh, SANDBOX_REFRESH_TOKEN) || deps.sessions.isRefreshTokenRevoked(SANDBOX_REFRESH_TOKEN)) {
        throw new OAuthError('invalid_grant', 'expired access/refresh token');
      }
      const who = deps.integration();
      return tokenAnswer(deps, who, deps.sessions.issue(who.userId, 'refresh_token', SANDBOX_REFRESH_TOKEN));
    }
    case 'client_credentials': {
      checkClient(deps, client, true);
      const who = deps.integration();
      return tokenAnswer(deps, who, deps.sessions.issue(who.userId, 'client_credentials'));
    }
    case 'password': {
      checkClient(deps, client, true);
      const who = deps.integration();
      if (
        form['username']?.toLowerCase() !== who.username.toLowerCase() ||
        !same(form['password'], SANDBOX_PASSWORD + SANDBOX_SECURITY_TOKEN)
      ) {
        throw new OAuthError('invalid_grant', 'authentication failure');
      }
      return tokenAnswer(deps, who, deps.sessions.issue(who.userId, 'password'));
    }
    case JWT_BEARER_GRANT: {
      const who = await verifyAssertion(deps, form['assertion'], now);
      return tokenAnswer(deps, who, deps.sessions.issue(who.userId, 'jwt_bearer'));
    }
    default:
      throw new OAuthError('unsupported_grant_type', 'grant type not supported');
  }
}
