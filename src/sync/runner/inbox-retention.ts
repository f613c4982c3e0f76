/**
 * Inbox retention: every `everyMs`, while this process is the scheduler (the holder of the
 * scheduler lease, so one process purges among those sharing a store), removes the done
 * webhook deliveries received more than `retentionMs` ago, {@link BATCH} rows per
 * statement and at most {@link BATCHES_PER_TICK} statements per tick, yielding between
 * them: the store is never held long, and intake writes go on in between. What a tick
 * leaves is taken by the next. Rows pending, processing or failed are never removed
 * (`InboxRepository.purgeDone`).
 */
import { setImmediate as yieldToOthers } from 'node:timers/promises';
import type { Logger } from '../../observability/logger.ts';
import type { InboxRepository } from '../../store/inbox-repository.ts';

/** Rows removed per statement. */
export const BATCH = 500;
/** Statements per tick at most: 10,000 rows, then the next tick. */
export const BATCHES_PER_TICK = 20;
/** How often, by default, ms: 15 s, so up to 57.6 million rows a day. */
export const PURGE_EVERY_MS = 15_000;

/** Options of {@link startInboxRetention}. */
export interface InboxRetentionOptions {
  readonly inbox: Pick<InboxRepository, 'purgeDone'>;
  /** Done rows received longer ago than this are removed, ms (`inbox.retention`). */
  readonly retentionMs: number;
  /** How often, ms; default {@link PURGE_EVERY_MS}. */
  readonly everyMs?: number;
  /** Whether this process purges now (it holds the scheduler lease). */
  readonly active: () => boolean;
  readonly logger: Logger;
  /** Epoch ms; default Date.now. */
  readonly clock?: () => number;
}

/** A running purge. */
export interface InboxRetention {
  /** One tick now, if active (what the timer does); answers the rows removed. */
  tick(): Promise<number>;
  /** No more ticks; waits for the one in flight. */
  stop(): Promise<void>;
}

/** Starts removing old done rows every `everyMs` while `active()`. */
export function startInboxRetention(options: InboxRetentionOptions): InboxRetention {
  const { inbox, logger, retentionMs } = options;
  const clock = options.clock ?? Date.now;
  let inFlight: Promise<number> | undefined;
  let stopped = false;

  const purge = async (): Promise<number> => {
    const before = new Date(clock() - retentionMs).toISOString();
    let removed = 0;
    for (let i = 0; i < BATCHES_PER_TICK && !stopped && options.active(); i++) {
      const n = await inbox.purgeDone(before, BATCH);
      removed += n;
      if (n < BATCH) break;
      await yieldToOthers();
    }
    if (removed > 0) logger.info({ removed, receivedBefore: before }, 'inbox: done deliveries past retention removed');
    return removed;
  };
  const tick = (): Promise<number> => {
    // One at a time: a slow store never stacks ticks up.
    if (stopped || inFlight !== undefined || !options.active()) return inFlight ?? Promise.resolve(0);
    inFlight = purge()
      .catch((err: unknown) => {
        logger.error({ err }, 'inbox retention: could not remove old deliveries');
        return 0;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  const timer = setInterval(() => void tick(), options.everyMs ?? PURGE_EVERY_MS);
  timer.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
