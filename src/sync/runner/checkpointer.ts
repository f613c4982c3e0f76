/**
 * The checkpointer: every `everyMs`, while this process is the scheduler (the holder of
 * the scheduler lease, so one process signs among those sharing a store), takes a signed
 * checkpoint of the audit log (docs/audit.md). Taking one is given as a function (it
 * signs the head when the log moved since the last one): the runner knows neither keys
 * nor files.
 */
import type { Logger } from '../../observability/logger.ts';

/** What one checkpoint attempt did, as far as the log line goes. */
export interface CheckpointOutcome {
  readonly written: boolean;
  /** The anchored entry, when written. */
  readonly seq?: number;
  readonly keyId?: string;
}

/** Options of {@link startCheckpointer}. */
export interface CheckpointerOptions {
  /** How often, ms (`audit.checkpointEvery`). */
  readonly everyMs: number;
  /** Takes one checkpoint (nothing when the log has not moved). */
  readonly take: () => Promise<CheckpointOutcome>;
  /** Whether this process signs now (it holds the scheduler lease). */
  readonly active: () => boolean;
  readonly logger: Logger;
}

/** A running checkpointer. */
export interface Checkpointer {
  /** One attempt now, if active (what the timer does). */
  tick(): Promise<void>;
  /** No more attempts; waits for the one in flight. */
  stop(): Promise<void>;
}

/** Starts taking checkpoints every `everyMs` while `active()`. */
export function startCheckpointer(options: CheckpointerOptions): Checkpointer {
  const { logger } = options;
  let inFlight: Promise<void> | undefined;
  let stopped = false;
  const tick = (): Promise<void> => {
    // One at a time: a slow disk never stacks attempts up.
    if (stopped || inFlight !== undefined || !options.active()) return inFlight ?? Promise.resolve();
    inFlight = options
      .take()
      .then((outcome) => {
        if (outcome.written) logger.info({ seq: outcome.seq, keyId: outcome.keyId }, 'audit checkpoint written');
      })
      .catch((err: unknown) => logger.error({ err }, 'could not write an audit checkpoint'))
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  const timer = setInterval(() => void tick(), options.everyMs);
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
