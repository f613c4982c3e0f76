/**
 * The engine's loop as `start` and `worker` run it: the custom fields each mapping needs
 * made first, then the runner (src/sync/runner/index.ts) on the queue the configuration names.
 */
import { SYNC_QUEUE } from '../queue/create-queue.ts';
import type { Config } from '../config/types.ts';
import type { Connector } from '../connector/index.ts';
import type { LoadedMapping } from '../mapping/load.ts';
import type { Logger } from '../observability/logger.ts';
import type { Registry } from '../observability/metrics.ts';
import { createQueue } from '../queue/create-queue.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import type { Store } from '../store/store.ts';
import { prepareMapping } from '../sync/prepare.ts';
import { loadSigner } from '../store/audit/checkpoint-keys.ts';
import { takeCheckpoint } from '../store/audit/checkpoint-writer.ts';
import { startRunner, type RunnerOptions } from '../sync/runner/index.ts';

/** A running loop. */
export interface Loop {
  /** One line per mapping: its id and how often it runs. */
  readonly schedules: readonly string[];
  /** Stops scheduling and taking jobs, lets running passes end after the page in hand, closes the queue. */
  stop(): Promise<void>;
  /** Stops now (Ctrl-C twice): the runs in hand recorded `stopped`, every lease given up; the process exits after. */
  stopNow(): Promise<void>;
  /** Resolves when the loop's queue answers (JobQueue.ping): a worker's readiness. */
  pingQueue(): Promise<void>;
}

/** The loop's queue as the configuration names it (`sync`: BullMQ on `queue.redis`, else in-process). */
export function createLoopQueue(config: Config, logger: Logger): JobQueue {
  return createQueue(config.queue, SYNC_QUEUE, logger);
}

/** Periodic audit checkpoints when both the signing key and the directory are configured (the key is read now). */
function checkpointsOf(config: Config, store: Store): RunnerOptions['checkpoints'] {
  const { signingKeyFile, checkpointDir, checkpointEveryMs } = config.audit;
  if (signingKeyFile === undefined || checkpointDir === undefined) return undefined;
  const signer = loadSigner(signingKeyFile);
  return {
    everyMs: checkpointEveryMs,
    take: async () => {
      const taken = await takeCheckpoint(store.audit, signer, checkpointDir);
      return taken.written
        ? { written: true, seq: taken.checkpoint.seq, keyId: taken.checkpoint.keyId }
        : { written: false };
    },
  };
}

/** Starts the loop; `everyMs` overrides every mapping's schedule, `everyLabel` says it as given. */
export async function startLoop(
  config: Config,
  mappings: readonly LoadedMapping[],
  parts: {
    connectors: ReadonlyMap<string, Connector>;
    store: Store;
    logger: Logger;
    metrics: Registry;
    everyMs?: number;
    everyLabel?: string;
    concurrency?: number;
    /**
     * The queue to run, made by the caller (`start` hands it to the admin API first, so that
     * plans and runs asked for wait in it); default the one the configuration names. The loop closes it.
     */
    queue?: JobQueue;
  },
): Promise<Loop> {
  for (const m of mappings) {
    const crm = parts.connectors.get(m.mapping.sides.crm.connection);
    const erp = parts.connectors.get(m.mapping.sides.erp.connection);
    if (!crm || !erp) continue;
    const made = await prepareMapping(m, { crm, erp });
    for (const side of ['crm', 'erp'] as const) {
      if (made[side].length > 0)
        process.stdout.write(
          `  created custom fields in ${m.mapping.sides[side].connection} ${m.mapping.sides[side].object}: ${made[side].join(', ')}\n`,
        );
    }
  }
  const queue = parts.queue ?? createLoopQueue(config, parts.logger);
  const checkpoints = checkpointsOf(config, parts.store);
  const runner = startRunner({
    mappings,
    connectors: parts.connectors,
    store: parts.store,
    queue,
    logger: parts.logger,
    overlapMs: config.sync.overlapMinutes * 60_000,
    leaseMs: config.sync.leaseSeconds * 1_000,
    ...(config.sync.pageSize === undefined ? {} : { pageSize: config.sync.pageSize }),
    metrics: parts.metrics,
    concurrency: parts.concurrency ?? config.queue.concurrency,
    ...(parts.everyMs === undefined ? {} : { everyMsOverride: parts.everyMs }),
    ...(checkpoints === undefined ? {} : { checkpoints }),
    inboxRetention: { retentionMs: config.inbox.retentionMs },
  });
  const scheduleOf = (schedule: LoadedMapping['mapping']['schedule']): string => {
    if (parts.everyMs !== undefined) return `every ${parts.everyLabel ?? `${parts.everyMs / 1000}s`}`;
    return 'everyMs' in schedule ? `every ${schedule.everyMs / 1000}s` : schedule.cron;
  };
  const schedules = mappings.map((m) => `${m.mapping.id} (${scheduleOf(m.mapping.schedule)})`);
  return {
    schedules,
    async stop() {
      await runner.stop();
      await queue.close();
    },
    stopNow: () => runner.stopNow(),
    pingQueue: () => queue.ping(),
  };
}
