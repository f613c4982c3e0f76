/**
 * A page's plan: what each record of a page of changes from one side means for a mapping,
 * without writing anything. Planning is two phases: the bulk load (load.ts: links,
 * snapshots, dead letters, partner candidates, partners, lookups, in a few calls for the
 * whole page) and the pure decision per record (decide.ts). The plan is what a dry run
 * stores and what apply.ts carries out.
 */
import type { Connector, SourceRecord } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';
import type { MappingValue } from '../mapping/transforms/index.ts';
import type { CanonicalRecord, CompiledMapping, FieldProblem } from '../mapping/types.ts';
import type { DeadLetter } from '../store/dead-letter-repository.ts';
import type { Link } from '../store/link-repository.ts';
import type { Snapshot } from '../store/snapshot-repository.ts';
import type { Store } from '../store/store.ts';
import { decide } from './decide.ts';
import { loadPage } from './load.ts';
import type { FieldDecision } from './merge.ts';
import type { Wait } from './partners.ts';
import type { Match } from '../store/match-repository.ts';

/** What is to happen to one changed record. */
export type PlanAction =
  /** Linked (or matched now) and something flows: patches below. */
  | 'sync'
  /** Nothing to write: unchanged (an echo of our own write looks like this), filtered, or agreeing. */
  | 'skip'
  /** No partner: create one on the other side. */
  | 'create'
  /** Archived at the source: archive or delete the partner (the mapping's `deletes`). */
  | 'archive'
  | 'delete';

/** A field left out of the patch for `target`. */
export interface PlanProblem extends FieldProblem {
  /** The side the field was to be written to (decide.ts says; absent in plans made elsewhere, e.g. by hand in tests). */
  readonly target?: Side;
}

/** The plan for one changed record. */
export interface PlannedRecord {
  /** The side the change came from. */
  readonly from: Side;
  /** The record's id on that side. */
  readonly id: string;
  /** The partner's id, when linked or matched. */
  readonly partnerId?: string;
  /** The existing link, if any. */
  readonly link?: Link;
  /** The pair's snapshot, if any (its version is the compare-and-set expectation). */
  readonly snapshot?: Snapshot;
  readonly action: PlanAction;
  /** Why (for the audit entry and the dry run). */
  readonly reason: string;
  /** Per-field decisions of the merge (empty for creates, deletes and skips before the merge). */
  readonly decisions: readonly FieldDecision[];
  /** The patch for each side (empty: nothing written there). */
  readonly patch: Readonly<Record<Side, Record<string, MappingValue>>>;
  /** Fields left out of a patch, and why (a lookup found nothing, a transform refused), with the side written to. */
  readonly problems: readonly PlanProblem[];
  /** Canonical values of each side now (the partner's absent for a create). */
  readonly canonical: Readonly<Partial<Record<Side, CanonicalRecord>>>;
  /** The records as read (to compute what each side holds after the write). */
  readonly records: Readonly<Partial<Record<Side, SourceRecord>>>;
  /** The idempotency key of a create (Odoo external id, HubSpot unique property). */
  readonly createKey?: { field: string; value: string };
  /** The rule that matched an unlinked record to its partner now (`email`, `a person's choice (zoe)`). */
  readonly matchedBy?: string;
  /** The record waits (for a person, or for its partner to exist): stored as a match, re-checked at every pass. */
  readonly wait?: Wait & { readonly reason: string };
  /**
   * A skip of a record read and found unchanged since the last sync (an echo of our own write, a re-read in the
   * overlap window, a deletion followed already): counted in the run (`unchanged`, part of `skipped`). No skip is
   * audited one by one (record.ts).
   */
  readonly unchanged?: true;
}

/** What planning needs. */
export interface PlanContext {
  readonly mapping: CompiledMapping;
  readonly connectors: Readonly<Record<Side, Connector>>;
  readonly store: Store;
}

/** Options of {@link planPage}. */
export interface PlanOptions {
  /** Fields a person decided, by field rule name (resolving a parked conflict): see `MergeInput.decided`. */
  readonly decided?: Readonly<Record<string, Side>>;
}

/** The plan of a page, with what carrying it out needs from the load phase. */
export interface PagePlan {
  /** The side the page was read on. */
  readonly from: Side;
  /** One plan per record, in page order. */
  readonly plans: readonly PlannedRecord[];
  /** Open dead letters of the page's records (this mapping, this side), by record id: settled or counted by apply. */
  readonly deadLetters: ReadonlyMap<string, readonly DeadLetter[]>;
  /** Matches of the page's records (waiting, or decided by a person), by record id: updated or closed by apply. */
  readonly matches: ReadonlyMap<string, Match>;
}

/** Plans one page of changes read from `from`: load in bulk, then decide per record. */
export async function planPage(
  ctx: PlanContext,
  from: Side,
  page: readonly SourceRecord[],
  options: PlanOptions = {},
): Promise<PagePlan> {
  const loaded = await loadPage(ctx, from, page);
  const plans = loaded.items.map((item) =>
    decide({
      mapping: ctx.mapping,
      from,
      item,
      resolvers: loaded.resolvers,
      target: loaded.target,
      ...(options.decided ? { decided: options.decided } : {}),
    }),
  );
  return { from, plans, deadLetters: loaded.deadLetters, matches: loaded.matches };
}
