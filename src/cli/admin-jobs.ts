/**
 * Who runs the passes `serve`'s admin API asks for (plan, run now): with `queue.redis`, the
 * `frontback worker`s (serve only adds the jobs to the shared queue: a producer, no worker
 * here); in embedded mode (no queue.redis, so nobody else would take a job) serve itself,
 * in the background (src/sync/runner/in-process-admin-jobs.ts). `start` needs none of this:
 * it hands its loop's queue to the admin API (start.ts).
 */
import { hostname } from 'node:os';
import type { Config } from '../config/types.ts';
import type { Connector } from '../connector/index.ts';
import type { CompiledMapping } from '../mapping/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Store } from '../store/store.ts';
import { syncEngine } from '../sync/engine.ts';
import { queuedAdminJobs, type AdminJobs } from '../sync/runner/admin-jobs.ts';
import { inProcessAdminJobs } from '../sync/runner/in-process-admin-jobs.ts';
import { createLoopQueue } from './loop.ts';

/** The admin passes of `serve`, with what to close when it stops. */
export interface ServeAdminJobs {
  /** Absent when the admin API is off (no `server.adminToken`). */
  readonly jobs?: AdminJobs;
  /** Which: `queue` (workers take the jobs) or `in-process` (this process runs them); absent with no admin API. */
  readonly kind?: 'queue' | 'in-process';
  /** Passes running here end after the page in hand (recorded `stopped`); the queue connection closes. */
  close(): Promise<void>;
}

/** The admin passes of `serve` for `config` (see the file's comment). */
export function serveAdminJobs(
  config: Config,
  parts: {
    mappings: readonly CompiledMapping[];
    connectors: ReadonlyMap<string, Connector>;
    store: Store;
    logger: Logger;
  },
): ServeAdminJobs {
  if (config.server.adminToken === undefined) return { close: () => Promise.resolve() };
  const { store, logger } = parts;
  if (config.queue.redis !== undefined) {
    const producer = createLoopQueue(config, logger);
    return {
      jobs: queuedAdminJobs({ store, queue: producer }),
      kind: 'queue',
      close: () => producer.close().catch(() => undefined),
    };
  }
  const jobs = inProcessAdminJobs({
    engine: syncEngine(parts.mappings, parts.connectors, store),
    holder: `${hostname()}-${process.pid}-serve`,
    leaseMs: config.sync.leaseSeconds * 1_000,
    logger,
    overlapMs: config.sync.overlapMinutes * 60_000,
    ...(config.sync.pageSize === undefined ? {} : { pageSize: config.sync.pageSize }),
  });
  return { jobs, kind: 'in-process', close: () => jobs.close() };
}
