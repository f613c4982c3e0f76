/**
 * The admin console: server-rendered pages under /console where IT admins see what is
 * syncing and take the decisions frontback leaves to people (docs/console.md). It lives
 * where the admin API lives (the operations listener when `server.operations` is set) and
 * is off unless an admin is configured (`server.adminToken` or `server.admins`).
 *
 * - session.ts: sign-in with an admin's token, the session cookie, CSRF, the guard;
 * - render.ts + views/: Eta templates (escaping by default) in one layout;
 * - assets.ts: htmx and the classless stylesheet, from the package;
 * - pages/: one file per page, each registering its routes with {@link ConsolePages}.
 * Every decision a page takes goes through the same functions as the admin API and the
 * command line, attributed to the signed-in admin's name in the audit log.
 */
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Connector } from '../../connector/index.ts';
import { FrontbackError } from '../../errors.ts';
import type { ConnectorCatalog } from '../../mapping/check-connectors.ts';
import type { Store } from '../../store/store.ts';
import type { SyncEngine } from '../../sync/engine.ts';
import type { AdminOptions } from '../admin-routes.ts';
import type { AdminJobs } from '../../sync/runner/admin-jobs.ts';
import type { AdminDirectory } from '../admins.ts';
import { statusOfCode } from '../error-envelope.ts';
import type { ReadinessCheck } from '../readiness.ts';
import type { Logger } from '../../observability/logger.ts';
import { assetRoutes } from './assets.ts';
import { registerQueueBoard, type QueueBoardOptions } from './queue-board.ts';
import { overviewPage } from './pages/overview.ts';
import { renderFragment, renderPage, sendHtml, type NavItem } from './render.ts';
import { adminOf, registerSessions, requireAdmin, SESSION_COOKIE, sessionRoutes } from './session.ts';

/** What the console is built from. */
export interface ConsoleOptions {
  readonly directory: AdminDirectory;
  /** `server.sessionSecret`. */
  readonly sessionSecret?: string | undefined;
  readonly store: Store;
  readonly engine: SyncEngine;
  /** Live connectors by connection name (their API budgets on the overview). */
  readonly connectors: ReadonlyMap<string, Connector>;
  /** What /readyz checks (store, queue): shown on the overview. */
  readonly checks: readonly ReadinessCheck[];
  /** The queue's kind (`memory`, `bullmq`), as the overview shows it. */
  readonly queueKind: string;
  /** The queue dashboard at /console/queues (read-only), when the queue runs on Redis. */
  readonly queueBoard?: Omit<QueueBoardOptions, 'basePath' | 'guard' | 'logger'>;
  /** Epoch ms; default Date.now. */
  readonly clock?: () => number;
  /** Signed checkpoints the audit page's Verify checks the log against, as `GET /admin/audit/verify` does. */
  readonly checkpoints?: AdminOptions['checkpoints'];
  /**
   * The mappings folder (`mappings.dir`) and what `frontback validate` checks it against:
   * the mapping pages show each file as written with its findings, read at each request.
   * Absent: the pages show what runs only.
   */
  readonly mappingFiles?: { readonly dir: string; readonly catalog?: ConnectorCatalog | undefined };
  /** Plans (dry runs) and passes queued for a worker; absent: the mapping page's plan and run answer 503. */
  readonly jobs?: ConsoleJobs;
}

/** Runs queued on an admin's behalf (the admin API's port): one per side asked for, each with its run id. */
export type ConsoleJobs = AdminJobs;

/** What a page module gets: the options, and how to answer with a page in the layout. */
export interface ConsolePages extends ConsoleOptions {
  /** Sends `view` in the layout, titled `title`, the nav entry `current` marked. */
  page(
    request: FastifyRequest,
    reply: FastifyReply,
    view: string,
    title: string,
    data?: Record<string, unknown>,
    current?: string,
  ): FastifyReply;
  /** Sends `view` alone (an htmx answer), with the CSRF token and the admin in its data. */
  fragment(request: FastifyRequest, reply: FastifyReply, view: string, data?: Record<string, unknown>): FastifyReply;
  /** The signed-in admin's name, for `by` of every decision. */
  who(request: FastifyRequest): string;
  /** Adds an entry to the navigation (in the order pages register). */
  nav(item: NavItem): void;
}

/** A page module: registers its routes on the console's guarded scope. */
export type ConsolePage = (app: FastifyInstance, pages: ConsolePages) => void | Promise<void>;

/** Registers the console under /console (and `/` redirecting to it) on `app`. */
export async function consoleRoutes(
  app: FastifyInstance,
  options: ConsoleOptions,
  more: readonly ConsolePage[] = [],
): Promise<ConsoleSessions> {
  const { directory } = options;
  // Bound once the session plugin is registered below; until then (and with the console off) nobody is signed in.
  let signedIn: ConsoleSessions['signedIn'] = () => false;
  if (!directory.any) {
    const off =
      'the console is off: name an admin (server.admins, or server.adminToken) to turn it on (docs/console.md)';
    app.get('/console', async (_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send(off));
    app.get('/console/*', async (_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send(off));
    return { signedIn: (request) => signedIn(request) };
  }
  app.get('/', async (_request, reply) => reply.redirect('/console', 302));

  await app.register(
    async (scope) => {
      await scope.register(formbody);
      await registerSessions(scope, { directory, sessionSecret: options.sessionSecret });
      signedIn = (request) => {
        const cookie = scope.parseCookie(request.headers.cookie ?? '')[SESSION_COOKIE];
        const admin = cookie === undefined ? undefined : scope.decodeSecureSession(cookie)?.get('admin');
        return admin !== undefined && directory.current(admin);
      };
      scope.setErrorHandler(consoleErrorHandler);
      assetRoutes(scope);
      sessionRoutes(scope, directory);
      if (options.queueBoard)
        await registerQueueBoard(scope, {
          ...options.queueBoard,
          basePath: '/queues',
          guard: requireAdmin(directory),
          logger: scope.log as Logger,
        });

      await scope.register(async (guarded) => {
        guarded.addHook('onRequest', requireAdmin(directory));
        const navigation: NavItem[] = [];
        const pages: ConsolePages = {
          ...options,
          page(_request, reply, view, title, data = {}, current) {
            const admin = adminOf(_request).name;
            const html = renderPage(
              view,
              { title, admin, csrf: reply.generateCsrf(), nav: navigation, ...(current ? { current } : {}) },
              data,
            );
            return sendHtml(reply, html);
          },
          fragment(request, reply, view, data = {}) {
            return sendHtml(
              reply,
              renderFragment(view, { ...data, csrf: reply.generateCsrf(), admin: adminOf(request).name }),
            );
          },
          who: (request) => adminOf(request).name,
          nav: (item) => void navigation.push(item),
        };
        await overviewPage(guarded, pages);
        for (const register of more) await register(guarded, pages);
        if (options.queueBoard) navigation.push({ href: '/console/queues', label: 'Queues' });
        navigation.push({ href: '/admin/docs', label: 'API' });
      });
    },
    { prefix: '/console' },
  );
  return { signedIn: (request) => signedIn(request) };
}

/** What the console tells the rest of the server: whether a request comes from a signed-in admin. */
export interface ConsoleSessions {
  /** True when the request carries a live console session (the admin API's reference page accepts it). */
  signedIn(request: FastifyRequest): boolean;
}

/** Errors inside the console answer as a page (or a line, to htmx), with the message escaped. */
async function consoleErrorHandler(
  this: FastifyInstance,
  error: FastifyError | FrontbackError,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  let status: number;
  let message: string;
  if (error instanceof FrontbackError) {
    status = statusOfCode(error.code);
    message = error.message;
  } else if (error.code === 'FST_CSRF_MISSING_SECRET' || error.code === 'FST_CSRF_INVALID_TOKEN') {
    status = 403;
    message =
      'Refused: this form carries no valid CSRF token (it expired, or it was not sent from this console). Reload the page and try again.';
  } else {
    status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    message = status >= 500 ? 'Internal error; see the server log.' : error.message;
  }
  if (status >= 500) request.log.error({ err: error }, 'console request failed');
  if (request.headers['hx-request'] !== undefined) return sendHtml(reply, renderFragment('error', { message }), status);
  const html = renderPage(
    'error',
    { title: status === 403 ? 'Refused' : 'Something went wrong', csrf: '', nav: [] },
    { message, back: '/console' },
  );
  return sendHtml(reply, html, status);
}
