/**
 * The create guard and held mappings. Every real pass counts the creates it makes and
 * stops before the create that would exceed the mapping's guard (`guard: { maxCreates:
 * 1000 }`, or a share of the records the pass read so far, `"20%"`); by default half of
 * the records read, and at least {@link DEFAULT_GUARD_FLOOR}. What was handled stays
 * handled; the run ends `guarded` with its counts; the mapping is held (the store's
 * `holds`): passes of it do not run (scheduled ones are skipped with a log line and the
 * metric `frontback_mappings_held`) until a person accepts (`frontback accept <mapping>`,
 * `POST /admin/mappings/:id/accept`, the console's mapping page: {@link acceptHold}) or changes the mapping (a new version voids the
 * hold). Accepting lifts the guard for the next pass of the side that was stopped.
 */
import { ErrorCode, FrontbackError } from '../errors.ts';
import type { Side } from '../mapping/spec.ts';
import type { CompiledMapping } from '../mapping/types.ts';
import type { Hold } from '../store/hold-repository.ts';
import type { Store, StoreRepositories } from '../store/store.ts';

/** The default share of records read that a pass may create. */
export const DEFAULT_GUARD_SHARE = 0.5;
/** Creates always allowed by the default guard, however few records a pass read. */
export const DEFAULT_GUARD_FLOOR = 50;

/** How many creates a pass may have made after reading `read` records. */
export function createAllowance(mapping: CompiledMapping, read: number): number {
  const { maxCreates, maxShare } = mapping.guard;
  if (maxCreates !== undefined) return maxCreates;
  if (maxShare !== undefined) return Math.floor(maxShare * read);
  return Math.max(DEFAULT_GUARD_FLOOR, Math.floor(DEFAULT_GUARD_SHARE * read));
}

/** How the guard is worded for people. */
export function describeGuard(mapping: CompiledMapping): string {
  const { maxCreates, maxShare } = mapping.guard;
  if (maxCreates !== undefined) return `guard maxCreates ${maxCreates}`;
  if (maxShare !== undefined) return `guard maxCreates ${Math.round(maxShare * 100)}% of records read`;
  return `default guard: ${DEFAULT_GUARD_SHARE * 100}% of records read, at least ${DEFAULT_GUARD_FLOOR}`;
}

/** What a pass may do about a mapping's hold. */
export type HoldState =
  | { readonly state: 'free' }
  | { readonly state: 'held'; readonly hold: Hold }
  | { readonly state: 'accepted'; readonly hold: Hold };

/** The mapping's hold as it stands for a pass from `side` (a hold of an older mapping version is void and forgotten). */
export async function holdState(store: StoreRepositories, mapping: CompiledMapping, side: Side): Promise<HoldState> {
  const hold = await store.holds.get(mapping.id);
  if (hold === undefined) return { state: 'free' };
  if (hold.mappingVersion !== mapping.version) {
    await store.holds.clear(mapping.id);
    return { state: 'free' };
  }
  if (hold.acceptedAt === null) return { state: 'held', hold };
  return (hold.counts as { side?: unknown }).side === side ? { state: 'accepted', hold } : { state: 'free' };
}

/** The error of a pass asked of a held mapping. */
export function heldError(hold: Hold): FrontbackError {
  return new FrontbackError(
    ErrorCode.MappingHeld,
    `mapping ${hold.mappingId} is held since ${hold.heldAt}: ${hold.reason}. Look at the plan (frontback ` +
      `plan ${hold.mappingId}), then accept it (frontback accept ${hold.mappingId}) or change the mapping`,
    { details: { mapping: hold.mappingId, run: hold.runId, counts: hold.counts } },
  );
}

/**
 * A person accepts the mapping's hold: its next pass from the side that was stopped goes on
 * without the guard. Audited (`accepted`, with the hold's run and counts) in the same
 * transaction, naming `by`. NOT_FOUND without a hold, CONFLICT when already accepted.
 */
export async function acceptHold(store: Store, mappingId: string, by: string): Promise<Hold> {
  return store.transaction(async (tx) => {
    const accepted = await tx.holds.accept(mappingId, by);
    await tx.audit.append({
      mappingId,
      action: 'accepted',
      rule: `held: ${accepted.reason}`,
      actor: 'admin',
      details: { run: accepted.runId, counts: accepted.counts, by },
    });
    return accepted;
  });
}
