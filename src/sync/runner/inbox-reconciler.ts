/**
 * The inbox reconciler: turns the webhook deliveries the server accepted into the inbox
 * into pass jobs of the mapping sides they concern (the delivery's connection and
 * object), one job per mapping side for every row open at that moment; and says what
 * becomes of the rows once their pass ran ({@link deliveries}: done, failed with the
 * message, or back to pending when the pass stopped before the end). A delivery no
 * mapping reads is done at once: nothing will ever take it. Only the scheduler's process
 * reconciles (the holder of the scheduler lease); when one takes over, it takes the rows a
 * crashed process left `processing` again (their jobs are deduplicated by id).
 */
import type { CompiledMapping } from '../../mapping/types.ts';
import type { Side } from '../../mapping/spec.ts';
import type { Logger } from '../../observability/logger.ts';
import type { JobQueue } from '../../queue/job-queue.ts';
import type { InboxRepository } from '../../store/inbox-repository.ts';
import { PASS_JOB, SIDES, type PassJob } from './pass-job.ts';

/** Options of {@link startInboxReconciler}. */
export interface InboxReconcilerOptions {
  readonly mappings: readonly Pick<CompiledMapping, 'id' | 'sides'>[];
  readonly inbox: InboxRepository;
  readonly queue: Pick<JobQueue, 'add'>;
  readonly logger: Logger;
  /** How often the inbox is looked at, ms; default 1,000. */
  readonly everyMs?: number;
  /** Whether this process reconciles now (it holds the scheduler lease). */
  readonly active: () => boolean;
}

/** Open rows looked at per round. */
const ROUND = 500;

/** A running reconciler. */
export interface InboxReconciler {
  /** One round over the open rows of `statuses`: each becomes (part of) a pass job, or done if no mapping reads it. */
  reconcile(statuses: readonly ('pending' | 'processing')[]): Promise<void>;
  /** This process became the scheduler: a round over pending rows and those a crashed process left `processing`. */
  takeOver(): void;
  /** No more rounds. */
  stop(): void;
}

/** Starts looking at the inbox every `everyMs` while `active()`. */
export function startInboxReconciler(options: InboxReconcilerOptions): InboxReconciler {
  const { inbox, queue, logger } = options;
  const reconcile = async (statuses: readonly ('pending' | 'processing')[]): Promise<void> => {
    const rows = await inbox.listOpen({ statuses, limit: ROUND });
    const groups = new Map<string, { mapping: string; side: Side; ids: string[]; attempts: number }>();
    for (const row of rows) {
      const object = (row.payload as { object?: unknown } | null)?.object;
      let concerned = false;
      for (const mapping of options.mappings) {
        for (const side of SIDES) {
          if (mapping.sides[side].connection !== row.source || mapping.sides[side].object !== object) continue;
          concerned = true;
          const key = `${mapping.id}:${side}`;
          const group = groups.get(key) ?? { mapping: mapping.id, side, ids: [], attempts: row.attempts };
          group.ids.push(row.id);
          groups.set(key, group);
        }
      }
      // A delivery no mapping reads (another object) is done: nothing will ever take it.
      if (!concerned) await inbox.markDone(row.id);
    }
    for (const g of groups.values()) {
      // The job id names the first row's attempts: a row back to pending (a pass stopped early, a retry asked for)
      // gets a new job, where the queue would ignore the id of the ended job it still keeps.
      await queue.add(PASS_JOB, { mapping: g.mapping, side: g.side, inbox: g.ids } satisfies PassJob, {
        jobId: `inbox-${g.ids[0] ?? ''}-a${g.attempts}-${g.mapping}-${g.side}`,
      });
    }
  };
  const round = (statuses: readonly ('pending' | 'processing')[]): void => {
    reconcile(statuses).catch((err: unknown) => logger.error({ err }, 'inbox reconciliation failed'));
  };
  const timer = setInterval(() => {
    if (options.active()) round(['pending']);
  }, options.everyMs ?? 1_000);
  return {
    reconcile,
    takeOver: () => round(['pending', 'processing']),
    stop: () => clearInterval(timer),
  };
}

/** What becomes of the inbox rows a pass takes care of. */
export interface Deliveries {
  /** The pass starts: `processing` (an attempt counted). */
  taken(ids: readonly string[]): Promise<void>;
  /** The pass ran: done; if it stopped between pages it may not have reached their changes: back to pending. */
  ran(ids: readonly string[], stopped: boolean): Promise<void>;
  /** The pass failed: failed, with its message. */
  failed(ids: readonly string[], message: string): Promise<void>;
  /**
   * The process stops before or during their pass: back to pending with an attempt
   * counted, so the reconciler's next job for them has a new id (the queue may keep the
   * ended job's id for a while and would ignore the same one).
   */
  givenBack(ids: readonly string[]): Promise<void>;
}

/** The rows' outcomes, written through `inbox`. */
export function deliveries(inbox: InboxRepository): Deliveries {
  return {
    async taken(ids) {
      for (const id of ids) await inbox.markProcessing(id);
    },
    async ran(ids, stopped) {
      for (const id of ids) await (stopped ? inbox.release(id) : inbox.markDone(id));
    },
    async failed(ids, message) {
      for (const id of ids) await inbox.markFailed(id, message);
    },
    async givenBack(ids) {
      for (const id of ids) {
        const status = (await inbox.get(id))?.status;
        // A row its pass settled in the meantime (done, failed) stays as it is.
        if (status !== 'pending' && status !== 'processing') continue;
        if (status === 'pending') await inbox.markProcessing(id);
        await inbox.release(id);
      }
    },
  };
}
