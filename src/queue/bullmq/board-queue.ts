/**
 * The BullMQ `Queue` objects a dashboard reads (Bull Board, src/server/console/queue-board.ts).
 * The JobQueue port hides BullMQ on purpose; a dashboard needs the library's own `Queue`, so
 * this file is the one door to it: src/server imports nothing of bullmq except through here.
 *
 * Each is the queue the workers use (same name, key prefix and Redis as
 * createBullMqQueue, bullmq-queue.ts), opened with `skipMetasUpdate`: opening it writes nothing (a
 * producer's `Queue` stores its version and settings in `<prefix>:<name>:meta`). Reading
 * only is the dashboard's business (its adapters in read-only mode and a refusal of every
 * write method, queue-board.ts): a BullMQ `Queue` itself has no read-only mode.
 */
import { Queue } from 'bullmq';
import type { Logger } from '../../observability/logger.ts';
import { RedisOutageLog } from '../../observability/redis-outage-log.ts';
import { connectionOf } from './bullmq-queue.ts';

/** Where the queues live: as for createBullMqQueue. */
export interface BoardQueueOptions {
  /** Redis URL (`redis://` or `rediss://`): the configuration's `queue.redis`. */
  redisUrl: string;
  /** Key prefix: the configuration's `queue.prefix`; default `frontback`. */
  prefix?: string;
  /** Where connection errors are logged, once per outage; default: not logged. */
  logger?: Logger;
}

/** The opened queues, and one way to close them all (when the server closes). */
export interface BoardQueues {
  /** BullMQ queues, in the order of the names asked for. */
  readonly queues: readonly Queue[];
  /** Closes their Redis connections. */
  close(): Promise<void>;
}

/** Opens the queues named `names` for a dashboard to read. Connects lazily: Redis need not answer yet. */
export function openBoardQueues(names: readonly string[], options: BoardQueueOptions): BoardQueues {
  const outage = new RedisOutageLog(options.logger, 'queue dashboard');
  const queues = names.map((name) => {
    const queue = new Queue(name, {
      connection: connectionOf(options.redisUrl, false),
      prefix: options.prefix ?? 'frontback',
      skipMetasUpdate: true,
    });
    // An 'error' event without a listener would be thrown; ioredis reconnects by itself.
    queue.on('error', outage.error);
    return queue;
  });
  return {
    queues,
    async close() {
      await Promise.allSettled(queues.map((q) => q.close()));
    },
  };
}
