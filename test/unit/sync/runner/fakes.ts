/** What the runner's unit tests share: leases kept in memory on a clock the test moves, a logger and a queue that remember. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../../src/observability/logger.ts';
import type { AddOptions, JobQueue } from '../../../../src/queue/job-queue.ts';
import type { Lease, LeaseRepository } from '../../../../src/store/lease-repository.ts';

/** Leases as the store keeps them (one holder, renewals, takeover after expiry), on `clock`. */
export function memoryLeases(clock: () => number = Date.now): LeaseRepository & { calls: string[] } {
  const rows = new Map<string, { holder: string; expiresAt: number }>();
  const calls: string[] = [];
  return {
    calls,
    acquire(name, holder, ttlMs) {
      calls.push(`acquire ${name} ${holder}`);
      const row = rows.get(name);
      if (row && row.holder !== holder && row.expiresAt > clock()) return Promise.resolve(false);
      rows.set(name, { holder, expiresAt: clock() + ttlMs });
      return Promise.resolve(true);
    },
    release(name, holder) {
      calls.push(`release ${name} ${holder}`);
      if (rows.get(name)?.holder === holder) rows.delete(name);
      return Promise.resolve();
    },
    get(name): Promise<Lease | undefined> {
      const row = rows.get(name);
      return Promise.resolve(row && { name, holder: row.holder, expiresAt: new Date(row.expiresAt).toISOString() });
    },
  };
}

/** A logger whose lines are kept (parsed) in `lines`. */
export function recordingLogger(): { logger: Logger; lines: Record<string, unknown>[]; said(msg: string): number } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return {
    logger: createLogger({ level: 'debug', destination }),
    lines,
    said: (msg) => lines.filter((l) => l.msg === msg).length,
  };
}

/** A queue that only remembers what was added (deduplicated by job id, as the real ones do). */
export function recordingQueue(): Pick<JobQueue, 'add'> & {
  added: { name: string; data: unknown; options: AddOptions }[];
} {
  const added: { name: string; data: unknown; options: AddOptions }[] = [];
  return {
    added,
    add(name, data, options = {}) {
      const id = options.jobId ?? String(added.length);
      if (!added.some((a) => a.options.jobId !== undefined && a.options.jobId === options.jobId))
        added.push({ name, data, options });
      return Promise.resolve({ id });
    },
  };
}
