/**
 * The identity service: `GET|POST /id/:orgId/:userId` (Salesforce Help, "Identity URLs")
 * answers who a user is and the org's API URLs, with `{version}` left as a placeholder as
 * Salesforce shows it. The token comes in `Authorization: Bearer` or `?oauth_token=`.
 * Failures are plain-text codes, as listed on that page: 403 `Missing_OAuth_Token`,
 * 403 `Bad_OAuth_Token`, 403 `Wrong_Org`, 404 `Bad_Id`, 404 `Inactive`. Only JSON is
 * served (`format=xml` and JSONP callbacks are not).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, type OrgIdentity } from '../auth.ts';
import { normalizeId } from '../ids.ts';
import { identityUrl } from '../oauth-grants.ts';
import type { SessionRegistry } from '../sessions.ts';

/** What the identity routes need. */
export interface IdentityDeps {
  sessions: SessionRegistry;
  baseUrl(): string;
  /** The integration user (static tokens act as it). */
  integration(): OrgIdentity;
  /** A user of the org by id (18 characters). */
  userById(id: string): OrgIdentity | undefined;
}

/** The org's API URLs of an identity document (Identity URLs, "urls"). */
export function identityUrls(base: string, who: OrgIdentity): Record<string, string> {
  const org15 = who.orgId.slice(0, 15);
  const data = `${base}/services/data/v{version}`;
  return {
    enterprise: `${base}/services/Soap/c/{version}/${org15}`,
    metadata: `${base}/services/Soap/m/{version}/${org15}`,
    partner: `${base}/services/Soap/u/{version}/${org15}`,
    rest: `${data}/`,
    sobjects: `${data}/sobjects/`,
    search: `${data}/search/`,
    query: `${data}/query/`,
    recent: `${data}/recent/`,
    tooling_soap: `${base}/services/Soap/T/{version}/${org15}`,
    tooling_rest: `${data}/tooling/`,
    profile: `${base}/${who.userId}`,
    feeds: `${data}/chatter/feeds`,
    groups: `${data}/chatter/groups`,
    users: `${data}/chatter/users`,
    feed_items: `${data}/chatter/feed-items`,
    feed_elements: `${data}/chatter/feed-elements`,
    custom_domain: base,
  };
}

/** The identity document of a user. */
export function identityDocument(base: string, who: OrgIdentity): Record<string, unknown> {
  return {
    id: identityUrl(base, who),
    asserted_user: true,
    user_id: who.userId,
    organization_id: who.orgId,
    username: who.username,
    nick_name: who.username.split('@')[0] ?? who.username,
    display_name: who.displayName,
    email: who.email,
    email_verified: true,
    first_name: who.firstName ?? null,
    last_name: who.lastName ?? who.displayName,
    timezone: 'GMT', // the org and its users are in UTC (SOQL date literals too)
    photos: { picture: `${base}/profilephoto/005/F`, thumbnail: `${base}/profilephoto/005/T` },
    addr_street: null,
    addr_city: null,
    addr_state: null,
    addr_country: null,
    addr_zip: null,
    mobile_phone: null,
    mobile_phone_verified: false,
    is_lightning_login_user: false,
    status: { created_date: null, body: null },
    urls: identityUrls(base, who),
    active: who.active ?? true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    last_modified_date: who.lastModifiedDate ?? null,
    is_app_installed: true,
  };
}

/** The OpenID Connect user info of a user (Salesforce Help, "UserInfo Endpoint"). */
export function userInfoDocument(base: string, who: OrgIdentity): Record<string, unknown> {
  return {
    sub: identityUrl(base, who),
    user_id: who.userId,
    organization_id: who.orgId,
    preferred_username: who.username,
    nickname: who.username.split('@')[0] ?? who.username,
    name: who.displayName,
    email: who.email,
    email_verified: true,
    given_name: who.firstName ?? null,
    family_name: who.lastName ?? who.displayName,
    zoneinfo: 'GMT',
    photos: { picture: `${base}/profilephoto/005/F`, thumbnail: `${base}/profilephoto/005/T` },
    profile: `${base}/${who.userId}`,
    picture: `${base}/profilephoto/005/F`,
    address: {},
    is_salesforce_integration_user: false,
    urls: identityUrls(base, who),
    active: who.active ?? true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    updated_at: who.lastModifiedDate ?? null,
    is_app_installed: true,
  };
}

function plain(reply: FastifyReply, status: number, code: string): FastifyReply {
  return reply.code(status).type('text/plain; charset=utf-8').send(code);
}

/** The user a request's token acts as; replies 403 and returns undefined when there is no valid token. */
export function tokenUser(deps: IdentityDeps, request: FastifyRequest, reply: FastifyReply): OrgIdentity | undefined {
  const query = (request.query ?? {}) as Record<string, string | undefined>;
  const token = bearerToken(request) ?? query['oauth_token'];
  const session = token ? deps.sessions.touch(token) : undefined;
  if (!session) {
    void plain(reply, 403, token ? 'Bad_OAuth_Token' : 'Missing_OAuth_Token');
    return undefined;
  }
  return session.userId === undefined ? deps.integration() : (deps.userById(session.userId) ?? deps.integration());
}

/** Registers `GET|POST /id/:orgId/:userId`. */
export function registerIdentityRoutes(app: FastifyInstance, deps: IdentityDeps): void {
  const handler = async (
    request: FastifyRequest<{ Params: { orgId: string; userId: string } }>,
    reply: FastifyReply,
  ): Promise<unknown> => {
    const caller = tokenUser(deps, request, reply);
    if (!caller) return reply;
    const orgId = normalizeId(request.params.orgId);
    const userId = normalizeId(request.params.userId);
    if (!orgId?.startsWith('00D') || !userId?.startsWith('005')) return plain(reply, 404, 'Bad_Id');
    if (orgId !== caller.orgId) return plain(reply, 403, 'Wrong_Org');
    const who = deps.userById(userId);
    if (!who) return plain(reply, 404, 'Bad_Id');
    if (who.active === false) return plain(reply, 404, 'Inactive');
    return identityDocument(deps.baseUrl(), who);
  };
  app.get('/id/:orgId/:userId', handler);
  app.post('/id/:orgId/:userId', handler);
}
