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
}

/** The queue's name of a pass job. */
export const PASS_JOB = 'pass';

/** Both sides, in the order the scheduler enqueues them. */
export const SIDES: readonly Side[] = ['crm', 'erp'];
