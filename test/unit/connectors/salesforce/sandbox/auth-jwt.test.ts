/**
 * The JWT bearer grant of the Salesforce sandbox: an RS256 assertion signed with a key pair
 * made at test time, verified against the public key given as `jwtPublicKeyPem`, and each
 * way an assertion is refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, importPKCS8, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../../../../src/connector/sandbox/clock.ts';
import { SANDBOX_CLIENT_ID, SANDBOX_ORG_ID } from '../../../../../connectors/salesforce/sandbox/auth.ts';
import { JWT_BEARER_GRANT } from '../../../../../connectors/salesforce/sandbox/oauth-grants.ts';
import { INTEGRATION_USERNAME } from '../../../../../connectors/salesforce/sandbox/seed.ts';
import type { SalesforceSandbox } from '../../../../../connectors/salesforce/sandbox/server.ts';
import { authSandbox, BASE, get, postForm, QUERY } from './auth-fixture.ts';

let sb: SalesforceSandbox;
let clock: ManualClock;
let privateKey: CryptoKey;
let otherKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  ({ sb, clock } = await authSandbox({ jwtPublicKeyPem: await exportSPKI(pair.publicKey) }));
});

afterAll(async () => {
  await sb.close();
});

const nowSec = () => Math.floor(clock.now() / 1000);

async function assertion(claims: JWTPayload = {}, key: CryptoKey = privateKey): Promise<string> {
  const base = { iss: SANDBOX_CLIENT_ID, sub: INTEGRATION_USERNAME, aud: 'https://login.salesforce.com' };
  return new SignJWT({ ...base, exp: nowSec() + 180, ...claims }).setProtectedHeader({ alg: 'RS256' }).sign(key);
}

const exchange = (jwt: string) =>
  postForm(sb, '/services/oauth2/token', { grant_type: JWT_BEARER_GRANT, assertion: jwt });

describe('JWT bearer grant', () => {
  it('issues a token for the assertion subject, without a refresh token', async () => {
    const res = await exchange(await assertion());
    expect(res.status).toBe(200);
    expect(res.body['id']).toBe(`${BASE}/id/${SANDBOX_ORG_ID}/${sb.userId}`);
    expect(res.body['refresh_token']).toBeUndefined();
    expect((await get(sb, QUERY, String(res.body['access_token']))).status).toBe(200);
  });

  it('accepts the test login host and the sandbox URL as audience, and another user as subject', async () => {
    expect((await exchange(await assertion({ aud: 'https://test.salesforce.com' }))).status).toBe(200);
    expect((await exchange(await assertion({ aud: BASE }))).status).toBe(200);
    const admin = await exchange(await assertion({ sub: 'admin@frontback-sandbox.example' }));
    expect(admin.status).toBe(200);
    expect(admin.body['id']).not.toBe(`${BASE}/id/${SANDBOX_ORG_ID}/${sb.userId}`);
    const who = await get(sb, '/services/oauth2/userinfo', String(admin.body['access_token']));
    expect(who.body['preferred_username']).toBe('admin@frontback-sandbox.example');
  });

  const refusals: [string, () => Promise<string>, string, string][] = [
    ['a bad signature', () => assertion({}, otherKey), 'invalid_grant', 'invalid assertion'],
    ['a wrong audience', () => assertion({ aud: 'https://evil.example' }), 'invalid_grant', 'audience is invalid'],
    ['a wrong issuer', () => assertion({ iss: 'someone-else' }), 'invalid_client_id', 'client identifier invalid'],
    ['an expired assertion', () => assertion({ exp: nowSec() - 1 }), 'invalid_grant', 'expired authorization code'],
    ['an exp too far ahead', () => assertion({ exp: nowSec() + 3600 }), 'invalid_grant', 'invalid assertion'],
    [
      'an unknown subject',
      () => assertion({ sub: 'ghost@example.com' }),
      'invalid_grant',
      "user hasn't approved this consumer",
    ],
    ['a malformed assertion', async () => 'not.a.jwt', 'invalid_grant', 'invalid assertion'],
  ];
  for (const [what, make, error, description] of refusals) {
    it(`refuses ${what}`, async () => {
      const res = await exchange(await make());
      expect({ status: res.status, body: res.body }).toEqual({
        status: 400,
        body: { error, error_description: description },
      });
    });
  }

  it('refuses an assertion without exp', async () => {
    const jwt = await new SignJWT({
      iss: SANDBOX_CLIENT_ID,
      sub: INTEGRATION_USERNAME,
      aud: 'https://login.salesforce.com',
    })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    expect((await exchange(jwt)).body).toEqual({ error: 'invalid_grant', error_description: 'invalid assertion' });
  });

  it('refuses every assertion when no public key is configured', async () => {
    const bare = await authSandbox();
    try {
      const res = await postForm(bare.sb, '/services/oauth2/token', {
        grant_type: JWT_BEARER_GRANT,
        assertion: await assertion(),
      });
      expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'invalid assertion' });
    } finally {
      await bare.sb.close();
    }
  });

  /** openssl, which makes the self-signed certificate a connected app is given; absent on some machines. */
  const openssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!openssl)(
    'verifies with the X.509 certificate uploaded to the connected app, as well as with its public key (needs openssl)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sf-cert-'));
      const [key, cert] = [join(dir, 'server.key'), join(dir, 'server.crt')];
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          '/CN=frontback-jwt-test',
        ],
        { stdio: 'ignore' },
      );
      const withCert = await authSandbox({ jwtPublicKeyPem: readFileSync(cert, 'utf8') });
      try {
        const certKey = await importPKCS8(readFileSync(key, 'utf8'), 'RS256');
        const jwt = await new SignJWT({ iss: SANDBOX_CLIENT_ID, sub: INTEGRATION_USERNAME, aud: BASE })
          .setProtectedHeader({ alg: 'RS256' })
          .setExpirationTime(Math.floor(withCert.clock.now() / 1000) + 120)
          .sign(certKey);
        const ok = await postForm(withCert.sb, '/services/oauth2/token', {
          grant_type: JWT_BEARER_GRANT,
          assertion: jwt,
        });
        expect(ok.status).toBe(200);
        const other = await assertion();
        const refused = await postForm(withCert.sb, '/services/oauth2/token', {
          grant_type: JWT_BEARER_GRANT,
          assertion: other,
        });
        expect(refused.body).toEqual({ error: 'invalid_grant', error_description: 'invalid assertion' });
      } finally {
        await withCert.sb.close();
      }
    },
  );
});
