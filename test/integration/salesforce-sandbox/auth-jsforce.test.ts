/**
 * The Salesforce sandbox's auth as jsforce 3 sees it over a real port: a pasted access
 * token, client credentials, refresh on INVALID_SESSION_ID after the sessions expire,
 * JWT bearer, and the OAuth username-password login.
 */
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  SANDBOX_ORG_ID,
  SANDBOX_PASSWORD,
  SANDBOX_REFRESH_TOKEN,
  SANDBOX_SECURITY_TOKEN,
} from '../../../connectors/salesforce/sandbox/auth.ts';
import { JWT_BEARER_GRANT } from '../../../connectors/salesforce/sandbox/oauth-grants.ts';
import { INTEGRATION_USERNAME } from '../../../connectors/salesforce/sandbox/seed.ts';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../../connectors/salesforce/sandbox/server.ts';

const STATIC = 'jsforce-static-token';
const SOQL = 'SELECT Id FROM Account LIMIT 1';

let sb: SalesforceSandbox;
let url: string;
let privateKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  sb = await createSalesforceSandbox({
    records: 3,
    accessTokens: [STATIC],
    jwtPublicKeyPem: await exportSPKI(pair.publicKey),
  });
  url = await sb.listen(0);
});

afterAll(async () => {
  await sb.close();
});

const oauth2 = () => ({ loginUrl: url, clientId: SANDBOX_CLIENT_ID, clientSecret: SANDBOX_CLIENT_SECRET });

describe('jsforce against the Salesforce sandbox', () => {
  it('uses a pasted access token for a query and identity()', async () => {
    const conn = new jsforce.Connection({ instanceUrl: url, accessToken: STATIC, version: '60.0' });
    const res = await conn.query(SOQL);
    expect(res.totalSize).toBe(1);
    const me = await conn.identity();
    expect(me.user_id).toBe(sb.userId);
    expect(me.organization_id).toBe(SANDBOX_ORG_ID);
    expect(me.username).toBe(INTEGRATION_USERNAME);
  });

  it('authorizes with client credentials', async () => {
    const conn = new jsforce.Connection({ oauth2: oauth2(), instanceUrl: url, version: '60.0' });
    const info = await conn.authorize({ grant_type: 'client_credentials' });
    expect(info).toMatchObject({ id: sb.userId, organizationId: SANDBOX_ORG_ID });
    expect(conn.userInfo).toMatchObject({ id: sb.userId, organizationId: SANDBOX_ORG_ID });
    expect(conn.instanceUrl).toBe(url);
    expect((await conn.query(SOQL)).totalSize).toBe(1);
  });

  it('refreshes its token on INVALID_SESSION_ID after the sandbox expired every session', async () => {
    const issued = new jsforce.Connection({ oauth2: oauth2(), instanceUrl: url, version: '60.0' });
    await issued.authorize({ grant_type: 'client_credentials' });
    const conn = new jsforce.Connection({
      oauth2: oauth2(),
      instanceUrl: url,
      accessToken: String(issued.accessToken),
      refreshToken: SANDBOX_REFRESH_TOKEN,
      version: '60.0',
    });
    expect((await conn.query(SOQL)).totalSize).toBe(1);
    const refreshed: string[] = [];
    conn.on('refresh', (token: string) => refreshed.push(token));
    const expire = await fetch(`${url}/_sandbox/sessions/expire`, { method: 'POST' });
    expect(expire.status).toBe(200);
    expect((await conn.query(SOQL)).totalSize).toBe(1);
    expect(refreshed).toHaveLength(1);
    expect(conn.accessToken).toBe(refreshed[0]);
    expect(refreshed[0]).not.toBe(issued.accessToken);
  });

  it('authorizes with a JWT bearer assertion', async () => {
    const assertion = await new SignJWT({
      iss: SANDBOX_CLIENT_ID,
      sub: INTEGRATION_USERNAME,
      aud: 'https://login.salesforce.com',
      exp: Math.floor(Date.now() / 1000) + 120,
    })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    const conn = new jsforce.Connection({ oauth2: { loginUrl: url, clientId: SANDBOX_CLIENT_ID }, version: '60.0' });
    const info = await conn.authorize({ grant_type: JWT_BEARER_GRANT, assertion });
    expect(info).toMatchObject({ id: sb.userId, organizationId: SANDBOX_ORG_ID });
    expect((await conn.query(SOQL)).totalSize).toBe(1);
  });

  it('logs in with username and password + security token (OAuth password grant)', async () => {
    const conn = new jsforce.Connection({ oauth2: oauth2(), version: '60.0' });
    const info = await conn.login(INTEGRATION_USERNAME, SANDBOX_PASSWORD + SANDBOX_SECURITY_TOKEN);
    expect(info).toMatchObject({ id: sb.userId, organizationId: SANDBOX_ORG_ID });
    expect((await conn.query(SOQL)).totalSize).toBe(1);
    const bad = new jsforce.Connection({ oauth2: oauth2(), version: '60.0' });
    await expect(bad.login(INTEGRATION_USERNAME, SANDBOX_PASSWORD)).rejects.toThrow('authentication failure');
  });

  it('logs in and out through the SOAP API when no OAuth client is configured (jsforce login(), logout())', async () => {
    const conn = new jsforce.Connection({ loginUrl: url, version: '60.0' });
    const info = await conn.login(INTEGRATION_USERNAME, SANDBOX_PASSWORD + SANDBOX_SECURITY_TOKEN);
    expect(info).toMatchObject({ id: sb.userId, organizationId: SANDBOX_ORG_ID });
    expect(conn.instanceUrl).toBe(url);
    expect((await conn.query(SOQL)).totalSize).toBe(1);
    const bad = new jsforce.Connection({ loginUrl: url, version: '60.0' });
    await expect(bad.login(INTEGRATION_USERNAME, 'wrong')).rejects.toThrow(/INVALID_LOGIN/);
    // logout() ends the session: the same session id is refused afterwards.
    const session = conn.accessToken!;
    await conn.logout();
    const after = new jsforce.Connection({ instanceUrl: url, accessToken: session, version: '60.0' });
    await expect(after.query(SOQL)).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID' });
  });
});
