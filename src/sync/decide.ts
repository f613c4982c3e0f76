/**
 * The decide phase (pure): what is to happen to one record of a loaded page. No store, no
 * connector, no clock: everything it needs was loaded (load.ts), so it is table-tested as
 * a function of its input.
 *
 * 1. filtered out by its side's filter: skip;
 * 2. archived at its source: archive or delete the linked partner as the mapping says and
 *    the target allows; otherwise skip with the reason;
 * 3. waiting for a person (several candidates, a candidate linked to another record, weak
 *    evidence): nothing is written, the record is parked as an ambiguous match;
 * 4. no partner: create one in the other system when something flows there, the other
 *    side's filter would accept it, the mapping may create there (`creates`) and the
 *    target allows creates (keyed as its connector declares), and no link it needs is
 *    missing yet (a contact whose company is not linked yet waits for it); a record whose
 *    partner may not be created waits;
 * 5. a partner: the evidence of a weak rule (`confirm`) checked, then the three-way merge
 *    against the pair's snapshot (merge.ts), and the patches of each side.
 */
import type { CreateKeySpec, SourceRecord } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';
import type { MappingValue } from '../mapping/transforms/index.ts';
import type { CanonicalRecord, CompiledMapping, FieldProblem, Resolver } from '../mapping/types.ts';
import { waitsForLink } from '../mapping/translation.ts';
import type { TargetCapabilities } from './capabilities.ts';
import type { LoadedRecord } from './load.ts';
import { mergePair } from './merge.ts';
import type { PlannedRecord, PlanProblem } from './plan.ts';
import { flatten, other } from './sides.ts';

/** What deciding one record needs. */
export interface DecideInput {
  readonly mapping: CompiledMapping;
  /** The side the record was read on. */
  readonly from: Side;
  /** The record and what was loaded for it. */
  readonly item: LoadedRecord;
  /** Lookups of the page, per target side. */
  readonly resolvers: Readonly<Record<Side, Resolver>>;
  /** What the other side's object allows. */
  readonly target: TargetCapabilities;
  /** Fields a person decided (a parked conflict resolved): see `MergeInput.decided`. */
  readonly decided?: Readonly<Record<string, Side>>;
}

const EMPTY: Readonly<Record<Side, Record<string, MappingValue>>> = Object.freeze({ crm: {}, erp: {} });

/** The key a create is made idempotent with, as the target declares it; undefined when it has none. */
export function createKeyFor(
  spec: CreateKeySpec | undefined,
  mappingId: string,
  from: Side,
  id: string,
  patch: Record<string, MappingValue>,
): { field: string; value: string } | undefined {
  if (spec === undefined) return undefined;
  if (spec.source === 'field') {
    const value = patch[spec.field];
    return typeof value === 'string' && value.trim() !== '' ? { field: spec.field, value } : undefined;
  }
  return { field: spec.field, value: `${mappingId}_${from}_${id}`.replace(/[^A-Za-z0-9_-]/g, '_') };
}

/** `problems` of a patch for `target`, saying so. */
const towards = (target: Side, problems: readonly FieldProblem[]): PlanProblem[] =>
  problems.map((p) => ({ ...p, target }));

/** Whether a computed value and what a system holds are the same (`150.5` and HubSpot's `"150.5"` are). */
function sameFigure(mapping: CompiledMapping, field: string, computed: MappingValue, held: MappingValue): boolean {
  const numeric = (v: MappingValue): boolean =>
    typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
  if (numeric(computed) && numeric(held)) return Number(computed) === Number(held);
  return mapping.equal(field, computed, held);
}

/** Translates only `fields` of `canonical` for `target`. */
function patchOf(
  mapping: CompiledMapping,
  canonical: CanonicalRecord,
  fields: readonly string[],
  target: Side,
  resolver: Resolver,
): { patch: Record<string, MappingValue>; problems: readonly FieldProblem[] } {
  if (fields.length === 0) return { patch: {}, problems: [] };
  const values = Object.fromEntries(
    fields.filter((f) => Object.hasOwn(canonical.values, f)).map((f) => [f, canonical.values[f] as MappingValue]),
  );
  return mapping.toPatch({ side: canonical.side, values }, target, resolver);
}

/**
 * Whether the two sides' current values of each field mean the same: one side's value is
 * translated for the other (the way the field flows) and compared there with `equal`.
 */
function agreement(
  mapping: CompiledMapping,
  canonical: Record<Side, CanonicalRecord>,
  records: Record<Side, SourceRecord>,
  resolvers: Readonly<Record<Side, Resolver>>,
): (field: string) => boolean {
  const cache = new Map<Side, CanonicalRecord>();
  const translated = (from: Side): CanonicalRecord => {
    let hit = cache.get(from);
    if (hit === undefined) {
      const to = other(from);
      const { patch } = mapping.toPatch(canonical[from], to, resolvers[to]);
      hit = mapping.toCanonical({ ...flatten(records[to]), ...patch }, to);
      cache.set(from, hit);
    }
    return hit;
  };
  return (field) => {
    const from: Side = mapping.flow(field) === 'erp->crm' ? 'erp' : 'crm';
    const to = other(from);
    if (mapping.derived(field)) {
      // The side it is written to does not read it back as a mapped value: compare its raw field with the figure now.
      const { patch } = patchOf(mapping, canonical[from], [field], to, resolvers[to]);
      const keys = Object.keys(patch);
      return (
        keys.length > 0 &&
        keys.every((k) =>
          sameFigure(mapping, field, patch[k] as MappingValue, (records[to].fields[k] ?? null) as MappingValue),
        )
      );
    }
    const now = canonical[to].values[field];
    const then = translated(from).values[field];
    // A field the target does not read back (one-way): nothing to compare there, so no agreement is claimed.
    if (now === undefined || then === undefined) return false;
    return mapping.equal(field, now, then);
  };
}

/** Decides what happens to one loaded record. */
export function decide(input: DecideInput): PlannedRecord {
  const { mapping, from, item, resolvers, target } = input;
  const to = other(from);
  const r = item.record;
  const { partner, link } = item;
  const waiting = partner.partnerId === undefined ? partner.reason : undefined;
  const waitOf = partner.partnerId === undefined ? partner.wait : undefined;
  const base = {
    from,
    id: r.id,
    ...(link ? { link } : {}),
    ...(partner.partnerId === undefined ? {} : { partnerId: partner.partnerId }),
  };
  const skip = (
    reason: string,
    extra: { problems?: readonly PlanProblem[]; own?: CanonicalRecord; unchanged?: true } = {},
  ): PlannedRecord => ({
    ...base,
    action: 'skip',
    reason,
    ...(extra.unchanged ? { unchanged: true } : {}),
    decisions: [],
    patch: EMPTY,
    problems: extra.problems ?? [],
    canonical: extra.own ? { [from]: extra.own } : {},
    records: { [from]: r },
  });
  const park = (
    kind: 'ambiguous' | 'waiting',
    reason: string,
    candidates: readonly { id: string; rule: string; key?: string }[],
    own?: CanonicalRecord,
  ): PlannedRecord => ({
    ...skip(reason, own ? { own } : {}),
    wait: { kind, reason, candidates },
  });
  if (item.filtered) return skip(`filtered out by the ${from} filter`);
  const own = mapping.toCanonical(flatten(r), from);
  const theirsRecord = item.partnerRecord;

  if (r.archived === true) {
    if (!link || mapping.deletes === 'ignore') return skip(waiting ?? `archived; deletes: ${mapping.deletes}`, { own });
    // A deletion read again (the listing's overlap window, a late webhook): done already.
    if (theirsRecord === undefined || theirsRecord.archived === true)
      return skip(`archived in ${from}; the ${to} partner is ${theirsRecord ? 'archived' : 'gone'} already`, {
        own,
        unchanged: true,
      });
    const allowed = mapping.deletes === 'archive' ? target.archivable : target.deletable;
    if (!allowed)
      return skip(
        `archived in ${from}; deletes: ${mapping.deletes}, but ${to} ${target.object} cannot be ${mapping.deletes === 'archive' ? 'archived' : 'deleted'}`,
        { own },
      );
    return {
      ...base,
      action: mapping.deletes,
      reason: `archived in ${from}; deletes: ${mapping.deletes}`,
      decisions: [],
      patch: EMPTY,
      problems: [],
      canonical: { [from]: own },
      records: { [from]: r },
    };
  }

  if (partner.partnerId === undefined || theirsRecord === undefined) {
    if (waitOf !== undefined) return park(waitOf.kind, waiting ?? 'waits for a person', waitOf.candidates, own);
    if (waiting !== undefined) return skip(waiting, { own });
    if (link !== undefined) return skip(`the linked ${to} record ${partner.partnerId ?? ''} is gone`, { own });
    const translated = mapping.toPatch(own, to, resolvers[to]);
    const { patch } = translated;
    const problems = towards(to, translated.problems);
    // A mapping whose fields all flow the other way (products: Odoo -> HubSpot) never creates from this side.
    if (Object.keys(patch).length === 0) {
      return skip(
        problems.length > 0
          ? `no ${to} record matches, and nothing could be translated to create one`
          : `no ${to} record matches, and no field flows from ${from} to create one`,
        { problems, own },
      );
    }
    // A record the other side's own filter would leave out is not made there (an Odoo order does not
    // make a HubSpot deal that is not closed-won; a partner does not make a contact that is not a customer).
    if (!mapping.accepts(patch, to))
      return skip(`no ${to} record matches, and one made from this would not pass the ${to} filter`, { problems, own });
    if (!target.creatable)
      return skip(`no ${to} record matches, and ${to} ${target.object} does not allow creates`, { problems, own });
    if (!mapping.creates[to])
      return park(
        'waiting',
        `no ${to} record matches, and this mapping does not create in ${to} (creates.${to}: false)`,
        [],
        own,
      );
    // A link it needs is not there yet (a contact's company not synced yet): made without it, it would never get it.
    const missing = problems.filter((p) => waitsForLink(p));
    if (missing.length > 0)
      return park('waiting', `waits for ${missing.map((p) => `${p.field} (${p.message})`).join('; ')}`, [], own);
    const key = createKeyFor(target.createKey, mapping.id, from, r.id, patch);
    return {
      ...base,
      action: 'create',
      reason: `no ${to} record matches: create one`,
      decisions: [],
      patch: { ...EMPTY, [to]: patch },
      problems,
      canonical: { [from]: own },
      records: { [from]: r },
      ...(key ? { createKey: key } : {}),
    };
  }

  const theirs = mapping.toCanonical(flatten(theirsRecord), to);
  const canonical = { [from]: own, [to]: theirs } as Record<Side, CanonicalRecord>;
  const records = { [from]: r, [to]: theirsRecord } as Record<Side, SourceRecord>;
  const snapshot = item.snapshot;
  const agree = agreement(mapping, canonical, records, resolvers);
  // Weak evidence (a name-only match): the confirming fields must agree where both sides have a value.
  if (!link && partner.confirm !== undefined) {
    const present = (side: Side, field: string): boolean =>
      canonical[side].values[field] !== undefined &&
      canonical[side].values[field] !== null &&
      canonical[side].values[field] !== '';
    const differ = partner.confirm.filter((field) => present('crm', field) && present('erp', field) && !agree(field));
    if (differ.length > 0) {
      const what = differ
        .map(
          (f) =>
            `${f} (crm ${JSON.stringify(canonical.crm.values[f])}, erp ${JSON.stringify(canonical.erp.values[f])})`,
        )
        .join(', ');
      return park(
        'ambiguous',
        `matched by ${partner.rule}, but ${what} differ: weak evidence, a person decides`,
        [{ id: partner.partnerId, rule: partner.rule }],
        own,
      );
    }
  }
  const merged = mergePair(mapping, {
    snapshot: snapshot
      ? { crm: snapshot.crm as Record<string, MappingValue>, erp: snapshot.erp as Record<string, MappingValue> }
      : undefined,
    crm: {
      values: canonical.crm.values,
      modifiedAt: records.crm.modifiedAt,
      ...(records.crm.fieldModifiedAt ? { fieldModifiedAt: records.crm.fieldModifiedAt } : {}),
    },
    erp: {
      values: canonical.erp.values,
      modifiedAt: records.erp.modifiedAt,
      ...(records.erp.fieldModifiedAt ? { fieldModifiedAt: records.erp.fieldModifiedAt } : {}),
    },
    agree,
    ...(input.decided ? { decided: input.decided } : {}),
  });
  const toErp = patchOf(mapping, canonical.crm, merged.toErp, 'erp', resolvers.erp);
  const toCrm = patchOf(mapping, canonical.erp, merged.toCrm, 'crm', resolvers.crm);
  const writes = Object.keys(toErp.patch).length + Object.keys(toCrm.patch).length;
  // Changes that need no write (made on both sides alike, or to a field that does not flow back) still
  // refresh the snapshot, so they are not merged again, and a conflict they settle is closed.
  const stale = merged.decisions.some(
    (d) => d.action === 'keep' && d.rule !== 'unchanged' && !mapping.derived(d.field),
  );
  const action = writes > 0 || !link || merged.conflicts.length > 0 || stale ? 'sync' : 'skip';
  const matched = `matched by ${partner.partnerId !== undefined && partner.rule !== 'link' ? partner.rule : 'key'}`;
  const reason =
    writes > 0
      ? link
        ? 'changed since the last sync'
        : `${matched}: linked now`
      : merged.conflicts.length > 0
        ? 'conflict parked'
        : !link
          ? `${matched}: linked now, already in agreement`
          : stale
            ? 'changed, but nothing to write: the other side already agrees (snapshot refreshed)'
            : 'nothing changed (or the change is already on both sides)';
  return {
    ...base,
    ...(snapshot ? { snapshot } : {}),
    ...(link ? {} : { matchedBy: partner.rule }),
    action,
    reason,
    // Read again and found as last synced (an echo, the overlap window): counted in the run, not audited.
    ...(action === 'skip' ? { unchanged: true as const } : {}),
    decisions: merged.decisions,
    patch: { crm: toCrm.patch, erp: toErp.patch },
    problems: [...towards('erp', toErp.problems), ...towards('crm', toCrm.problems)],
    canonical,
    records,
  };
}
