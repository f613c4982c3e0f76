/**
 * The queue a configuration asks for: BullMQ on `queue.redis` (distributed mode), else
 * the in-process queue (embedded mode). The composition root calls it; nothing else
 * knows which adapter runs.
 */
import type { QueueConfig } from '../config/types.ts';
import type { Logger } from '../observability/logger.ts';
import { createBullMqQueue } from './bullmq/bullmq-queue.ts';
import type { JobQueue } from './job-queue.ts';
import { createMemoryQueue } from './memory/memory-queue.ts';

/** The name of the queue of pass jobs (the workers take it; the queue dashboard shows it). */
export const SYNC_QUEUE = 'sync';

/** Creates the queue named `name` for `config`; `logger` gets its connection errors (once per outage). */
export function createQueue(config: QueueConfig, name: string, logger?: Logger): JobQueue {
  return config.redis === undefined
    ? createMemoryQueue(name)
    : createBullMqQueue(name, { redisUrl: config.redis, prefix: config.prefix, ...(logger ? { logger } : {}) });
}
