/**
 * What a pass job carries: the mapping and the side to read, and, for a webhook's pass,
 * the inbox rows it takes care of. Ids only (the queue is not the truth): every pass reads
 * from its cursor in the store, so a job run twice, lost or run late changes nothing but
 * timing (RELIABILITY.md).
 */
import type { Side } from '../../mapping/spec.ts';

/** The data of a `pass` job. */
export interface PassJob {
  mapping: string;
  side: Side;
  /** Inbox rows this pass takes care of (a webhook's pass); absent for a scheduled pass. */
  inbox?: string[];
  /** A pass a person asked for through the admin API (a plan or a run now); absent otherwise. */
  admin?: AdminPass;
}

/**
 * A pass asked for through the admin API: its run, recorded `queued` when it was asked for
 * (so the asker polls it by id at once), the pass's kind and who asked. A delivery of the
 * job takes the run (`runs.claim`): a second delivery finds it taken and runs nothing.
 */
export interface AdminPass {
  /** The run recorded `queued` for it. */
  run: string;
  /** A plan (dry run: writes nothing, stores its plans) rather than a pass that writes. */
  dryRun: boolean;
  /** Who asked (the admin API's `by`), for the logs; the request itself is audited when asked. */
  by: string;
}

/** The job id of an admin pass: one job per queued run, whoever adds it (no `:`). */
export const adminJobId = (runId: string): string => `admin-${runId}`;

/** The trigger of a run asked for through the admin API: `plan:<side>` or `run-now:<side>`. */
export const adminTrigger = (dryRun: boolean, side: Side): string => `${dryRun ? 'plan' : 'run-now'}:${side}`;

/** The queue's name of a pass job. */
export const PASS_JOB = 'pass';

/** Both sides, in the order the scheduler enqueues them. */
export const SIDES: readonly Side[] = ['crm', 'erp'];
