/**
 * Salesforce sandbox authentication: the token grants (refresh, client credentials,
 * password) with their errors, the session check on the REST paths, session timeout and
 * extension on the sandbox clock, revocation, the expire control route, and the identity
 * and userinfo endpoints. JWT bearer is in auth-jwt.test.ts.
 */
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../../../../src/connector/sandbox/clock.ts';
import {
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  SANDBOX_ORG_ID,
  SANDBOX_PASSWORD,
  SANDBOX_REFRESH_TOKEN,
  SANDBOX_SECURITY_TOKEN,
} from '../../../../../connectors/salesforce/sandbox/auth.ts';
import { IdFactory } from '../../../../../connectors/salesforce/sandbox/ids.ts';
import { INTEGRATION_USERNAME } from '../../../../../connectors/salesforce/sandbox/seed.ts';
import type { SalesforceSandbox } from '../../../../../connectors/salesforce/sandbox/server.ts';
import { authSandbox, BASE, get, postForm, QUERY, STATIC, T0 } from './auth-fixture.ts';

const TOKEN_URL = '/services/oauth2/token';
const APP = { client_id: SANDBOX_CLIENT_ID, client_secret: SANDBOX_CLIENT_SECRET };
const HOUR = 3600_000;

let sb: SalesforceSandbox;
let clock: ManualClock;

beforeEach(async () => {
  ({ sb, clock } = await authSandbox());
});

afterEach(async () => {
  await sb.close();
});

const refresh = () =>
  postForm(sb, TOKEN_URL, { grant_type: 'refresh_token', refresh_token: SANDBOX_REFRESH_TOKEN, ...APP });
const idPath = (userId = sb.userId, orgId = SANDBOX_ORG_ID) => `/id/${orgId}/${userId}`;

describe('session check', () => {
  it('answers 401 INVALID_SESSION_ID on data routes without a valid token', async () => {
    for (const token of [undefined, 'nope']) {
      const res = await get(sb, QUERY, token);
      expect(res.status).toBe(401);
      expect(res.body).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    expect((await get(sb, '/services/data/v60.0/sobjects/Account/describe', 'nope')).status).toBe(401);
  });

  it('accepts a static token as Bearer or OAuth', async () => {
    expect((await get(sb, QUERY, STATIC)).status).toBe(200);
    expect((await get(sb, QUERY, STATIC, 'OAuth')).status).toBe(200);
    expect((await get(sb, QUERY, STATIC, 'Basic')).status).toBe(401);
  });

  it('keeps the version list, OAuth and control routes public', async () => {
    expect((await get(sb, '/services/data')).status).toBe(200);
    expect((await get(sb, '/services/data/')).status).toBe(200);
    expect((await get(sb, '/_sandbox/stats')).status).toBe(200);
    expect((await postForm(sb, TOKEN_URL, { grant_type: 'nope' })).status).toBe(400);
  });
});

describe('refresh_token grant', () => {
  it('issues a Salesforce-shaped token that opens the REST API', async () => {
    clock.advance(1234);
    const res = await refresh();
    expect(res.status).toBe(200);
    const b = res.body;
    const id = `${BASE}/id/${SANDBOX_ORG_ID}/${sb.userId}`;
    expect(b).toMatchObject({ instance_url: BASE, id, token_type: 'Bearer', issued_at: String(T0 + 1234) });
    expect(b['refresh_token']).toBeUndefined();
    expect(String(b['access_token'])).toMatch(new RegExp(`^${SANDBOX_ORG_ID.slice(0, 15)}!AQ[0-9A-Za-z.]+$`));
    const sig = createHmac('sha256', SANDBOX_CLIENT_SECRET)
      .update(id + String(T0 + 1234))
      .digest('base64');
    expect(b['signature']).toBe(sig);
    expect((await get(sb, QUERY, String(b['access_token']))).status).toBe(200);
  });

  it('takes client credentials from an HTTP Basic header', async () => {
    const basic = Buffer.from(`${SANDBOX_CLIENT_ID}:${SANDBOX_CLIENT_SECRET}`).toString('base64');
    const res = await postForm(
      sb,
      TOKEN_URL,
      { grant_type: 'refresh_token', refresh_token: SANDBOX_REFRESH_TOKEN },
      { authorization: `Basic ${basic}` },
    );
    expect(res.status).toBe(200);
  });

  it('rejects an unknown client, a wrong or missing secret and an unknown refresh token', async () => {
    const base = { grant_type: 'refresh_token', refresh_token: SANDBOX_REFRESH_TOKEN };
    const cases: [Record<string, string>, string, string][] = [
      [
        { ...base, client_id: 'other', client_secret: SANDBOX_CLIENT_SECRET },
        'invalid_client_id',
        'client identifier invalid',
      ],
      [{ ...base, client_secret: SANDBOX_CLIENT_SECRET }, 'invalid_client_id', 'client identifier invalid'],
      [{ ...base, ...APP, client_secret: 'wrong' }, 'invalid_client', 'invalid client credentials'],
      [{ ...base, client_id: SANDBOX_CLIENT_ID }, 'invalid_client', 'invalid client credentials'],
      [{ ...base, ...APP, refresh_token: 'stale' }, 'invalid_grant', 'expired access/refresh token'],
    ];
    for (const [form, error, description] of cases) {
      const res = await postForm(sb, TOKEN_URL, form);
      expect({ status: res.status, body: res.body }).toEqual({
        status: 400,
        body: { error, error_description: description },
      });
    }
  });
});

describe('client_credentials and password grants', () => {
  it('client credentials run as the integration user, without a refresh token', async () => {
    const res = await postForm(sb, TOKEN_URL, { grant_type: 'client_credentials', ...APP });
    expect(res.status).toBe(200);
    expect(res.body['id']).toBe(`${BASE}/id/${SANDBOX_ORG_ID}/${sb.userId}`);
    expect(res.body['refresh_token']).toBeUndefined();
    expect((await get(sb, QUERY, String(res.body['access_token']))).status).toBe(200);
    const bad = await postForm(sb, TOKEN_URL, { grant_type: 'client_credentials', ...APP, client_secret: 'x' });
    expect(bad.body).toEqual({ error: 'invalid_client', error_description: 'invalid client credentials' });
  });

  it('password grant needs the password with the security token appended', async () => {
    const form = { grant_type: 'password', username: INTEGRATION_USERNAME, ...APP };
    const ok = await postForm(sb, TOKEN_URL, { ...form, password: SANDBOX_PASSWORD + SANDBOX_SECURITY_TOKEN });
    expect(ok.status).toBe(200);
    expect((await get(sb, QUERY, String(ok.body['access_token']))).status).toBe(200);
    for (const bad of [
      { ...form, password: SANDBOX_PASSWORD },
      { ...form, username: 'admin@frontback-sandbox.example', password: SANDBOX_PASSWORD + SANDBOX_SECURITY_TOKEN },
    ]) {
      const res = await postForm(sb, TOKEN_URL, bad);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'authentication failure' });
    }
  });

  it('answers unsupported_grant_type for an unknown or missing grant', async () => {
    for (const form of [{ grant_type: 'authorization_code', ...APP }, APP]) {
      const res = await postForm(sb, TOKEN_URL, form);
      expect(res.body).toEqual({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
    }
  });
});

describe('session timeout', () => {
  it('times out after 2 h of inactivity, each use extending the session', async () => {
    const token = String((await refresh()).body['access_token']);
    clock.advance(2 * HOUR - 1);
    expect((await get(sb, QUERY, token)).status).toBe(200);
    clock.advance(2 * HOUR - 1);
    expect((await get(sb, QUERY, token)).status).toBe(200);
    clock.advance(2 * HOUR);
    const res = await get(sb, QUERY, token);
    expect(res.status).toBe(401);
    expect(res.body).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    expect((await get(sb, QUERY, STATIC)).status).toBe(200);
  });

  it('honours sessionTimeoutMs', async () => {
    await sb.close();
    ({ sb, clock } = await authSandbox({ sessionTimeoutMs: 60_000 }));
    const token = String((await refresh()).body['access_token']);
    clock.advance(60_000);
    expect((await get(sb, QUERY, token)).status).toBe(401);
  });

  it('POST /_sandbox/sessions/expire ends issued and static sessions; reset restores the static ones', async () => {
    const token = String((await refresh()).body['access_token']);
    const expire = await sb.app.inject({ method: 'POST', url: '/_sandbox/sessions/expire' });
    expect(expire.json()).toEqual({ expired: 2 });
    expect((await get(sb, QUERY, token)).status).toBe(401);
    expect((await get(sb, QUERY, STATIC)).status).toBe(401);
    const stats = (await get(sb, '/_sandbox/stats')).body as { state?: unknown; sessions?: unknown };
    expect(JSON.stringify(stats)).toContain('"sessions":{"active":0,"static":0,"issued":1,"ended":2');
    await sb.app.inject({ method: 'POST', url: '/_sandbox/reset', payload: {} });
    expect((await get(sb, QUERY, STATIC)).status).toBe(200);
    expect((await get(sb, QUERY, token)).status).toBe(401);
    expect(sb.sessions.stats()).toMatchObject({ active: 1, static: 1, issued: 0 });
  });
});

describe('revoke', () => {
  it('revokes an access token (form or query) and refuses an unknown one', async () => {
    const token = String((await refresh()).body['access_token']);
    const res = await postForm(sb, '/services/oauth2/revoke', { token });
    expect(res.status).toBe(200);
    expect((await get(sb, QUERY, token)).status).toBe(401);
    const again = await postForm(sb, '/services/oauth2/revoke', { token });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ error: 'unsupported_token_type', error_description: 'invalid token' });
    const q = await sb.app.inject({ method: 'POST', url: `/services/oauth2/revoke?token=${STATIC}` });
    expect(q.statusCode).toBe(200);
    expect((await get(sb, QUERY, STATIC)).status).toBe(401);
  });

  it('revoking the refresh token ends its sessions and the refresh grant', async () => {
    const token = String((await refresh()).body['access_token']);
    expect((await postForm(sb, '/services/oauth2/revoke', { token: SANDBOX_REFRESH_TOKEN })).status).toBe(200);
    expect((await get(sb, QUERY, token)).status).toBe(401);
    expect((await refresh()).body).toEqual({
      error: 'invalid_grant',
      error_description: 'expired access/refresh token',
    });
  });
});

describe('identity and userinfo', () => {
  it('answers the identity document for a bearer token or ?oauth_token=', async () => {
    const token = String((await refresh()).body['access_token']);
    const res = await get(sb, idPath(), token);
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc).toMatchObject({
      id: `${BASE}${idPath()}`,
      asserted_user: true,
      user_id: sb.userId,
      organization_id: SANDBOX_ORG_ID,
      username: INTEGRATION_USERNAME,
      display_name: 'frontback Integration',
      email: INTEGRATION_USERNAME,
      active: true,
      user_type: 'STANDARD',
      is_app_installed: true,
    });
    const urls = doc['urls'] as Record<string, string>;
    expect(urls['rest']).toBe(`${BASE}/services/data/v{version}/`);
    expect(urls['partner']).toBe(`${BASE}/services/Soap/u/{version}/${SANDBOX_ORG_ID.slice(0, 15)}`);
    for (const k of ['enterprise', 'metadata', 'sobjects', 'query', 'tooling_rest', 'profile', 'custom_domain']) {
      expect(urls[k]).toBeTypeOf('string');
    }
    const q = await get(sb, `${idPath()}?format=json&oauth_token=${encodeURIComponent(STATIC)}`);
    expect(q.body['user_id']).toBe(sb.userId);
  });

  it('answers 403 for a missing or bad token, Wrong_Org and 404 Bad_Id for wrong ids', async () => {
    const expectPlain = async (url: string, token: string | undefined, status: number, text: string) => {
      const res = await get(sb, url, token);
      expect({ status: res.status, text: res.text }).toEqual({ status, text });
    };
    await expectPlain(idPath(), undefined, 403, 'Missing_OAuth_Token');
    await expectPlain(idPath(), 'nope', 403, 'Bad_OAuth_Token');
    await expectPlain(idPath(sb.userId, IdFactory.format('00D', '5g', 9)), STATIC, 403, 'Wrong_Org');
    await expectPlain(idPath(IdFactory.format('005', '5g', 999)), STATIC, 404, 'Bad_Id');
    await expectPlain(idPath('not-an-id'), STATIC, 404, 'Bad_Id');
    await expectPlain(idPath(sb.userId, 'garbage'), STATIC, 404, 'Bad_Id');
  });

  it('answers userinfo for the token, 403 without one', async () => {
    const res = await get(sb, '/services/oauth2/userinfo', STATIC);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      sub: `${BASE}${idPath()}`,
      user_id: sb.userId,
      organization_id: SANDBOX_ORG_ID,
      preferred_username: INTEGRATION_USERNAME,
      email: INTEGRATION_USERNAME,
    });
    expect((await get(sb, '/services/oauth2/userinfo', 'nope')).status).toBe(403);
  });
});
