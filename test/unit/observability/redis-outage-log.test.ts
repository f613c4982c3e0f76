/**
 * Issue #15 item 6: ioredis errors go through the JSON logger, once per outage. A BullMQ
 * queue and worker on a closed port: one warn line each however many reconnection
 * attempts fail, nothing printed to stderr; the recovery is logged with the count.
 */
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/observability/logger.ts';
import { RedisOutageLog } from '../../../src/observability/redis-outage-log.ts';
import { createBullMqQueue } from '../../../src/queue/bullmq/bullmq-queue.ts';

let lines: string[];
let stderr: string[];
let logger: ReturnType<typeof createLogger>;
beforeEach(() => {
  lines = [];
  stderr = [];
  const write = process.stderr.write.bind(process.stderr);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stderr.push(String(chunk));
    return write(chunk, ...(rest as []));
  });
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  logger = createLogger({ level: 'info', destination });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const matching = (text: string) => lines.filter((l) => l.includes(text));

describe('Redis errors through the logger', () => {
  it('a BullMQ queue and worker on a closed port: one warn line each, nothing on stderr', async () => {
    const queue = createBullMqQueue(`outage-${process.pid}`, { redisUrl: 'redis://127.0.0.1:1', logger });
    const worker = queue.work(async () => undefined);
    try {
      await vi.waitFor(
        () => {
          expect(matching('queue: Redis unreachable')).toHaveLength(1);
          expect(matching('queue worker: Redis unreachable')).toHaveLength(1);
        },
        { timeout: 5_000 },
      );
      expect(matching('Redis unreachable')).toHaveLength(2);
      expect(JSON.parse(matching('queue: Redis unreachable')[0] ?? '{}')).toMatchObject({
        level: 40,
        code: 'ECONNREFUSED',
      });
      expect(stderr.join('')).not.toMatch(/ioredis|ECONNREFUSED/);
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('logs the recovery once, with the errors counted meanwhile', () => {
    const outage = new RedisOutageLog(logger, 'test');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    outage.error(refused);
    outage.error(refused);
    expect(outage.down).toBe(true);
    outage.recovered();
    outage.recovered();
    expect(matching('test: Redis')).toHaveLength(2);
    expect(JSON.parse(matching('test: Redis answers again')[0] ?? '{}')).toMatchObject({ level: 30, errors: 2 });
  });
});
