/**
 * The runs a process has in hand, so that stopping now (Ctrl-C twice) can still record
 * them: each is finished `stopped` with the reason, instead of staying `running` forever.
 * What the pass wrote before is safe without it (the next pass re-reads from the cursor
 * and finds the links and snapshots it left); the run row only has to tell the truth.
 */
import type { Logger } from '../../observability/logger.ts';
import type { RunRepository } from '../../store/run-repository.ts';

/** Why a run stopped at once is recorded `stopped`. */
export const STOPPED_NOW = 'stopped at once (Ctrl-C twice): what was written is recorded by the next pass';

/** The runs in hand of one process. */
export interface RunsInHand {
  /** A run started (runPass's `onRun`). */
  add(runId: string): void;
  /** A run over (recorded by its pass). */
  delete(runId: string): void;
  /** The runs in hand now. */
  ids(): readonly string[];
  /** Records every run in hand `stopped` with {@link STOPPED_NOW}; a store error is logged, never thrown. */
  stopNow(): Promise<void>;
}

/** Runs in hand, recorded through `runs`. */
export function runsInHand(runs: RunRepository, logger: Logger): RunsInHand {
  const inHand = new Set<string>();
  return {
    add: (id) => void inHand.add(id),
    delete: (id) => void inHand.delete(id),
    ids: () => [...inHand],
    async stopNow() {
      const ids = [...inHand];
      inHand.clear();
      await Promise.all(
        ids.map((id) =>
          runs
            .finish(id, { status: 'stopped', counts: {}, timings: {}, error: STOPPED_NOW })
            .catch((err: unknown) => logger.warn({ err, run: id }, 'could not record the run stopped')),
        ),
      );
    },
  };
}
