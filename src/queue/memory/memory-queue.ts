/**
 * The in-process JobQueue (embedded mode): the same behaviour as the BullMQ adapter
 * (contract suite test/contract/queue) inside one process. Jobs live in memory: a crash
 * loses the queue, not the work, because the engine re-derives jobs from the SQL store
 * (inbox rows not done, cursors not advanced). After a failed run it follows
 * decideRetry (retry-policy.ts), as the BullMQ adapter does.
 */
import { randomUUID } from 'node:crypto';
import {
  backoffBefore,
  checkJobId,
  JOB_DEFAULTS,
  KEEP,
  type AddOptions,
  type AddResult,
  type FailedJob,
  type JobCounts,
  type JobHandler,
  type JobQueue,
  type QueueWorker,
  type WorkOptions,
} from '../job-queue.ts';
import { decideRetry, messageOf } from '../retry-policy.ts';

interface Entry {
  id: string;
  name: string;
  data: unknown;
  attempts: number;
  backoffMs: number;
  attemptsMade: number;
  /** Runs that ended in a rate-limited wait and did not count as attempts. */
  rateLimitWaits: number;
  state: 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';
  runAt: number;
  error?: string;
}

/** Creates an in-process queue. */
export function createMemoryQueue(name: string, clock: () => number = Date.now): JobQueue {
  const jobs = new Map<string, Entry>();
  const ended: { completed: string[]; failed: string[] } = { completed: [], failed: [] };
  const wake = new Set<() => void>();
  let closed = false;

  const notify = (): void => {
    for (const w of wake) w();
  };
  const keep = (state: 'completed' | 'failed', id: string): void => {
    const list = ended[state];
    list.push(id);
    while (list.length > KEEP[state].count) jobs.delete(list.shift() as string);
  };
  const next = (): Entry | undefined => {
    const now = clock();
    let best: Entry | undefined;
    for (const job of jobs.values()) {
      if (
        (job.state === 'waiting' || job.state === 'delayed') &&
        job.runAt <= now &&
        (best === undefined || job.runAt < best.runAt)
      )
        best = job;
    }
    return best;
  };
  const soonest = (): number | undefined => {
    let at: number | undefined;
    for (const job of jobs.values())
      if (job.state === 'delayed' && (at === undefined || job.runAt < at)) at = job.runAt;
    return at;
  };

  return {
    name,
    async ping(): Promise<void> {
      if (closed) throw new Error(`queue ${name} is closed`);
    },

    async add(jobName: string, data: unknown, options: AddOptions = {}): Promise<AddResult> {
      if (closed) throw new Error(`queue ${name} is closed`);
      checkJobId(options.jobId);
      const id = options.jobId ?? randomUUID();
      if (jobs.has(id)) return { id };
      const delay = options.delayMs ?? JOB_DEFAULTS.delayMs;
      jobs.set(id, {
        id,
        name: jobName,
        // A copy, as a queue that serialises would hand over: the caller's object stays its own.
        data: structuredClone(data),
        attempts: options.attempts ?? JOB_DEFAULTS.attempts,
        backoffMs: options.backoffMs ?? JOB_DEFAULTS.backoffMs,
        attemptsMade: 0,
        rateLimitWaits: 0,
        state: delay > 0 ? 'delayed' : 'waiting',
        runAt: clock() + delay,
      });
      notify();
      return { id };
    },

    work(handler: JobHandler, options: WorkOptions = {}): QueueWorker {
      const concurrency = Math.max(1, options.concurrency ?? 1);
      const running = new Set<Promise<void>>();
      let stopping = false;
      let timer: NodeJS.Timeout | undefined;

      const run = async (job: Entry): Promise<void> => {
        job.state = 'active';
        job.attemptsMade += 1;
        const facts = { attempt: job.attemptsMade, attempts: job.attempts, rateLimitWaits: job.rateLimitWaits };
        try {
          await handler({ id: job.id, name: job.name, data: structuredClone(job.data), ...facts });
          job.state = 'completed';
          keep('completed', job.id);
        } catch (err) {
          job.error = messageOf(err);
          const decision = decideRetry(err, facts);
          if (!decision.retry) {
            job.state = 'failed';
            keep('failed', job.id);
            return;
          }
          if (!decision.counted) {
            // A rate-limited wait: this run gives its attempt back (BullMQ: moveToDelayed without an attempt).
            job.attemptsMade -= 1;
            job.rateLimitWaits += 1;
          }
          job.state = 'delayed';
          job.runAt = clock() + (decision.delayMs ?? backoffBefore(job.attemptsMade + 1, job.backoffMs));
        }
      };
      const pump = (): void => {
        if (stopping) return;
        while (running.size < concurrency) {
          const job = next();
          if (job === undefined) break;
          const p = run(job).finally(() => {
            running.delete(p);
            pump();
          });
          running.add(p);
        }
        clearTimeout(timer);
        const at = soonest();
        if (at !== undefined) timer = setTimeout(pump, Math.max(0, at - clock()));
      };
      wake.add(pump);
      queueMicrotask(pump);
      return {
        async close() {
          stopping = true;
          wake.delete(pump);
          clearTimeout(timer);
          await Promise.all([...running]);
        },
      };
    },

    counts(): Promise<JobCounts> {
      const out: JobCounts = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 };
      for (const job of jobs.values()) out[job.state] += 1;
      return Promise.resolve(out);
    },

    failed(limit = 100): Promise<FailedJob[]> {
      const ids = ended.failed.slice(-limit).reverse();
      return Promise.resolve(
        ids.flatMap((id) => {
          const job = jobs.get(id);
          return job
            ? [{ id, name: job.name, data: job.data, attemptsMade: job.attemptsMade, error: job.error ?? '' }]
            : [];
        }),
      );
    },

    close(): Promise<void> {
      closed = true;
      wake.clear();
      return Promise.resolve();
    },
  };
}
