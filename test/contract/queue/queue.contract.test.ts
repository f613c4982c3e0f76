/**
 * One JobQueue contract, run over the in-process queue and BullMQ on Redis (STYLE:
 * one suite per port over every adapter): jobs run with their data; a jobId is taken
 * once while the job is kept, and one holding ":" is refused; failed attempts are
 * retried with their attempt number until one succeeds, or the job ends failed with the
 * last error; an unrecoverable error fails at once; a delayed job waits; concurrency is
 * respected; closing a worker lets the running job finish.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createBullMqQueue, obliterateBullMqQueue } from '../../../src/queue/bullmq/bullmq-queue.ts';
import { UnrecoverableJobError, type Job, type JobQueue, type QueueWorker } from '../../../src/queue/job-queue.ts';
import { createMemoryQueue } from '../../../src/queue/memory/memory-queue.ts';
import { createQueue } from '../../../src/queue/create-queue.ts';
import { haveRedis, REDIS_URL } from '../../support/env.ts';

interface Adapter {
  name: string;
  available: boolean;
  create(name: string): JobQueue;
  dispose(name: string): Promise<void>;
}

const redis = await haveRedis();
const prefix = 'frontback-test';
const adapters: Adapter[] = [
  { name: 'memory', available: true, create: (n) => createMemoryQueue(n), dispose: () => Promise.resolve() },
  { name: 'bullmq', available: redis, create: (n) => createBullMqQueue(n, { redisUrl: REDIS_URL, prefix }), dispose: (n) => obliterateBullMqQueue(n, { redisUrl: REDIS_URL, prefix }) },
];

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const adapter of adapters) {
  describe.skipIf(!adapter.available)(`JobQueue contract on ${adapter.name}`, () => {
    let queue: JobQueue;
    let name: string;
    const workers: QueueWorker[] = [];
    const open = (): JobQueue => {
      name = `q-${randomUUID().slice(0, 8)}`;
      queue = adapter.create(name);
      return queue;
    };
    afterEach(async () => {
      for (const w of workers.splice(0)) await w.close();
      await queue.close();
      await adapter.dispose(name);
    });

    it('runs a job with its data, once', async () => {
      const q = open();
      const seen: Job[] = [];
      workers.push(q.work(async (job) => void seen.push(job)));
      const { id } = await q.add('poll', { mapping: 'contacts-partners', side: 'crm' });
      await until(() => seen.length === 1);
      expect(seen[0]).toMatchObject({ id, name: 'poll', data: { mapping: 'contacts-partners', side: 'crm' }, attempt: 1 });
      await until(async () => (await q.counts()).completed === 1);
      expect(seen).toHaveLength(1);
    });

    it('takes a jobId once while the job is kept, and refuses one holding ":"', async () => {
      const q = open();
      const first = await q.add('push', { n: 1 }, { jobId: 'push-contacts-51' });
      const second = await q.add('push', { n: 2 }, { jobId: 'push-contacts-51' });
      expect(second.id).toBe(first.id);
      const seen: unknown[] = [];
      workers.push(q.work(async (job) => void seen.push(job.data)));
      await until(() => seen.length === 1);
      // Ended and still kept: adding it again is ignored too.
      await until(async () => (await q.counts()).completed === 1);
      await q.add('push', { n: 3 }, { jobId: 'push-contacts-51' });
      await new Promise((r) => setTimeout(r, 200));
      expect(seen).toEqual([{ n: 1 }]);
      await expect(q.add('push', {}, { jobId: 'push:contacts:51' })).rejects.toThrow(/must be non-empty and hold no ":"/);
    });

    it('retries a failing job with its attempt number until it succeeds', async () => {
      const q = open();
      const attempts: number[] = [];
      workers.push(
        q.work(async (job) => {
          attempts.push(job.attempt);
          if (job.attempt < 3) throw new Error(`HubSpot answered 503 (attempt ${job.attempt})`);
        }),
      );
      await q.add('push', {}, { attempts: 5, backoffMs: 20 });
      await until(async () => (await q.counts()).completed === 1);
      expect(attempts).toEqual([1, 2, 3]);
      expect(await q.failed()).toEqual([]);
    });

    it('ends a job failed with the last error once its attempts are used up; an unrecoverable error fails at once', async () => {
      const q = open();
      let runs = 0;
      workers.push(
        q.work(async (job) => {
          runs += 1;
          if (job.name === 'poison') throw new UnrecoverableJobError('Odoo refused the record: Contacts require a name');
          throw new Error(`still down (attempt ${job.attempt})`);
        }),
      );
      await q.add('push', { ref: 'a' }, { jobId: 'always-fails', attempts: 2, backoffMs: 20 });
      await q.add('poison', { ref: 'b' }, { jobId: 'poison-1', attempts: 5, backoffMs: 20 });
      await until(async () => (await q.counts()).failed === 2);
      const failed = await q.failed();
      const byId = new Map(failed.map((f) => [f.id, f]));
      expect(byId.get('always-fails')).toMatchObject({ name: 'push', data: { ref: 'a' }, attemptsMade: 2, error: 'still down (attempt 2)' });
      expect(byId.get('poison-1')).toMatchObject({ name: 'poison', attemptsMade: 1, error: 'Odoo refused the record: Contacts require a name' });
      expect(runs).toBe(3);
    });

    it('holds a delayed job until its time', async () => {
      const q = open();
      const ran: number[] = [];
      workers.push(q.work(async () => void ran.push(Date.now())));
      const added = Date.now();
      await q.add('poll', {}, { delayMs: 400 });
      await new Promise((r) => setTimeout(r, 150));
      expect(ran).toEqual([]);
      expect((await q.counts()).delayed).toBe(1);
      await until(() => ran.length === 1);
      expect((ran[0] as number) - added).toBeGreaterThanOrEqual(350);
    });

    it('runs at most `concurrency` jobs at once, and closing a worker lets the running job finish', async () => {
      const q = open();
      let active = 0;
      let most = 0;
      let done = 0;
      const worker = q.work(
        async () => {
          active += 1;
          most = Math.max(most, active);
          await new Promise((r) => setTimeout(r, 60));
          active -= 1;
          done += 1;
        },
        { concurrency: 2 },
      );
      for (let i = 0; i < 6; i++) await q.add('push', { i });
      await until(() => done === 6);
      expect(most).toBe(2);
      await q.add('push', { last: true });
      await until(() => active === 1);
      await worker.close();
      expect(done).toBe(7);
    });
  });
}

describe('createQueue', () => {
  it('is the in-process queue without queue.redis, BullMQ with it', async () => {
    const memory = createQueue({ kind: 'memory', prefix, concurrency: 1 }, 'q-config');
    await memory.add('poll', {});
    expect((await memory.counts()).waiting).toBe(1);
    await memory.close();
    if (!redis) return;
    const name = `q-${randomUUID().slice(0, 8)}`;
    const shared = createQueue({ kind: 'bullmq', redis: REDIS_URL, prefix, concurrency: 1 }, name);
    try {
      await shared.add('poll', {}, { jobId: 'one' });
      // A second process (another queue object on the same Redis) sees the same job.
      const other = createBullMqQueue(name, { redisUrl: REDIS_URL, prefix });
      expect((await other.counts()).waiting).toBe(1);
      await other.close();
    } finally {
      await shared.close();
      await obliterateBullMqQueue(name, { redisUrl: REDIS_URL, prefix });
    }
  });
});
