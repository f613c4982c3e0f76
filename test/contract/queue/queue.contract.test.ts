/**
 * One JobQueue contract, run over the in-process queue and BullMQ on Redis (STYLE:
 * one suite per port over every adapter): jobs run with their data; a jobId is taken
 * once while the job is kept, and one holding ":" is refused; failed attempts are
 * retried with their attempt number until one succeeds, or the job ends failed with the
 * last error; an unrecoverable error fails at once; a delayed job waits; concurrency is
 * respected; closing a worker lets the running job finish.
 *
 * Retry behaviour carried by the error (src/queue/retry-policy.ts): a non-retryable error
 * is attempted once; a retryable one is retried with growing backoff; `retryAfterMs`
 * delays the next run instead of the backoff, and a rate limit's wait uses no attempt;
 * a plain object carrying `code`/`retryable`/`retryAfterMs` (an error from another
 * process) is judged the same. Timings are asserted as order and lower bounds only.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createBullMqQueue, obliterateBullMqQueue } from '../../../src/queue/bullmq/bullmq-queue.ts';
import { ConfigError, ErrorCode, FrontbackError, VersionConflictError } from '../../../src/errors.ts';
import { ConnectorError, RateLimitedError } from '../../../src/connector/errors.ts';
import { UnrecoverableJobError, type Job, type JobQueue, type QueueWorker } from '../../../src/queue/job-queue.ts';
import { RATE_LIMIT_FREE_WAITS } from '../../../src/queue/retry-policy.ts';
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
  {
    name: 'bullmq',
    available: redis,
    create: (n) => createBullMqQueue(n, { redisUrl: REDIS_URL, prefix }),
    dispose: (n) => obliterateBullMqQueue(n, { redisUrl: REDIS_URL, prefix }),
  },
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

    it("ping answers while the backend does (a worker's /readyz), and refuses once closed", async () => {
      const q = open();
      await expect(q.ping()).resolves.toBeUndefined();
      if (adapter.name === 'memory') {
        await q.close();
        await expect(q.ping()).rejects.toThrow(/closed/);
      }
    });

    it('runs a job with its data, once', async () => {
      const q = open();
      const seen: Job[] = [];
      workers.push(q.work(async (job) => void seen.push(job)));
      const { id } = await q.add('poll', { mapping: 'contacts-partners', side: 'crm' });
      await until(() => seen.length === 1);
      expect(seen[0]).toMatchObject({
        id,
        name: 'poll',
        data: { mapping: 'contacts-partners', side: 'crm' },
        attempt: 1,
        attempts: 5,
        rateLimitWaits: 0,
      });
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
      await expect(q.add('push', {}, { jobId: 'push:contacts:51' })).rejects.toThrow(
        /must be non-empty and hold no ":"/,
      );
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
          if (job.name === 'poison')
            throw new UnrecoverableJobError('Odoo refused the record: Contacts require a name');
          throw new Error(`still down (attempt ${job.attempt})`);
        }),
      );
      await q.add('push', { ref: 'a' }, { jobId: 'always-fails', attempts: 2, backoffMs: 20 });
      await q.add('poison', { ref: 'b' }, { jobId: 'poison-1', attempts: 5, backoffMs: 20 });
      await until(async () => (await q.counts()).failed === 2);
      const failed = await q.failed();
      const byId = new Map(failed.map((f) => [f.id, f]));
      expect(byId.get('always-fails')).toMatchObject({
        name: 'push',
        data: { ref: 'a' },
        attemptsMade: 2,
        error: 'still down (attempt 2)',
      });
      expect(byId.get('poison-1')).toMatchObject({
        name: 'poison',
        attemptsMade: 1,
        error: 'Odoo refused the record: Contacts require a name',
      });
      expect(runs).toBe(3);
    });

    it('attempts a non-retryable error once, whatever attempts are left, also as a plain object from another process', async () => {
      const q = open();
      const errors: Record<string, unknown> = {
        validation: new FrontbackError(ErrorCode.Validation, 'Odoo answered a partner without a name'),
        refused: new ConnectorError('Contacts require a name', {
          connection: 'odoo',
          vendorCode: 'odoo.exceptions.ValidationError',
          retryable: false,
        }),
        config: new ConfigError([
          { file: 'frontback.yaml', line: 3, column: 5, path: 'connections.odoo', message: 'unknown connector' },
        ]),
        'plain-retryable-false': {
          code: ErrorCode.Connector,
          retryable: false,
          message: 'refused, said another process',
        },
        'plain-code-only': { code: ErrorCode.Mapping, message: 'mapping invalid, said another process' },
      };
      const runs = new Map<string, number>();
      workers.push(
        q.work(async (job) => {
          runs.set(job.name, (runs.get(job.name) ?? 0) + 1);
          throw errors[job.name];
        }),
      );
      for (const jobName of Object.keys(errors))
        await q.add(jobName, {}, { jobId: jobName, attempts: 5, backoffMs: 20 });
      await until(async () => (await q.counts()).failed === 5);
      expect(Object.fromEntries(runs)).toEqual({
        validation: 1,
        refused: 1,
        config: 1,
        'plain-retryable-false': 1,
        'plain-code-only': 1,
      });
      const byId = new Map((await q.failed()).map((f) => [f.id, f]));
      expect(byId.get('refused')).toMatchObject({ attemptsMade: 1, error: 'Contacts require a name' });
      expect(byId.get('plain-retryable-false')).toMatchObject({
        attemptsMade: 1,
        error: 'refused, said another process',
      });
      expect(byId.get('plain-code-only')).toMatchObject({
        attemptsMade: 1,
        error: 'mapping invalid, said another process',
      });
    });

    it('retries retryable errors (a version conflict, a TypeError, a plain object saying retryable) with a growing backoff', async () => {
      const q = open();
      const at: number[] = [];
      const attempts: number[] = [];
      workers.push(
        q.work(async (job) => {
          at.push(Date.now());
          attempts.push(job.attempt);
          if (job.attempt === 1) throw new VersionConflictError('snapshot of link 7 is no longer at version 3');
          if (job.attempt === 2) throw new TypeError("Cannot read properties of undefined (reading 'id')");
          if (job.attempt === 3)
            throw { code: ErrorCode.Store, retryable: true, message: 'database restarting, said another process' };
        }),
      );
      await q.add('push', {}, { attempts: 5, backoffMs: 150 });
      await until(async () => (await q.counts()).completed === 1);
      expect(attempts).toEqual([1, 2, 3, 4]);
      const [a, b, c, d] = at as [number, number, number, number];
      // Lower bounds only (a loaded machine runs late, never early): 150, 300, 600 ms.
      expect(b - a).toBeGreaterThanOrEqual(140);
      expect(c - b).toBeGreaterThanOrEqual(290);
      expect(d - c).toBeGreaterThanOrEqual(590);
    });

    it('treats a thrown string as an unknown error: retried, its text kept as the error', async () => {
      const q = open();
      let runs = 0;
      workers.push(
        q.work(async () => {
          runs += 1;
          throw `still down (run ${runs})`;
        }),
      );
      await q.add('push', {}, { jobId: 'thrown-string', attempts: 2, backoffMs: 20 });
      await until(async () => (await q.counts()).failed === 1);
      expect(runs).toBe(2);
      expect(await q.failed()).toMatchObject([{ id: 'thrown-string', attemptsMade: 2, error: 'still down (run 2)' }]);
    });

    it("waits a rate limit's retryAfterMs before the next run, without using an attempt, also from a plain object", async () => {
      const q = open();
      const runs: Record<string, { attempt: number; waits: number; at: number }[]> = { instance: [], plain: [] };
      workers.push(
        q.work(async (job) => {
          const list = runs[job.name] as { attempt: number; waits: number; at: number }[];
          list.push({ attempt: job.attempt, waits: job.rateLimitWaits, at: Date.now() });
          if (list.length > 1) return;
          if (job.name === 'instance')
            throw new RateLimitedError('hubspot: still rate limited after 10 answers of 429', 600);
          throw {
            code: ErrorCode.RateLimited,
            retryable: true,
            retryAfterMs: 400,
            message: 'rate limited, said another process',
          };
        }),
      );
      // One attempt in all, and a backoff far below the wait asked: it can only complete if the wait did not count, after retryAfterMs.
      await q.add('instance', {}, { attempts: 1, backoffMs: 10 });
      await q.add('plain', {}, { attempts: 1, backoffMs: 10 });
      await until(async () => (await q.counts()).completed === 2);
      for (const [jobName, wait] of [
        ['instance', 600],
        ['plain', 400],
      ] as const) {
        const [first, second] = runs[jobName] as [
          { attempt: number; waits: number; at: number },
          { attempt: number; waits: number; at: number },
        ];
        expect(runs[jobName]).toHaveLength(2);
        expect([first.attempt, second.attempt]).toEqual([1, 1]);
        expect([first.waits, second.waits]).toEqual([0, 1]);
        expect(second.at - first.at).toBeGreaterThanOrEqual(wait - 10);
      }
      expect(await q.failed()).toEqual([]);
    });

    it("waits another error's retryAfterMs instead of the backoff, and that run counts as an attempt", async () => {
      const q = open();
      const runs: { attempt: number; at: number }[] = [];
      workers.push(
        q.work(async (job) => {
          runs.push({ attempt: job.attempt, at: Date.now() });
          throw new FrontbackError(ErrorCode.Connector, 'odoo answered 503 with Retry-After: 1', {
            retryable: true,
            details: { retryAfterMs: 500 },
          });
        }),
      );
      await q.add('push', {}, { jobId: 'retry-after', attempts: 2, backoffMs: 10 });
      await until(async () => (await q.counts()).failed === 1);
      expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
      expect((runs[1] as { at: number }).at - (runs[0] as { at: number }).at).toBeGreaterThanOrEqual(490);
      expect(await q.failed()).toMatchObject([
        { id: 'retry-after', attemptsMade: 2, error: 'odoo answered 503 with Retry-After: 1' },
      ]);
    });

    it('stops giving rate-limited runs back after RATE_LIMIT_FREE_WAITS, so a limit that never lifts still ends', async () => {
      const q = open();
      const seen: { attempt: number; waits: number }[] = [];
      workers.push(
        q.work(async (job) => {
          seen.push({ attempt: job.attempt, waits: job.rateLimitWaits });
          throw new RateLimitedError('rate limited, and it stays so', 5);
        }),
      );
      await q.add('push', {}, { jobId: 'always-limited', attempts: 2, backoffMs: 10 });
      await until(async () => (await q.counts()).failed === 1, 20_000);
      expect(seen).toHaveLength(RATE_LIMIT_FREE_WAITS + 2);
      expect(seen.slice(0, RATE_LIMIT_FREE_WAITS + 1).every((r) => r.attempt === 1)).toBe(true);
      expect(seen.at(-1)).toEqual({ attempt: 2, waits: RATE_LIMIT_FREE_WAITS });
      expect(await q.failed()).toMatchObject([{ id: 'always-limited', attemptsMade: 2 }]);
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
