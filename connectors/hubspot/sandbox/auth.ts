/**
 * Bearer-token authentication for the vendor paths, as HubSpot answers it: 401 with
 * category INVALID_AUTHENTICATION when the token is missing or unknown, EXPIRED_AUTHENTICATION
 * when an OAuth access token issued by the sandbox has expired. Tokens are sandbox-only fakes.
 */
import type { FastifyRequest } from 'fastify';
import type { SandboxClock } from '../../../src/connector/sandbox/clock.ts';
import { HubSpotApiError } from './errors.ts';

const NOT_FOUND_MESSAGE =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you ' +
  'can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

/** The tokens a sandbox accepts. */
export class TokenRegistry {
  /** token -> expiry epoch ms (Infinity for static private-app tokens). */
  private readonly tokens = new Map<string, number>();

  constructor(
    private readonly clock: SandboxClock,
    staticTokens: readonly string[],
  ) {
    for (const t of staticTokens) this.tokens.set(t, Number.POSITIVE_INFINITY);
  }

  /** Registers an OAuth access token valid for `ttlMs`. */
  issue(token: string, ttlMs: number): void {
    this.tokens.set(token, this.clock.now() + ttlMs);
  }

  /** Throws HubSpot's 401 unless the request carries a valid bearer token. */
  check(request: FastifyRequest): void {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const token = match?.[1];
    const expiry = token === undefined ? undefined : this.tokens.get(token);
    if (expiry === undefined) throw new HubSpotApiError(401, NOT_FOUND_MESSAGE, 'INVALID_AUTHENTICATION');
    const now = this.clock.now();
    if (expiry <= now) {
      const ago = Math.max(1, Math.floor((now - expiry) / 1000));
      throw new HubSpotApiError(
        401,
        `The OAuth token used to make this call expired ${ago} second(s) ago.`,
        'EXPIRED_AUTHENTICATION',
      );
    }
  }
}
