/**
 * A person's answer to a record that waits (an ambiguous match, or no partner yet):
 * link it to a partner they choose, create a new partner for it, or never link it. The
 * decision is stored with the match and audited (action `resolved`, `details.by`), then
 * the record is synced at once through the same pipeline as a pass (resync.ts), which
 * carries the decision out: the link with the usual merge, snapshot and audit entry; a
 * create keyed as usual (still within what the mapping may create); or nothing, ever.
 */
import { ErrorCode, FrontbackError } from '../errors.ts';
import type { Match, MatchDecision } from '../store/match-repository.ts';
import type { AppliedRecord } from './apply.ts';
import { resyncRecord, type SyncContext } from './resync.ts';
import { other } from './sides.ts';

/** What resolving a match did. */
export interface MatchResolution {
  /** The match, resolved (and closed once carried out). */
  readonly match: Match;
  /** The run that carried it out (absent for `never`). */
  readonly runId?: string;
  readonly applied?: AppliedRecord;
}

/** Resolves waiting match `id` of `ctx.mapping` with `decision`; `by` names the person (audited). */
export async function resolveMatch(
  ctx: SyncContext,
  id: string,
  decision: MatchDecision,
  by: string,
): Promise<MatchResolution> {
  const { store, mapping } = ctx;
  const match = await store.matches.get(id);
  if (match === undefined) throw new FrontbackError(ErrorCode.NotFound, `no match ${id}`, { details: { match: id } });
  if (match.mappingId !== mapping.id)
    throw new FrontbackError(
      ErrorCode.Validation,
      `match ${id} belongs to mapping ${match.mappingId}, not ${mapping.id}`,
      { details: { match: id } },
    );
  if (decision.choice === 'link') {
    const to = other(match.side);
    const [partner] = await ctx.connectors[to].read(mapping.sides[to].object, [decision.partnerId]);
    if (partner === undefined)
      throw new FrontbackError(
        ErrorCode.NotFound,
        `${to} record ${mapping.sides[to].object} ${decision.partnerId} is not there (deleted, or a typo)`,
        { details: { match: id, partner: decision.partnerId } },
      );
    const taken = await store.links.findBySide(mapping.id, to, decision.partnerId);
    if (taken)
      throw new FrontbackError(
        ErrorCode.Conflict,
        `${to} record ${decision.partnerId} is already linked to ${match.side} record ${match.side === 'crm' ? taken.crmId : taken.erpId}`,
        { details: { match: id } },
      );
  }
  const resolved = await store.transaction(async (tx) => {
    const done = await tx.matches.resolve(id, decision, by);
    await tx.audit.append({
      mappingId: mapping.id,
      mappingVersion: mapping.version,
      ...(match.side === 'crm'
        ? { crmId: match.recordId, erpId: decision.choice === 'link' ? decision.partnerId : null }
        : { erpId: match.recordId, crmId: decision.choice === 'link' ? decision.partnerId : null }),
      action: 'resolved',
      rule: `match ${decision.choice}${decision.choice === 'link' ? ` ${decision.partnerId}` : ''}, decided by a person (was: ${match.reason})`,
      actor: 'admin',
      details: { match: id, kind: match.kind, decision: { ...decision }, by },
    });
    return done;
  });
  if (decision.choice === 'never') return { match: resolved };
  const { runId, applied } = await resyncRecord(ctx, match.side, match.recordId, {
    actor: 'admin',
    trigger: `match:${id}`,
    by,
  });
  return { match: (await store.matches.get(id)) ?? resolved, runId, applied };
}
