/**
 * Dead letters, after a person looked at them. `replay` syncs the source record again
 * as it is now (resync.ts), not the stored payload, which may be stale: a success
 * closes the dead letter (`replayed`), a new refusal counts one more attempt with the
 * target's new message. `discard` closes it without writing, audited with who and why.
 */
import { ErrorCode, FrontbackError, VersionConflictError } from '../errors.ts';
import type { Side } from '../mapping/spec.ts';
import type { DeadLetter } from '../store/dead-letter-repository.ts';
import type { Store } from '../store/store.ts';
import type { AppliedRecord } from './apply.ts';
import { resyncRecord, type SyncContext } from './resync.ts';

/** What a replay did. */
export interface ReplayOutcome {
  /** The dead letter after the replay (`replayed`, or `open` with one more attempt). */
  readonly deadLetter: DeadLetter;
  /** The run that carried it out. */
  readonly runId: string;
  readonly applied: AppliedRecord;
}

const RACE_ATTEMPTS = 3;

/** Loads an open dead letter, or says clearly why not. */
export async function openDeadLetter(store: Store, id: string): Promise<DeadLetter> {
  const dl = await store.deadLetters.get(id);
  if (dl === undefined)
    throw new FrontbackError(ErrorCode.NotFound, `no dead letter ${id}`, { details: { deadLetter: id } });
  if (dl.status !== 'open')
    throw new FrontbackError(ErrorCode.Conflict, `dead letter ${id} is ${dl.status} already (at ${dl.updatedAt})`, {
      details: { deadLetter: id, status: dl.status },
    });
  return dl;
}

/** The side the dead-lettered change came from. */
function sourceSide(dl: DeadLetter): Side {
  const from = (dl.payload as { from?: unknown } | null)?.from;
  if (from !== 'crm' && from !== 'erp') {
    throw new FrontbackError(
      ErrorCode.Validation,
      `dead letter ${dl.id} does not say which side its change came from (payload.from): it cannot be replayed; discard it and sync the record again`,
      { details: { deadLetter: dl.id } },
    );
  }
  return from;
}

/** Replays dead letter `id` of `ctx.mapping`; `by` names the person (audited). */
export async function replayDeadLetter(ctx: SyncContext, id: string, by: string): Promise<ReplayOutcome> {
  const dl = await openDeadLetter(ctx.store, id);
  if (dl.mappingId !== ctx.mapping.id)
    throw new FrontbackError(
      ErrorCode.Validation,
      `dead letter ${id} belongs to mapping ${dl.mappingId}, not ${ctx.mapping.id}`,
      { details: { deadLetter: id } },
    );
  const from = sourceSide(dl);
  for (let attempt = 1; ; attempt++) {
    try {
      const { runId, applied } = await resyncRecord(ctx, from, dl.recordId, {
        actor: 'replay',
        trigger: `replay:${id}`,
        by,
      });
      const after = (await ctx.store.deadLetters.get(id)) ?? dl;
      return { deadLetter: after, runId, applied };
    } catch (err) {
      if (!(err instanceof VersionConflictError) || attempt >= RACE_ATTEMPTS) throw err;
    }
  }
}

/** Closes dead letter `id` without writing anything; audited with `by` and `reason`. */
export async function discardDeadLetter(store: Store, id: string, by: string, reason: string): Promise<DeadLetter> {
  const dl = await openDeadLetter(store, id);
  return store.transaction(async (tx) => {
    await tx.deadLetters.setStatus(id, 'discarded');
    await tx.audit.append({
      mappingId: dl.mappingId,
      action: 'discarded',
      rule: reason,
      actor: 'admin',
      details: { deadLetter: id, connection: dl.connection, recordId: dl.recordId, message: dl.message, by },
    });
    return (await tx.deadLetters.get(id)) ?? dl;
  });
}
