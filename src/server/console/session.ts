/**
 * Signing in to the console: an admin exchanges their token (admins.ts) for a session
 * kept in an encrypted, signed cookie (@fastify/secure-session: nothing stored on the
 * server, so any copy of `serve` can read it) that is HttpOnly, SameSite=Strict, Secure
 * when the request came over HTTPS (directly or, with `server.trustProxy`, through the
 * proxy), and expires after {@link SESSION_HOURS} hours. The session keeps the admin's
 * name and the fingerprint of the token used, never the token: when that token is rotated
 * (the token file replaced), the session ends at its next request.
 *
 * Every form and htmx request carries a CSRF token (@fastify/csrf-protection, its secret in
 * the session); a request without it is refused with 403 before anything is done. Sign-in
 * attempts are rate limited per client address ({@link SIGN_IN_PER_MINUTE} a minute), and
 * a refused token is logged at warn with the client address, never the token.
 */
import { hkdfSync } from 'node:crypto';
import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import secureSession from '@fastify/secure-session';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Admin, AdminDirectory } from '../admins.ts';
import { logAuthFailure } from '../client-auth.ts';
import { renderPage, sendHtml } from './render.ts';

/** How long a console session lasts, hours. */
export const SESSION_HOURS = 8;
/** Sign-in attempts per client address per minute. */
export const SIGN_IN_PER_MINUTE = 10;
/** The session cookie's name. */
export const SESSION_COOKIE = 'frontback_console';

declare module '@fastify/secure-session' {
  interface SessionData {
    admin: Admin;
  }
}

/**
 * The 32-byte session key: from `server.sessionSecret` when set, else from every admin
 * token at start (HKDF-SHA256), so copies of `serve` with one configuration agree.
 */
export function sessionKey(sessionSecret: string | undefined, tokens: readonly string[]): Buffer {
  const material = sessionSecret ?? [...tokens].sort().join('\n');
  return Buffer.from(hkdfSync('sha256', material, 'frontback-console', 'session-cookie', 32));
}

/** The signed-in admin of a request that passed {@link requireAdmin}. */
export function adminOf(request: FastifyRequest): Admin {
  const admin = request.session.get('admin');
  if (admin === undefined) throw new Error('adminOf called on a request without a session (requireAdmin not run)');
  return admin;
}

/** A `next` the sign-in may send back to: a console path of this server, nothing else. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/console(\/[^\\]*)?(\?.*)?$/.test(next) && !next.startsWith('//')
    ? next
    : '/console';
}

/** Registers the session and CSRF plugins on `app` (the console's scope). */
export async function registerSessions(
  app: FastifyInstance,
  options: { directory: AdminDirectory; sessionSecret?: string | undefined },
): Promise<void> {
  await app.register(secureSession, {
    key: sessionKey(options.sessionSecret, options.directory.tokens()),
    cookieName: SESSION_COOKIE,
    expiry: SESSION_HOURS * 3600,
    cookie: { path: '/', httpOnly: true, sameSite: 'strict', secure: 'auto' },
  });
  await app.register(csrf, { sessionPlugin: '@fastify/secure-session' });
  await app.register(rateLimit, { global: false, keyGenerator: (request) => request.ip });
}

/**
 * An onRequest hook: a request without a live session is sent to sign in (a page) or
 * refused with 401 (anything else, htmx included: it is told where to go).
 */
export function requireAdmin(directory: AdminDirectory) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const admin = request.session.get('admin');
    if (admin !== undefined && directory.current(admin)) return;
    // A session whose token was rotated (or whose admin was removed) ends here.
    if (admin !== undefined) request.session.delete();
    const where = `/console/sign-in?next=${encodeURIComponent(safeNext(request.url))}${admin ? '&ended=1' : ''}`;
    if (request.method === 'GET' && request.headers['hx-request'] === undefined) {
      await reply.redirect(where, 303);
      return;
    }
    await reply
      .code(401)
      .header('hx-redirect', where)
      .type('text/plain; charset=utf-8')
      .send('sign in first: no console session (or it ended)');
  };
}

/** GET/POST /sign-in and POST /sign-out, in the console's scope. */
export function sessionRoutes(app: FastifyInstance, directory: AdminDirectory): void {
  const signInPage = (
    reply: FastifyReply,
    next: string,
    message?: { text: string; failed: boolean },
    status = 200,
  ): FastifyReply =>
    sendHtml(
      reply,
      renderPage(
        'sign-in',
        { title: 'Sign in', csrf: reply.generateCsrf(), nav: [] },
        { next, hours: SESSION_HOURS, message: message?.text, failed: message?.failed ?? false },
      ),
      status,
    );

  app.get<{ Querystring: { next?: string; ended?: string; signedOut?: string } }>(
    '/sign-in',
    async (request, reply) => {
      const q = request.query;
      const message =
        q.ended !== undefined
          ? { text: 'Your session ended: the token it was opened with changed. Sign in again.', failed: true }
          : q.signedOut !== undefined
            ? { text: 'Signed out.', failed: false }
            : undefined;
      return signInPage(reply, safeNext(q.next), message);
    },
  );

  app.post<{ Body: { token?: string; next?: string } }>(
    '/sign-in',
    {
      config: { rateLimit: { max: SIGN_IN_PER_MINUTE, timeWindow: 60_000 } },
      preHandler: app.csrfProtection,
    },
    async (request, reply) => {
      const token = typeof request.body?.token === 'string' ? request.body.token.trim() : '';
      const admin = token.length > 0 ? directory.byToken(token) : undefined;
      const next = safeNext(request.body?.next);
      if (admin === undefined) {
        logAuthFailure(request, 'console sign-in');
        return signInPage(reply, next, { text: 'That token is not an admin token.', failed: true }, 401);
      }
      // A new session (a new CSRF secret too): nothing chosen before signing in carries over.
      request.session.regenerate();
      request.session.set('admin', admin);
      request.log.info({ admin: admin.name }, 'console: signed in');
      return reply.redirect(next, 303);
    },
  );

  app.post('/sign-out', { preHandler: app.csrfProtection }, async (request, reply) => {
    const admin = request.session.get('admin');
    request.session.delete();
    if (admin) request.log.info({ admin: admin.name }, 'console: signed out');
    return reply.redirect('/console/sign-in?signedOut=1', 303);
  });
}
