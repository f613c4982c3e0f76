/**
 * Bull Board, read-only, as a fastify plugin: the console's queue dashboard (issue #16;
 * docs/console.md, "Queue dashboard"). It shows the jobs of the BullMQ queues the workers
 * use (waiting, active, delayed, completed, failed, with data and errors) and changes none:
 * its retry and remove buttons would bypass the audit log, so they are refused twice:
 *
 * - every queue is added with `readOnlyMode` (Bull Board hides the buttons and its own
 *   handlers answer 405 to retry, clean, promote, pause, add, ...);
 * - every request other than GET and HEAD is answered 403 `FORBIDDEN` before any handler,
 *   whatever a future Bull Board adds to its API.
 *
 * The page fetches nothing from other sites (Bull Board's own links Google Fonts: removed).
 * Everything it registers (the page, its static assets, its JSON API) is behind the
 * caller's `guard` (the console's session check) and in an encapsulated context of its
 * own: the `@fastify/view` (EJS) and `@fastify/static` that Bull Board registers do not
 * meet the console's own `@fastify/view` (Eta). Its queues are closed when the server closes.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { ErrorCode } from '../../errors.ts';
import type { Logger } from '../../observability/logger.ts';
import { openBoardQueues } from '../../queue/bullmq/board-queue.ts';
import { envelope } from '../error-envelope.ts';

/** Stylesheets the page would fetch from another site. */
const EXTERNAL_STYLESHEETS = /<link\s[^>]*href="https?:\/\/[^"]*"[^>]*rel="stylesheet"[^>]*>\s*/g;

/** The only methods the dashboard answers; anything else would change a queue. */
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** What the dashboard shows and who may see it. */
export interface QueueBoardOptions {
  /**
   * Where it is mounted, relative to the prefix of the `app` it is registered on, without a
   * trailing slash: `/console/queues` on the root, `/queues` in the console's `/console` scope.
   */
  basePath: string;
  /**
   * Runs first on every request it answers (page, assets, API), as an async `onRequest` hook: it
   * replies (a redirect to the sign-in page, a 401) to refuse. Hooks of the parent contexts
   * (cookies, session) have run by then.
   */
  guard: onRequestAsyncHookHandler;
  /** Redis URL: the configuration's `queue.redis` (there is no dashboard in embedded mode). */
  redisUrl: string;
  /** Key prefix: the configuration's `queue.prefix`; default `frontback`. */
  prefix?: string;
  /** The queues shown, by the name the workers use (`sync`, src/cli/loop.ts). */
  queues: readonly string[];
  /** The page's title; default `frontback queues`. */
  title?: string;
  /** Where Redis connection errors are logged, once per outage. */
  logger?: Logger;
}

/**
 * Mounts the dashboard on `app` at `options.basePath`, in a context of its own. Register it
 * where the hooks it needs (cookies, session) are and the console's guard is not, since it
 * runs `guard` itself.
 */
export async function registerQueueBoard(app: FastifyInstance, options: QueueBoardOptions): Promise<void> {
  await app.register(
    async (board) => {
      board.addHook('onRequest', options.guard);
      board.addHook('onRequest', async (request, reply) => {
        if (READ_METHODS.has(request.method)) return;
        return reply
          .code(403)
          .send(envelope(ErrorCode.Forbidden, 'the queue dashboard is read-only: retry or remove jobs from the CLI'));
      });

      // Bull Board's page loads its fonts from fonts.googleapis.com: an admin's browser would tell Google about
      // the console (and fail offline or under a strict Content-Security-Policy). Without it, the system's fonts.
      board.addHook('onSend', async (_request, reply, payload) =>
        typeof payload === 'string' && String(reply.getHeader('content-type')).startsWith('text/html')
          ? payload.replace(EXTERNAL_STYLESHEETS, '')
          : payload,
      );

      const opened = openBoardQueues(options.queues, {
        redisUrl: options.redisUrl,
        ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
        ...(options.logger ? { logger: options.logger } : {}),
      });
      board.addHook('onClose', () => opened.close());

      const serverAdapter = new FastifyAdapter();
      // The page builds the URLs of its assets and API calls from this: the full prefix, the parents' included.
      serverAdapter.setBasePath(board.prefix);
      createBullBoard({
        queues: opened.queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
        serverAdapter,
        options: { uiConfig: { boardTitle: options.title ?? 'frontback queues' } },
      });
      await board.register(serverAdapter.registerPlugin());
    },
    { prefix: options.basePath },
  );
}
