/**
 * Authentication of the Salesforce sandbox: the documented (fake, sandbox-only) credentials
 * of its connected app and integration user, who a token acts as, and the session check on
 * the vendor API paths. A REST call without a valid session is answered as Salesforce does
 * (REST API Developer Guide, "Status Codes and Error Responses": 401, "The session ID or
 * OAuth token used has expired or is invalid"), body
 * `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`. The token
 * goes in `Authorization: Bearer <token>` (REST API Developer Guide, "Using cURL in the
 * REST Examples"); `OAuth <token>`, which older clients send, is accepted too.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { IdFactory } from './ids.ts';
import type { SObjectRow } from './records.ts';
import type { SessionRegistry } from './sessions.ts';
import type { SalesforceStore } from './store.ts';

/** Consumer key of the sandbox's connected app (a fake, not a secret). */
export const SANDBOX_CLIENT_ID = '3MVG9FrontbackSandboxConnectedAppConsumerKey';
/** Consumer secret of the sandbox's connected app (a fake, not a secret). */
export const SANDBOX_CLIENT_SECRET = 'frontback-sandbox-consumer-secret';
/** The refresh token the connected app holds for the integration user (a fake). */
export const SANDBOX_REFRESH_TOKEN = '5Aep861FrontbackSandboxRefreshToken';
/** The integration user's password (username-password flow and SOAP login; a fake). */
export const SANDBOX_PASSWORD = 'frontback-sandbox-password';
/** The integration user's security token, appended to the password (a fake). */
export const SANDBOX_SECURITY_TOKEN = 'FrontbackSandboxSecurityToken';
/** The sandbox org's id. */
export const SANDBOX_ORG_ID = IdFactory.format('00D', '5g', 1);

/** The org and a user of it, as identity answers and token responses name them. */
export interface OrgIdentity {
  orgId: string;
  userId: string;
  username: string;
  displayName: string;
  email: string;
  firstName?: string;
  lastName?: string;
  active?: boolean;
  /** ISO time of the user's last change. */
  lastModifiedDate?: string;
}

/** A connected app's credentials. */
export interface ConnectedApp {
  clientId: string;
  clientSecret: string;
}

/** Who the org's users are, read from the store at each call (so a reset or reseed is followed). */
export interface UserDirectory {
  /** The integration user (every API call acts as it; static tokens too). */
  integration(): OrgIdentity;
  userByName(username: string): OrgIdentity | undefined;
  userById(id: string): OrgIdentity | undefined;
}

function identityOf(row: SObjectRow): OrgIdentity {
  const first = row['FirstName'] ? String(row['FirstName']) : undefined;
  const last = row['LastName'] ? String(row['LastName']) : undefined;
  return {
    orgId: SANDBOX_ORG_ID,
    userId: String(row['Id']),
    username: String(row['Username']),
    displayName: [first, last].filter(Boolean).join(' '),
    email: String(row['Email'] ?? ''),
    ...(first ? { firstName: first } : {}),
    ...(last ? { lastName: last } : {}),
    active: row['IsActive'] !== false,
    ...(row['LastModifiedDate'] ? { lastModifiedDate: String(row['LastModifiedDate']) } : {}),
  };
}

/** The {@link UserDirectory} of a store whose integration user is `integrationUsername`. */
export function userDirectory(store: SalesforceStore, integrationUsername: string): UserDirectory {
  const find = (match: (u: SObjectRow) => boolean): OrgIdentity | undefined => {
    const row = [...store.rows('User', false)].find(match);
    return row && identityOf(row);
  };
  const byName = (name: string): OrgIdentity | undefined =>
    find((u) => String(u['Username']).toLowerCase() === name.toLowerCase());
  return {
    integration: () =>
      byName(integrationUsername) ?? {
        orgId: SANDBOX_ORG_ID,
        userId: '',
        username: integrationUsername,
        displayName: integrationUsername,
        email: integrationUsername,
      },
    userByName: byName,
    userById: (id) => find((u) => u['Id'] === id),
  };
}

/** The REST answer to a request without a valid session. */
export const INVALID_SESSION_BODY = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];

/** The token of an `Authorization: Bearer <token>` (or `OAuth <token>`) header, else undefined. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization ?? '';
  const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Whether a path needs a session: the REST API under `/services/data/v…` and Apex REST.
 * Public: the version list (`/services/data`, `/services/data/`), OAuth, identity (checks its
 * own token), SOAP (checks its SessionHeader) and the `/_sandbox/` control API.
 */
export function needsSession(url: string): boolean {
  const path = url.split('?')[0] ?? url;
  if (path.startsWith('/services/data/')) return path.length > '/services/data/'.length;
  return path.startsWith('/services/apexrest') || path.startsWith('/services/async/');
}

/**
 * Adds the session check as an onRequest hook. Register it after the sandbox kit, so the
 * kit's fault injection and counters run first, as in the other sandboxes.
 */
export function registerSessionCheck(app: FastifyInstance, sessions: SessionRegistry): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!needsSession(request.url)) return;
    const token = bearerToken(request);
    if (token !== undefined && sessions.use(token)) return;
    return reply.code(401).header('www-authenticate', 'Token').send(INVALID_SESSION_BODY);
  });
}

/** `POST /_sandbox/sessions/expire`: ends every session now (issued and static). */
export function registerSessionControlRoutes(app: FastifyInstance, sessions: SessionRegistry): void {
  app.post('/_sandbox/sessions/expire', async () => ({ expired: sessions.expireAll() }));
  app.get('/_sandbox/sessions', async () => sessions.stats());
}
