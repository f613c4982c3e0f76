/** Taking a checkpoint: signing the log's head and appending it to the checkpoint file. */
import { AuditError, ErrorCode } from '../../errors.ts';
import type { AuditRepository } from '../audit-repository.ts';
import { appendCheckpoint, lastCheckpoint } from './checkpoint-file.ts';
import { signCheckpoint, type Checkpoint, type CheckpointSigner } from './checkpoint.ts';

/** What {@link takeCheckpoint} did. */
export type CheckpointTaken =
  | { readonly written: true; readonly checkpoint: Checkpoint }
  | { readonly written: false; readonly reason: 'empty log' | 'unchanged' };

/**
 * Signs the head of the log and appends it to `dir`, unless the log is empty or has not
 * moved since the last checkpoint there. A head below the last checkpoint (a cut log) is
 * an error: signing it would bless the cut.
 */
export async function takeCheckpoint(
  audit: Pick<AuditRepository, 'head'>,
  signer: CheckpointSigner,
  dir: string,
  now: () => Date = () => new Date(),
): Promise<CheckpointTaken> {
  const head = await audit.head();
  if (head === null) return { written: false, reason: 'empty log' };
  const last = lastCheckpoint(dir);
  if (last !== undefined && last.seq === head.seq && last.hash === head.hash)
    return { written: false, reason: 'unchanged' };
  if (last !== undefined && last.seq > head.seq) {
    throw new AuditError(
      ErrorCode.AuditBroken,
      `the log ends at ${head.seq} but the last checkpoint anchors entry ${last.seq}; run frontback audit verify`,
    );
  }
  const checkpoint = signCheckpoint(signer, head, now().toISOString());
  appendCheckpoint(dir, checkpoint);
  return { written: true, checkpoint };
}
