/**
 * Signing in to the console: no session → sent to sign in; a wrong token refused (and
 * logged without the token); the session cookie HttpOnly, SameSite=Strict, Secure behind a
 * trusted HTTPS proxy; forms without the CSRF token refused; sign-out; a session ends when
 * its admin's token file is rotated; the console off (404) without an admin.
 */
import { writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { adminDirectory } from '../../../src/server/admins.ts';
import { buildServer } from '../../../src/server/app.ts';
import { syncEngine } from '../../../src/sync/engine.ts';
import {
  ADA_TOKEN,
  ADMIN_TOKEN,
  csrfOf,
  formBody,
  sessionCookieOf,
  signIn,
  startConsoleRig,
  type ConsoleRig,
} from '../../support/console.ts';

let consoleRig: ConsoleRig | undefined;
afterEach(async () => {
  await consoleRig?.close();
  consoleRig = undefined;
});

describe('console sign-in', () => {
  it('sends a page without a session to sign in, and an htmx request gets 401 with where to go', async () => {
    consoleRig = await startConsoleRig();
    const { app } = consoleRig;
    const page = await app.inject({ method: 'GET', url: '/console?mapping=x' });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/console/sign-in?next=%2Fconsole%3Fmapping%3Dx');
    const htmx = await app.inject({ method: 'GET', url: '/console/overview/live', headers: { 'hx-request': 'true' } });
    expect(htmx.statusCode).toBe(401);
    expect(htmx.headers['hx-redirect']).toMatch(/^\/console\/sign-in\?next=/);
    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/console');
  });

  it('refuses a wrong token with 401, logged with the address and never the token', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }),
    });
    consoleRig = await startConsoleRig({ logger });
    const { app } = consoleRig;
    const form = await app.inject({ method: 'GET', url: '/console/sign-in' });
    const wrong = `${ADMIN_TOKEN.slice(0, -1)}X`;
    const refused = await app.inject({
      method: 'POST',
      url: '/console/sign-in',
      headers: { cookie: sessionCookieOf(form) ?? '', 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody({ token: wrong, _csrf: csrfOf(form.body), next: '/console' }),
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toContain('That token is not an admin token.');
    const logged = lines.join('');
    expect(logged).toMatch(/console sign-in/);
    expect(logged).not.toContain(wrong);
  });

  it('signs in with a token: the overview names the admin; the cookie is HttpOnly and SameSite=Strict', async () => {
    consoleRig = await startConsoleRig();
    const { app } = consoleRig;
    const form = await app.inject({ method: 'GET', url: '/console/sign-in' });
    const signedIn = await app.inject({
      method: 'POST',
      url: '/console/sign-in',
      headers: { cookie: sessionCookieOf(form) ?? '', 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody({ token: ADA_TOKEN, _csrf: csrfOf(form.body), next: '/console/runs' }),
    });
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/console/runs');
    const setCookie = String(signedIn.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/);
    const client = await signIn(app, ADA_TOKEN);
    const overview = await client.get('/console');
    expect(overview.statusCode).toBe(200);
    expect(overview.body).toContain('signed in as <strong data-admin>Ada Lovelace</strong>');
    expect(overview.body).toContain('contacts-partners');
    expect(overview.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(overview.headers['cache-control']).toBe('no-store');
  });

  it("opens the admin API's reference and document to a signed-in admin, and to nobody else without a token", async () => {
    consoleRig = await startConsoleRig();
    const { app } = consoleRig;
    expect((await app.inject({ method: 'GET', url: '/admin/openapi.json' })).statusCode).toBe(401);
    const client = await signIn(app, ADA_TOKEN);
    const doc = await client.get('/admin/openapi.json');
    expect(doc.statusCode).toBe(200);
    expect(doc.json()).toMatchObject({ openapi: expect.stringMatching(/^3\.1/) });
    expect((await client.get('/admin/docs/')).statusCode).toBe(200);
    expect((await client.get('/console')).body).toContain('href="/admin/docs"');
    // The session opens the reference only: the API itself still needs a token.
    expect((await client.get('/admin/runs')).statusCode).toBe(401);
  });

  it('sends a next that leaves the console back to the overview', async () => {
    consoleRig = await startConsoleRig();
    const { app } = consoleRig;
    const form = await app.inject({ method: 'GET', url: '/console/sign-in' });
    for (const next of ['https://evil.example/', '//evil.example/console', '/admin/audit', '/console\\@evil']) {
      const signedIn = await app.inject({
        method: 'POST',
        url: '/console/sign-in',
        headers: { cookie: sessionCookieOf(form) ?? '', 'content-type': 'application/x-www-form-urlencoded' },
        payload: formBody({ token: ADMIN_TOKEN, _csrf: csrfOf(form.body), next }),
      });
      expect(signedIn.headers.location, next).toBe('/console');
    }
  });

  it('sets Secure on the cookie when the request came over HTTPS through a trusted proxy', async () => {
    consoleRig = await startConsoleRig({ server: { trustProxy: ['127.0.0.1'] } });
    const { app } = consoleRig;
    const https = { 'x-forwarded-proto': 'https' };
    const form = await app.inject({ method: 'GET', url: '/console/sign-in', headers: https });
    expect(String(form.headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('refuses a form without its CSRF token (403, nothing done) and signs out with it', async () => {
    consoleRig = await startConsoleRig();
    const client = await signIn(consoleRig.app);
    const noToken = await client.post('/console/sign-out', {}, { csrf: false });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.body).toContain('no valid CSRF token');
    expect((await client.get('/console')).statusCode).toBe(200);
    const forged = await client.post('/console/sign-out', { _csrf: 'forged-token' }, { csrf: false });
    expect(forged.statusCode).toBe(403);
    const out = await client.post('/console/sign-out', {});
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/console/sign-in?signedOut=1');
    expect((await client.get('/console')).statusCode).toBe(303);
  });

  it("ends a session when its admin's token file is rotated, not the other admins'", async () => {
    consoleRig = await startConsoleRig();
    const ada = await signIn(consoleRig.app, ADA_TOKEN);
    const admin = await signIn(consoleRig.app, ADMIN_TOKEN);
    expect((await ada.get('/console')).statusCode).toBe(200);
    writeFileSync(consoleRig.adaTokenFile, 'Xy7wQ2eR9tU4iO1pA6sD3fG8hJ5kL0zC\n');
    const ended = await ada.get('/console');
    expect(ended.statusCode).toBe(303);
    expect(ended.headers.location).toBe('/console/sign-in?next=%2Fconsole&ended=1');
    expect((await ada.get('/console')).statusCode).toBe(303);
    expect((await admin.get('/console')).statusCode).toBe(200);
    await expect(signIn(consoleRig.app, ADA_TOKEN)).rejects.toThrow(/401/);
    expect((await (await signIn(consoleRig.app, 'Xy7wQ2eR9tU4iO1pA6sD3fG8hJ5kL0zC')).get('/console')).statusCode).toBe(
      200,
    );
  });

  it('is off, answering 404 with how to turn it on, when no admin is named', async () => {
    consoleRig = await startConsoleRig();
    const { rig, engine } = consoleRig;
    const app = await buildServer({
      connectors: rig.byName,
      store: rig.store,
      logger: createLogger({ level: 'silent' }),
      metrics: createMetricsRegistry({ defaultMetrics: false }),
      bodyLimitBytes: 1_048_576,
      admin: { token: undefined, engine: syncEngine(engine.mappings, rig.byName, rig.store) },
      console: { directory: adminDirectory({ adminTokens: [], admins: [] }), queueKind: 'memory' },
    });
    const off = await app.inject({ method: 'GET', url: '/console' });
    expect(off.statusCode).toBe(404);
    expect(off.body).toMatch(/server\.admins/);
    expect((await app.inject({ method: 'GET', url: '/console/sign-in' })).statusCode).toBe(404);
    await app.close();
  });
});
