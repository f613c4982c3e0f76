/**
 * The queue a configuration asks for: BullMQ on `queue.redis` (distributed mode), else
 * the in-process queue (embedded mode). The composition root calls it; nothing else
 * knows which adapter runs.
 */
import type { QueueConfig } from '../config/types.ts';
import { createBullMqQueue } from './bullmq/bullmq-queue.ts';
import type { JobQueue } from './job-queue.ts';
import { createMemoryQueue } from './memory/memory-queue.ts';

/** Creates the queue named `name` for `config`. */
export function createQueue(config: QueueConfig, name: string): JobQueue {
  return config.redis === undefined
    ? createMemoryQueue(name)
    : createBullMqQueue(name, { redisUrl: config.redis, prefix: config.prefix });
}
