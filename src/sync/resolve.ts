/**
 * A person's answer to a parked conflict (rule `manual`): the chosen side's value is
 * written to the other side through the same merge, snapshot compare-and-set and audit
 * as any sync (resync.ts), the conflict is closed as resolved by that person, and the
 * audit entry (action `resolved`) names the field, the side and who chose.
 *
 * To settle on a third value, set it in either system and choose that side.
 */
import { ErrorCode, FrontbackError, VersionConflictError } from '../errors.ts';
import type { Side } from '../mapping/spec.ts';
import type { Conflict } from '../store/conflict-repository.ts';
import type { AppliedRecord } from './apply.ts';
import { resyncRecord, type SyncContext } from './resync.ts';

/** What resolving did. */
export interface ResolveOutcome {
  /** The conflict, resolved. */
  readonly conflict: Conflict;
  /** The run that carried it out. */
  readonly runId: string;
  /** The pair's sync: what was written where. */
  readonly applied: AppliedRecord;
}

/** How often a resolution racing a pass on the same pair is tried again (the pass moved the snapshot). */
const RACE_ATTEMPTS = 3;

/** Loads an open conflict of `ctx.mapping`, or says clearly why not. */
export async function openConflict(ctx: SyncContext, id: string): Promise<Conflict> {
  const conflict = await ctx.store.conflicts.get(id);
  if (conflict === undefined)
    throw new FrontbackError(ErrorCode.NotFound, `no conflict ${id}`, { details: { conflict: id } });
  if (conflict.mappingId !== ctx.mapping.id)
    throw new FrontbackError(
      ErrorCode.Validation,
      `conflict ${id} belongs to mapping ${conflict.mappingId}, not ${ctx.mapping.id}`,
      { details: { conflict: id, mapping: conflict.mappingId } },
    );
  if (conflict.status !== 'open') {
    throw new FrontbackError(
      ErrorCode.Conflict,
      `conflict ${id} was already resolved by ${conflict.resolvedBy ?? 'someone'} at ${conflict.resolvedAt ?? 'an unknown time'}`,
      { details: { conflict: id, resolution: conflict.resolution } },
    );
  }
  return conflict;
}

/** Resolves parked conflict `id` by taking `choice`'s value; `by` names the person (audited). */
export async function resolveConflict(ctx: SyncContext, id: string, choice: Side, by: string): Promise<ResolveOutcome> {
  const conflict = await openConflict(ctx, id);
  const { mapping, store } = ctx;
  const field = conflict.field;
  if (!mapping.fields.includes(field)) {
    throw new FrontbackError(
      ErrorCode.Validation,
      `conflict ${id} is about field ${field}, which mapping ${mapping.id} no longer has`,
      { details: { conflict: id, field } },
    );
  }
  const flow = mapping.flow(field);
  if (flow !== 'both' && flow !== `${choice}->${choice === 'crm' ? 'erp' : 'crm'}`) {
    throw new FrontbackError(
      ErrorCode.Validation,
      `field ${field} of mapping ${mapping.id} does not flow from ${choice} (flow: ${flow ?? 'none'}): choose the other side`,
      { details: { conflict: id, field, flow } },
    );
  }
  const link = await store.links.get(conflict.linkId);
  if (link === undefined) {
    throw new FrontbackError(
      ErrorCode.Conflict,
      `conflict ${id}: the pair it is about is no longer linked (a record was deleted)`,
      { details: { conflict: id, link: conflict.linkId } },
    );
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const { runId, applied } = await resyncRecord(ctx, 'crm', link.crmId, {
        actor: 'admin',
        trigger: `resolve:${id}`,
        by,
        decided: { [field]: choice },
      });
      const after = await store.conflicts.get(id);
      if (after?.status !== 'resolved') {
        const why =
          applied.status === 'failed'
            ? `the write was refused: ${applied.message ?? 'no message'} (dead-lettered)`
            : applied.plan.reason;
        throw new FrontbackError(ErrorCode.Conflict, `conflict ${id} is still open: ${why}`, {
          details: { conflict: id, run: runId, status: applied.status },
        });
      }
      return { conflict: after, runId, applied };
    } catch (err) {
      if (!(err instanceof VersionConflictError) || attempt >= RACE_ATTEMPTS) throw err;
    }
  }
}
