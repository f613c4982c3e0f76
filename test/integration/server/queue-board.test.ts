/**
 * The read-only queue dashboard (src/server/console/queue-board.ts) over a real BullMQ queue
 * holding one failed job: its page, assets and API answer only behind the caller's guard;
 * every write (retry, remove, clean, promote, pause, add) is refused and the job stays as it
 * was; opening and reading the queue writes nothing to Redis; registered in the console's
 * scope, it lives beside the console's own pages and their `reply.view`. (Needs Redis: mandatory under CI=true, skipped
 * with the reason elsewhere.)
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Eta } from 'eta';
import Fastify, { type FastifyInstance, type FastifyReply, type onRequestAsyncHookHandler } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.ts';
import { createBullMqQueue, obliterateBullMqQueue } from '../../../src/queue/bullmq/bullmq-queue.ts';
import type { JobQueue, QueueWorker } from '../../../src/queue/job-queue.ts';
import { registerQueueBoard } from '../../../src/server/console/queue-board.ts';
import { envelope } from '../../../src/server/error-envelope.ts';
import { haveRedis, REDIS_URL } from '../../support/env.ts';

const redis = await haveRedis();
const prefix = 'frontback-test';
const BASE = '/console/queues';
const SIGNED_IN = { 'x-test-session': 'yes' };

/** The console's session check, as the board gets it: refuses without the header. */
const guard: onRequestAsyncHookHandler = async (request, reply) => {
  if (request.headers['x-test-session'] !== 'yes') {
    return reply.code(401).send(envelope(ErrorCode.Auth, 'sign in first'));
  }
};

/** The test console's page renderer; Bull Board's own @fastify/view decorates the same name, in its context. */
type Renders = FastifyReply & { view(template: string, data: object): FastifyReply };

/**
 * An app like the console's: its pages rendered with Eta by a `reply.view` of its own (the
 * name Bull Board's @fastify/view decorates), the board registered in the console's
 * `/console` scope at `/queues`.
 */
async function consoleApp(names: readonly string[]): Promise<FastifyInstance> {
  const app = Fastify();
  const eta = new Eta();
  app.decorateReply('view', function (this: FastifyReply, template: string, data: object) {
    return this.type('text/html; charset=utf-8').send(eta.renderString(template, data));
  });
  await app.register(
    async (scope) => {
      scope.get('/', async (_request, reply) => (reply as Renders).view('<p>Hello <%= it.who %></p>', { who: 'Ada' }));
      await registerQueueBoard(scope, { basePath: '/queues', guard, redisUrl: REDIS_URL, prefix, queues: names });
    },
    { prefix: '/console' },
  );
  await app.ready();
  return app;
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!redis)('the queue dashboard (Bull Board, read-only)', () => {
  const name = `board-${randomUUID().slice(0, 8)}`;
  let jobs: JobQueue;
  let worker: QueueWorker;
  let inspect: Queue;
  let app: FastifyInstance;
  let failedId: string;

  beforeAll(async () => {
    jobs = createBullMqQueue(name, { redisUrl: REDIS_URL, prefix });
    worker = jobs.work(async () => {
      throw Object.assign(new Error('HubSpot refused the contact'), { retryable: false });
    });
    failedId = (await jobs.add('push', { contact: 42 }, { attempts: 1 })).id;
    await waitFor(async () => (await jobs.counts()).failed === 1, 10_000);
    await worker.close();
    inspect = new Queue(name, { connection: { url: REDIS_URL }, prefix });
    app = await consoleApp([name]);
  });

  afterAll(async () => {
    await app?.close();
    await inspect?.close();
    await jobs?.close();
    await obliterateBullMqQueue(name, { redisUrl: REDIS_URL, prefix });
  });

  it.each([
    ['the page', `${BASE}`],
    ['a job page', `${BASE}/queue/${name}/1`],
    ['a static asset', `${BASE}/static/favicon-32x32.png`],
    ['the API', `${BASE}/api/queues`],
    ['a write', `${BASE}/api/queues/${name}/retry/failed`, 'PUT'],
  ])('answers %s only behind the guard', async (_what, url, method = 'GET') => {
    const refused = await app.inject({ method: method as 'GET' | 'PUT', url });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual(envelope(ErrorCode.Auth, 'sign in first'));
  });

  it('serves its page and assets under the base path', async () => {
    const page = await app.inject({ url: BASE, headers: SIGNED_IN });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    // Its assets are relative to <base href>: the base path with a slash.
    expect(page.body).toContain(`<base href="${BASE}/" />`);
    expect(page.body).toContain('<title>frontback queues</title>');
    const scripts = [...page.body.matchAll(/src="([^"]+\.js)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const asset = await app.inject({ url: `${BASE}/${script}`, headers: SIGNED_IN });
      expect(asset.statusCode, script).toBe(200);
    }
    // Nothing from another site (Bull Board's page links Google Fonts).
    expect(page.body).not.toMatch(/(href|src)="https?:/);
  });

  it('lists the queue the workers use, with its failed job, read-only', async () => {
    const res = await app.inject({ url: `${BASE}/api/queues?activeQueue=${name}&status=failed`, headers: SIGNED_IN });
    expect(res.statusCode).toBe(200);
    const queue = (res.json() as { queues: Array<Record<string, unknown>> }).queues.find((q) => q.name === name);
    expect(queue).toMatchObject({ readOnlyMode: true, allowRetries: false, counts: { failed: 1 } });
    expect(queue?.jobs).toEqual([
      expect.objectContaining({ id: failedId, failedReason: 'HubSpot refused the contact', data: { contact: 42 } }),
    ]);
  });

  it.each([
    ['retry every failed job', 'PUT', `/api/queues/%n/retry/failed`],
    ['retry one job', 'PUT', `/api/queues/%n/%j/retry`],
    ['remove one job', 'PUT', `/api/queues/%n/%j/clean`],
    ['remove every failed job', 'PUT', `/api/queues/%n/clean/failed`],
    ['promote', 'PUT', `/api/queues/%n/promote`],
    ['pause the queue', 'PUT', `/api/queues/%n/pause`],
    ['pause every queue', 'PUT', `/api/queues/pause`],
    ['empty the queue', 'PUT', `/api/queues/%n/empty`],
    ['add a job', 'POST', `/api/queues/%n/add`],
    ['edit a job', 'PATCH', `/api/queues/%n/%j/update-data`],
  ])('refuses to %s (403) and leaves the job as it was', async (_what, method, path) => {
    const url = BASE + path.replace('%n', name).replace('%j', failedId);
    const res = await app.inject({
      method: method as 'PUT' | 'POST' | 'PATCH',
      url,
      headers: SIGNED_IN,
      ...(method === 'POST' || method === 'PATCH' ? { payload: { name: 'x', data: {} } } : {}),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: ErrorCode.Forbidden } });
    const job = await inspect.getJob(failedId);
    expect(await job?.getState()).toBe('failed');
    expect(job?.failedReason).toBe('HubSpot refused the contact');
    expect(job?.data).toEqual({ contact: 42 });
    expect(await inspect.isPaused()).toBe(false);
    expect(await inspect.getJobCounts('failed', 'waiting', 'delayed')).toEqual({ failed: 1, waiting: 0, delayed: 0 });
  });

  it("leaves the console's own reply.view (Eta) working beside Bull Board's (@fastify/view, EJS)", async () => {
    const home = await app.inject({ url: '/console' });
    expect(home.statusCode).toBe(200);
    expect(home.body).toBe('<p>Hello Ada</p>');
  });

  it('writes nothing to Redis when it opens and reads a queue nobody used', async () => {
    const unused = `board-unused-${randomUUID().slice(0, 8)}`;
    const other = await consoleApp([unused]);
    const client = new Redis(REDIS_URL);
    try {
      for (const url of [BASE, `${BASE}/api/queues?activeQueue=${unused}`, `${BASE}/api/queues/${unused}/workers`]) {
        expect((await other.inject({ url, headers: SIGNED_IN })).statusCode).toBe(200);
      }
      expect(await client.keys(`${prefix}:${unused}:*`)).toEqual([]);
    } finally {
      await other.close();
      client.disconnect();
    }
  });
});
