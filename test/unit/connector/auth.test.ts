import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authProviderFor, oauth2Auth, type OAuth2TokenResponse } from '../../../src/connector/auth.ts';

const AUTH = 'https://login.vendor.test';
const tokenUrl = `${AUTH}/services/oauth2/token`;

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe('oauth2Auth', () => {
  it('caches the access token until expires_in (minus skew), then refreshes with the rotated refresh token', async () => {
    let now = 1_000_000;
    const seen: OAuth2TokenResponse[] = [];
    const auth = oauth2Auth({
      connection: 'sf',
      settings: { type: 'oauth2', clientId: 'cid', clientSecret: 'cs', refreshToken: 'rt-1', tokenUrl },
      now: () => now,
      skewMs: 10_000,
      onToken: (t) => seen.push(t),
    });
    nock(AUTH)
      .post('/services/oauth2/token', 'grant_type=refresh_token&client_id=cid&client_secret=cs&refresh_token=rt-1')
      .reply(200, {
        access_token: 'at-1',
        expires_in: 60,
        refresh_token: 'rt-2',
        instance_url: 'https://na1.vendor.test',
      })
      .post('/services/oauth2/token', 'grant_type=refresh_token&client_id=cid&client_secret=cs&refresh_token=rt-2')
      .reply(200, { access_token: 'at-2', expires_in: '60' });
    const headers: Record<string, string> = {};
    await auth.apply(headers);
    expect(headers.authorization).toBe('Bearer at-1');
    now += 49_000;
    await auth.apply(headers);
    expect(headers.authorization).toBe('Bearer at-1');
    now += 2_000; // past 60 s - 10 s skew
    await auth.apply(headers);
    expect(headers.authorization).toBe('Bearer at-2');
    expect(seen[0]?.instance_url).toBe('https://na1.vendor.test');
  });

  it('uses client credentials with a scope', async () => {
    const auth = oauth2Auth({
      connection: 'bc',
      settings: {
        type: 'oauth2',
        grant: 'client_credentials',
        clientId: 'cid',
        clientSecret: 'cs',
        scope: 'https://api.businesscentral.dynamics.com/.default',
        tokenUrl,
      },
    });
    nock(AUTH)
      .post(
        '/services/oauth2/token',
        'grant_type=client_credentials&client_id=cid&client_secret=cs&scope=https%3A%2F%2Fapi.businesscentral.dynamics.com%2F.default',
      )
      .reply(200, { access_token: 'cc', expires_in: 3599, token_type: 'Bearer' });
    const headers: Record<string, string> = {};
    await auth.apply(headers);
    expect(headers.authorization).toBe('Bearer cc');
  });

  it('a token answer without access_token is INVALID_RESPONSE and is not logged or echoed', async () => {
    const auth = oauth2Auth({
      connection: 'sf',
      settings: { type: 'oauth2', clientId: 'cid', clientSecret: 'cs', refreshToken: 'rt', tokenUrl },
    });
    nock(AUTH).post('/services/oauth2/token').reply(200, { refresh_token: 'LEAK-ME' });
    const err = await auth.apply({}).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    expect(err?.code).toBe('INVALID_RESPONSE');
    expect(err?.message).not.toContain('LEAK-ME');
  });

  it('refuses incomplete settings at creation', () => {
    expect(() =>
      oauth2Auth({
        connection: 'x',
        settings: { type: 'oauth2', clientId: 'a', clientSecret: 'b', refreshToken: 'c' },
      }),
    ).toThrow('oauth2 needs auth.tokenUrl');
    expect(() =>
      oauth2Auth({ connection: 'x', settings: { type: 'oauth2', clientId: 'a', clientSecret: 'b', tokenUrl } }),
    ).toThrow('needs auth.refreshToken');
  });
});

describe('authProviderFor', () => {
  it('maps each auth type', async () => {
    const headers: Record<string, string> = {};
    await authProviderFor('h', { type: 'bearer', token: 'pat-1' })?.apply(headers);
    expect(headers.authorization).toBe('Bearer pat-1');
    expect(authProviderFor('o', { type: 'api-key', key: 'k', login: 'admin', database: 'db' })).toBeUndefined();
    expect(authProviderFor('n', { type: 'none' })).toBeUndefined();
    expect(() =>
      authProviderFor('ns', {
        type: 'oauth1',
        consumerKey: 'a',
        consumerSecret: 'b',
        tokenId: 'c',
        tokenSecret: 'd',
        realm: 'e',
      }),
    ).toThrow(/oauth1 request signing is not supported/);
  });
});
