/**
 * Taking a run recorded `queued` (a pass a person asked for through the admin API) for the
 * pass that runs it, so that a job delivered twice (at-least-once delivery, RELIABILITY.md)
 * runs the pass once under that id, and no run is left `queued` or `running` for ever.
 * Called by the holder of the mapping's lease, one pass of the mapping at a time in the
 * process: a run it finds `running` is nobody's any more.
 */
import type { RunRepository } from '../../store/run-repository.ts';

/** Why a run found `running` by a second delivery of its job is recorded failed. */
export const LOST_RUN =
  'the process running it stopped before it finished (its job was delivered again); what it wrote is recorded by ' +
  'the next pass: ask again';

/** Why a queued run is recorded stopped when the process stops before its pass starts. */
export const NOT_STARTED = 'the process stopped before this pass started; nothing was read or written: ask again';

/**
 * What {@link takeQueuedRun} found: `taken` (run the pass under this id), `done` (another
 * delivery took it: nothing to do), `lost` (it was running in a process that is gone: now
 * recorded failed), `missing` (no such run).
 */
export type TakeOutcome = 'taken' | 'done' | 'lost' | 'missing';

/** Takes queued run `id` for its pass (see {@link TakeOutcome}). */
export async function takeQueuedRun(runs: RunRepository, id: string): Promise<TakeOutcome> {
  const run = await runs.get(id);
  if (run === undefined) return 'missing';
  if (run.status === 'queued') return (await runs.claim(id)) ? 'taken' : 'done';
  if (run.status !== 'running') return 'done';
  await runs.finish(id, { status: 'failed', counts: run.counts, timings: run.timings, error: LOST_RUN });
  return 'lost';
}

/** Ends run `id` with `status` and `error` if nobody took it yet (its pass will not run); true when it did. */
export async function endQueuedRun(
  runs: RunRepository,
  id: string,
  status: 'stopped' | 'failed',
  error: string,
): Promise<boolean> {
  // Claimed first, so that a delivery taking it at the same moment and this cannot both win.
  if (!(await runs.claim(id))) return false;
  await runs.finish(id, { status, counts: {}, timings: {}, error });
  return true;
}
