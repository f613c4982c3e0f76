/**
 * The queue dashboard (src/server/console/queue-board.ts) in Chromium, on a real port: behind
 * the guard it loads without a console error or failed request (Bull Board's page is a React
 * app calling its API), shows the failed job with its error, and offers no button that
 * would change it. (Needs Redis and Chromium: mandatory under CI=true, skipped with the
 * reason elsewhere.)
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors.ts';
import { createBullMqQueue, obliterateBullMqQueue } from '../../src/queue/bullmq/bullmq-queue.ts';
import type { JobQueue } from '../../src/queue/job-queue.ts';
import { registerQueueBoard } from '../../src/server/console/queue-board.ts';
import { envelope } from '../../src/server/error-envelope.ts';
import { describeBrowser, screenshot, useBrowser } from '../support/browser.ts';
import { haveRedis, REDIS_URL } from '../support/env.ts';

const redis = await haveRedis();
const prefix = 'frontback-test';
const BASE = '/console/queues';

describeBrowser('the queue dashboard in a browser', () => {
  const b = useBrowser();
  const name = `board-${randomUUID().slice(0, 8)}`;
  let jobs: JobQueue;
  let app: FastifyInstance;
  let origin: string;

  beforeAll(async () => {
    if (!redis) return;
    jobs = createBullMqQueue(name, { redisUrl: REDIS_URL, prefix });
    const worker = jobs.work(async () => {
      throw Object.assign(new Error('HubSpot refused the contact'), { retryable: false });
    });
    await jobs.add('push', { contact: 42 }, { attempts: 1 });
    const until = Date.now() + 10_000;
    while ((await jobs.counts()).failed < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await worker.close();

    app = Fastify();
    await registerQueueBoard(app, {
      basePath: BASE,
      // The console's session check stands in as a cookie.
      guard: async (request, reply) => {
        if (!/(^|;\s*)session=yes(;|$)/.test(request.headers.cookie ?? '')) {
          return reply.code(401).send(envelope(ErrorCode.Auth, 'sign in first'));
        }
      },
      redisUrl: REDIS_URL,
      prefix,
      queues: [name],
    });
    origin = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    if (!redis) return;
    await app?.close();
    await jobs?.close();
    await obliterateBullMqQueue(name, { redisUrl: REDIS_URL, prefix });
  });

  it.skipIf(!redis)('refuses a browser without a session', async () => {
    const res = await b.page.goto(`${origin}${BASE}`);
    expect(res?.status()).toBe(401);
    expect(await b.page.textContent('body')).toContain('sign in first');
  });

  it.skipIf(!redis)(
    'shows the failed job and its error, without a console error or a button to change it',
    async () => {
      await b.context.addCookies([{ name: 'session', value: 'yes', url: origin }]);
      await b.page.goto(`${origin}${BASE}/queue/${name}?status=failed`);
      await b.page.getByText('HubSpot refused the contact').first().waitFor();
      await b.page.waitForLoadState('networkidle');
      await screenshot(b.page, 'queue-board-failed');
      for (const label of [/retry/i, /clean/i, /remove/i, /promote/i, /pause/i, /add job/i]) {
        expect(await b.page.getByRole('button', { name: label }).count(), String(label)).toBe(0);
      }
      expect(b.problems()).toEqual([]);
    },
  );
});
