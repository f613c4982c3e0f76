/**
 * What the server's bearer-token checks share: reading the token from `Authorization`,
 * comparing it in constant time, and the one warn line a refusal leaves (client address
 * and route, never the token).
 */
import type { FastifyRequest } from 'fastify';
import { matchesAnySecret } from '../connector/webhooks.ts';

/** The token of `Authorization: Bearer <token>` (scheme case-insensitive), or undefined. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1];
}

/**
 * A configured token as a list: one token, or every accepted one during a rollover (the
 * current one first); empty when none is set.
 */
export function tokenList(tokens: string | readonly string[] | undefined): readonly string[] {
  if (tokens === undefined) return [];
  return (typeof tokens === 'string' ? [tokens] : tokens).filter((t) => t !== '');
}

/** Whether the request carries one of `expected` as its bearer token, compared in constant time. */
export function hasBearerToken(request: FastifyRequest, expected: string | readonly string[]): boolean {
  return matchesAnySecret(bearerToken(request), tokenList(expected));
}

/**
 * Logs a refused credential at warn: the client address as fastify computes it from
 * `server.trustProxy` (`request.ip`), the route, and whether a credential was sent.
 * Never the header itself.
 */
export function logAuthFailure(request: FastifyRequest, what: string): void {
  request.log.warn(
    {
      client: request.ip,
      method: request.method,
      route: request.routeOptions.url ?? request.url.split('?')[0],
      credential: request.headers.authorization === undefined ? 'missing' : 'invalid',
    },
    `${what}: authentication failed`,
  );
}
