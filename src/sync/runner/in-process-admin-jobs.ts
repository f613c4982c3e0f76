/**
 * Admin passes run by the asking process itself, in the background: for `serve` in embedded
 * mode (no `queue.redis`), where no other process would take a job. The request is recorded
 * as for a queued job (a run `queued`, audited: admin-jobs.ts) and answered at once; the
 * pass then waits for the passes of its mapping asked for earlier here (one at a time per
 * mapping, as in a worker: one holder name cannot keep two of them apart through the lease),
 * then for its mapping's lease like any other pass, takes its run and runs it.
 * A pass that fails, or finds the mapping held, ends its run so (never left `queued`).
 * {@link InProcessAdminJobs.close} stops them: a running pass ends after the page in hand
 * (recorded `stopped`), a waiting one ends `stopped` without starting.
 */
import type { Logger } from '../../observability/logger.ts';
import { ErrorCode, hasErrorCode } from '../../errors.ts';
import type { Side } from '../../mapping/spec.ts';
import type { Store } from '../../store/store.ts';
import type { SyncEngine } from '../engine.ts';
import { runPass } from '../pass.ts';
import { recordRequest, sidesOf, type AdminJobs, type QueuedRun, type SidesAsked } from './admin-jobs.ts';
import { mappingLeases } from './mapping-lease.ts';
import { endQueuedRun, NOT_STARTED, takeQueuedRun } from './queued-run.ts';

/** Options of {@link inProcessAdminJobs}. */
export interface InProcessAdminJobsOptions {
  /** The mappings with their connectors and the store. */
  readonly engine: SyncEngine;
  /** This process's name in the mapping leases (the passes wait for their mapping like any other). */
  readonly holder: string;
  /** How long a mapping lease lasts unless renewed, ms (`sync.leaseSeconds`); default 30,000. */
  readonly leaseMs?: number;
  readonly logger: Logger;
  /** Re-read window behind each cursor, ms (`sync.overlapMinutes`). */
  readonly overlapMs?: number;
  /** Records per page asked of the source (`sync.pageSize`). */
  readonly pageSize?: number;
}

/** Admin passes of this process, with a way to stop them. */
export interface InProcessAdminJobs extends AdminJobs {
  /** Stops: running passes end after the page in hand, waiting ones do not start; resolves when all ended. */
  close(): Promise<void>;
}

/** Admin passes run in this process in the background (embedded `serve`). */
export function inProcessAdminJobs(options: InProcessAdminJobsOptions): InProcessAdminJobs {
  const { engine, logger } = options;
  const stopping = new AbortController();
  let leases: ReturnType<typeof mappingLeases> | undefined;
  const leasesOf = (store: Store): ReturnType<typeof mappingLeases> =>
    (leases ??= mappingLeases({
      leases: store.leases,
      holder: options.holder,
      leaseMs: options.leaseMs ?? 30_000,
      logger,
      signal: stopping.signal,
    }));
  const inFlight = new Set<Promise<void>>();
  // One pass of a mapping at a time in this process: the lease keeps other processes out, not this one.
  const chains = new Map<string, Promise<void>>();
  const serially = (mappingId: string, work: () => Promise<void>): Promise<void> => {
    const next = (chains.get(mappingId) ?? Promise.resolve()).then(work, work);
    chains.set(mappingId, next);
    const forget = (): void => {
      if (chains.get(mappingId) === next) chains.delete(mappingId);
    };
    next.then(forget, forget);
    return next;
  };

  const runOne = async (mappingId: string, side: Side, runId: string, dryRun: boolean): Promise<void> => {
    const said = { mapping: mappingId, side, run: runId };
    const store = engine.context(mappingId).store;
    const runs = store.runs;
    try {
      const outcome = await leasesOf(store).run(mappingId, side, 'wait', async () => {
        if (stopping.signal.aborted) return;
        if ((await takeQueuedRun(runs, runId)) !== 'taken') return;
        await runPass(engine.context(mappingId), side, {
          apply: !dryRun,
          actor: 'admin',
          runId,
          signal: stopping.signal,
          ...(options.overlapMs === undefined ? {} : { overlapMs: options.overlapMs }),
          ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
        });
        logger.info(said, dryRun ? 'plan done' : 'pass asked for done');
      });
      if (!outcome.ran || stopping.signal.aborted) await endQueuedRun(runs, runId, 'stopped', NOT_STARTED);
    } catch (err) {
      // runPass recorded its run (failed, or guarded when the mapping is held); a wait that gave up did not.
      await endQueuedRun(runs, runId, 'failed', (err as Error).message).catch(() => false);
      if (hasErrorCode(err, ErrorCode.MappingHeld))
        logger.warn(said, `pass asked for skipped: ${(err as Error).message}`);
      else logger.warn({ ...said, err }, 'pass asked for failed');
    }
  };

  const ask = async (mappingId: string, from: SidesAsked, dryRun: boolean, by: string): Promise<QueuedRun[]> => {
    const store = engine.context(mappingId).store;
    const runs: QueuedRun[] = [];
    for (const side of sidesOf(from))
      runs.push({ side, runId: await recordRequest(store, { mappingId, side, dryRun, by }) });
    // The sides one after the other, in the background: the caller polls the runs.
    const work = serially(mappingId, async () => {
      for (const { side, runId } of runs) await runOne(mappingId, side, runId, dryRun);
    });
    inFlight.add(work);
    const done = (): void => void inFlight.delete(work);
    work.then(done, done);
    return runs;
  };

  return {
    plan: (mappingId, from, by) => ask(mappingId, from, true, by),
    runNow: (mappingId, from, by) => ask(mappingId, from, false, by),
    async close() {
      stopping.abort();
      await Promise.all([...inFlight]);
    },
  };
}
