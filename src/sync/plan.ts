/**
 * Plans what one page of changes from one side means for a mapping, without writing
 * anything: each record is read into canonical values, found a partner (its link, else
 * the match keys, else none: a create), merged three-way against the pair's snapshot
 * (merge.ts), and translated into the patches each side would get. The plan is what a
 * dry run prints and what apply.ts carries out.
 */
import type { Connector, SourceRecord } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';
import type { MappingValue } from '../mapping/transforms/index.ts';
import type { CanonicalRecord, CompiledMapping, FieldProblem, Resolver } from '../mapping/types.ts';
import type { Link } from '../store/link-repository.ts';
import type { Snapshot } from '../store/snapshot-repository.ts';
import type { Store } from '../store/store.ts';
import { preloadLookups } from './lookups.ts';
import { IDEMPOTENCY_FIELD } from './prepare.ts';
import { mergePair, type FieldDecision } from './merge.ts';

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
  /** Fields left out of a patch, and why (a lookup found nothing, a transform refused). */
  readonly problems: readonly FieldProblem[];
  /** Canonical values of each side now (the partner's absent for a create). */
  readonly canonical: Readonly<Partial<Record<Side, CanonicalRecord>>>;
  /** The records as read (to compute what each side holds after the write). */
  readonly records: Readonly<Partial<Record<Side, SourceRecord>>>;
  /** The idempotency key of a create (Odoo external id, HubSpot unique property). */
  readonly createKey?: { field: string; value: string };
}

/** What planning needs. */
export interface PlanContext {
  readonly mapping: CompiledMapping;
  readonly connectors: Readonly<Record<Side, Connector>>;
  readonly store: Store;
}

const other = (side: Side): Side => (side === 'crm' ? 'erp' : 'crm');
const EMPTY: Readonly<Record<Side, Record<string, MappingValue>>> = Object.freeze({ crm: {}, erp: {} });

/** The record's fields plus its id under `id`, as mappings read them. */
export function flatten(record: SourceRecord): Record<string, unknown> {
  return { ...record.fields, id: record.id };
}

/**
 * The key a create on `target` is made idempotent with, or undefined when the target has
 * none. `keyField`: the target object has the unique field {@link IDEMPOTENCY_FIELD}
 * (prepare.ts makes it where the system has no natural key: HubSpot companies, products).
 */
function createKeyOf(ctx: PlanContext, from: Side, id: string, patch: Record<string, MappingValue>, keyField: boolean): { field: string; value: string } | undefined {
  const target = other(from);
  const kind = ctx.connectors[target].kind;
  const value = `${ctx.mapping.id}_${from}_${id}`.replace(/[^A-Za-z0-9_-]/g, '_');
  // Odoo: `load` with an external id creates once, whatever is retried.
  if (kind === 'odoo') return { field: 'external_id', value };
  // HubSpot contacts: upsert by email, the property HubSpot keeps unique.
  if (kind === 'hubspot' && ctx.mapping.sides[target].object === 'contacts') return typeof patch.email === 'string' && patch.email !== '' ? { field: 'email', value: patch.email } : undefined;
  return keyField ? { field: IDEMPOTENCY_FIELD, value } : undefined;
}

/** Whether `side`'s object has the unique {@link IDEMPOTENCY_FIELD} (asked once per page, only when a create is planned). */
async function hasKeyField(ctx: PlanContext, side: Side): Promise<boolean> {
  if (ctx.connectors[side].kind === 'odoo') return false;
  const described = (await ctx.connectors[side].describe()).find((o) => o.name === ctx.mapping.sides[side].object);
  return described?.fields.some((f) => f.name === IDEMPOTENCY_FIELD && f.externalId === true) ?? false;
}

/** Whether a computed value and what a system holds are the same (`150.5` and HubSpot's `"150.5"` are). */
function sameFigure(mapping: CompiledMapping, field: string, computed: MappingValue, held: MappingValue): boolean {
  const numeric = (v: MappingValue): boolean => typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
  if (numeric(computed) && numeric(held)) return Number(computed) === Number(held);
  return mapping.equal(field, computed, held);
}

/** Translates only `fields` of `canonical` for `target`. */
function patchOf(mapping: CompiledMapping, canonical: CanonicalRecord, fields: readonly string[], target: Side, resolver: Resolver): { patch: Record<string, MappingValue>; problems: readonly FieldProblem[] } {
  if (fields.length === 0) return { patch: {}, problems: [] };
  const values = Object.fromEntries(fields.filter((f) => Object.hasOwn(canonical.values, f)).map((f) => [f, canonical.values[f] as MappingValue]));
  const { patch, problems } = mapping.toPatch({ side: canonical.side, values }, target, resolver);
  return { patch, problems };
}

/**
 * Whether the two sides' current values of each field mean the same: one side's value is
 * translated for the other (the way the field flows) and compared there with `equal`.
 */
function agreement(mapping: CompiledMapping, canonical: Record<Side, CanonicalRecord>, records: Record<Side, SourceRecord>, resolvers: Record<Side, Resolver>): (field: string) => boolean {
  const cache = new Map<Side, { after: CanonicalRecord; patch: Record<string, MappingValue> }>();
  const translated = (from: Side): { after: CanonicalRecord; patch: Record<string, MappingValue> } => {
    let hit = cache.get(from);
    if (hit === undefined) {
      const to = other(from);
      const { patch } = mapping.toPatch(canonical[from], to, resolvers[to]);
      hit = { after: mapping.toCanonical({ ...flatten(records[to]), ...patch }, to), patch };
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
      return keys.length > 0 && keys.every((k) => sameFigure(mapping, field, patch[k] as MappingValue, (records[to].fields[k] ?? null) as MappingValue));
    }
    const now = canonical[to].values[field];
    const { after } = translated(from);
    const then = after.values[field];
    // A field the target does not read back (one-way): nothing to compare there, so no agreement is claimed.
    if (now === undefined || then === undefined) return false;
    return mapping.equal(field, now, then);
  };
}

/** Options of {@link planPage}. */
export interface PlanOptions {
  /** Fields a person decided, by field rule name (resolving a parked conflict): see `MergeInput.decided`. */
  readonly decided?: Readonly<Record<string, Side>>;
}

/** Plans one page of changes read from `from`. */
export async function planPage(ctx: PlanContext, from: Side, page: readonly SourceRecord[], options: PlanOptions = {}): Promise<PlannedRecord[]> {
  const { mapping, store } = ctx;
  const to = other(from);
  const toObject = mapping.sides[to].object;
  const plans: PlannedRecord[] = [];
  const live = page.filter((r) => r.archived === true || mapping.accepts(flatten(r), from));
  const filtered = page.filter((r) => !live.includes(r));
  for (const r of filtered) plans.push({ from, id: r.id, action: 'skip', reason: `filtered out by the ${from} filter`, decisions: [], patch: EMPTY, problems: [], canonical: {}, records: { [from]: r } });

  // Partners: the link, else the first match rule that finds exactly one unlinked record.
  const partners = new Map<string, { link?: Link; partnerId?: string; reason?: string }>();
  for (const r of live) {
    const link = await store.links.findBySide(mapping.id, from, r.id);
    if (link) {
      partners.set(r.id, { link, partnerId: from === 'crm' ? link.erpId : link.crmId });
      continue;
    }
    if (r.archived === true) {
      partners.set(r.id, { reason: 'archived and never linked: nothing to do' });
      continue;
    }
    let found: { partnerId?: string; reason?: string } = {};
    for (const key of mapping.matchKeys(flatten(r), from)) {
      // An archived record (deleted, to its users) is no partner.
      const hits = (await ctx.connectors[to].find(toObject, { field: key.field, values: [String(key.value)] })).filter((h) => h.archived !== true);
      if (hits.length > 1) {
        found = { reason: `${hits.length} ${to} records match ${key.field} = ${JSON.stringify(key.value)}: not linked automatically` };
        break;
      }
      const hit = hits[0];
      if (hit === undefined) continue;
      const taken = await store.links.findBySide(mapping.id, to, hit.id);
      found = taken ? { reason: `the ${to} record ${hit.id} matching ${key.field} is already linked to ${from === 'crm' ? taken.crmId : taken.erpId}` } : { partnerId: hit.id };
      break;
    }
    partners.set(r.id, found);
  }

  // The partners as they are now, in one read.
  const partnerIds = [...new Set([...partners.values()].flatMap((p) => (p.partnerId ? [p.partnerId] : [])))];
  const partnerRecords = new Map((await ctx.connectors[to].read(toObject, partnerIds, undefined, { fieldTimes: mapping.conflicts === 'newest' })).map((r) => [r.id, r]));

  const canonicals: Record<Side, CanonicalRecord[]> = { crm: [], erp: [] };
  // Two records of one page matching the same partner: the first takes it, the other waits for a person
  // (a link is unique per record on each side).
  const claimed = new Map<string, string>();
  for (const [id, p] of partners) {
    if (p.partnerId === undefined || p.link) continue;
    const first = claimed.get(p.partnerId);
    if (first === undefined) claimed.set(p.partnerId, id);
    else partners.set(id, { reason: `matches ${to} record ${p.partnerId}, as ${from} record ${first} does: not linked automatically` });
  }
    // A partner found by key takes part only if its own side's filter accepts it (a HubSpot lead is not
  // a customer, whatever Odoo holds); a linked pair stays linked.
  for (const [id, p] of partners) {
    const partner = p.partnerId && !p.link ? partnerRecords.get(p.partnerId) : undefined;
    if (partner && !mapping.accepts(flatten(partner), to)) partners.set(id, { reason: `matches ${to} record ${partner.id}, which the ${to} filter leaves out` });
  }
  const rows = live.map((r) => {
    const p = partners.get(r.id) ?? {};
    const own = mapping.toCanonical(flatten(r), from);
    canonicals[from].push(own);
    const partner = p.partnerId ? partnerRecords.get(p.partnerId) : undefined;
    const theirs = partner ? mapping.toCanonical(flatten(partner), to) : undefined;
    if (theirs) canonicals[to].push(theirs);
    return { r, p, own, partner, theirs };
  });
  const resolvers: Record<Side, Resolver> = {
    erp: await preloadLookups(mapping, canonicals.crm, 'erp', { connectors: ctx.connectors, links: store.links }),
    crm: await preloadLookups(mapping, canonicals.erp, 'crm', { connectors: ctx.connectors, links: store.links }),
  };

  let keyField: Promise<boolean> | undefined;
  for (const { r, p, own, partner, theirs } of rows) {
    const base = { from, id: r.id, ...(p.link ? { link: p.link } : {}), ...(p.partnerId ? { partnerId: p.partnerId } : {}) };
    if (r.archived === true) {
      if (!p.link || mapping.deletes === 'ignore') {
        plans.push({ ...base, action: 'skip', reason: p.reason ?? `archived; deletes: ${mapping.deletes}`, decisions: [], patch: EMPTY, problems: [], canonical: { [from]: own }, records: { [from]: r } });
      } else if (partner === undefined || partner.archived === true) {
        // A deletion read again (the listing's overlap window, a late webhook): done already.
        plans.push({ ...base, action: 'skip', reason: `archived in ${from}; the ${to} partner is ${partner ? 'archived' : 'gone'} already`, decisions: [], patch: EMPTY, problems: [], canonical: { [from]: own }, records: { [from]: r } });
      } else {
        plans.push({ ...base, action: mapping.deletes, reason: `archived in ${from}; deletes: ${mapping.deletes}`, decisions: [], patch: EMPTY, problems: [], canonical: { [from]: own }, records: { [from]: r } });
      }
      continue;
    }
    if (p.partnerId === undefined || partner === undefined || theirs === undefined) {
      if (p.reason !== undefined || p.link !== undefined) {
        const reason = p.reason ?? `the linked ${to} record ${p.partnerId ?? ''} is gone`;
        plans.push({ ...base, action: 'skip', reason, decisions: [], patch: EMPTY, problems: [], canonical: { [from]: own }, records: { [from]: r } });
        continue;
      }
      const { patch, problems } = mapping.toPatch(own, to, resolvers[to]);
      // A mapping whose fields all flow the other way (invoices -> deals) never creates from this side.
      if (Object.keys(patch).length === 0) {
        const reason = problems.length > 0 ? `no ${to} record matches, and nothing could be translated to create one` : `no ${to} record matches, and no field flows from ${from} to create one`;
        plans.push({ ...base, action: 'skip', reason, decisions: [], patch: EMPTY, problems, canonical: { [from]: own }, records: { [from]: r } });
        continue;
      }
      // A record the other side's own filter would leave out is not made there (an Odoo order does not
      // make a HubSpot deal that is not closed-won; a partner does not make a contact that is not a customer).
      if (!mapping.accepts(patch, to)) {
        plans.push({ ...base, action: 'skip', reason: `no ${to} record matches, and one made from this would not pass the ${to} filter`, decisions: [], patch: EMPTY, problems, canonical: { [from]: own }, records: { [from]: r } });
        continue;
      }
      keyField ??= hasKeyField(ctx, to);
      const key = createKeyOf(ctx, from, r.id, patch, await keyField);
      plans.push({ ...base, action: 'create', reason: `no ${to} record matches: create one`, decisions: [], patch: { ...EMPTY, [to]: patch }, problems, canonical: { [from]: own }, records: { [from]: r }, ...(key ? { createKey: key } : {}) });
      continue;
    }
    const canonical = { [from]: own, [to]: theirs } as Record<Side, CanonicalRecord>;
    const records = { [from]: r, [to]: partner } as Record<Side, SourceRecord>;
    const snapshot = p.link ? await store.snapshots.get(p.link.id) : undefined;
    const merged = mergePair(mapping, {
      snapshot: snapshot ? { crm: snapshot.crm as Record<string, MappingValue>, erp: snapshot.erp as Record<string, MappingValue> } : undefined,
      crm: { values: canonical.crm.values, modifiedAt: records.crm.modifiedAt, ...(records.crm.fieldModifiedAt ? { fieldModifiedAt: records.crm.fieldModifiedAt } : {}) },
      erp: { values: canonical.erp.values, modifiedAt: records.erp.modifiedAt, ...(records.erp.fieldModifiedAt ? { fieldModifiedAt: records.erp.fieldModifiedAt } : {}) },
      agree: agreement(mapping, canonical, records, resolvers),
      ...(options.decided ? { decided: options.decided } : {}),
    });
    const toErp = patchOf(mapping, canonical.crm, merged.toErp, 'erp', resolvers.erp);
    const toCrm = patchOf(mapping, canonical.erp, merged.toCrm, 'crm', resolvers.crm);
    const writes = Object.keys(toErp.patch).length + Object.keys(toCrm.patch).length;
    // Changes that need no write (made on both sides alike, or to a field that does not flow back) still
    // refresh the snapshot, so they are not merged again, and a conflict they settle is closed.
    const stale = merged.decisions.some((d) => d.action === 'keep' && d.rule !== 'unchanged' && !mapping.derived(d.field));
    const reason =
      writes > 0 ? (p.link ? 'changed since the last sync' : `matched by key: linked now`)
      : merged.conflicts.length > 0 ? 'conflict parked'
      : !p.link ? 'matched by key: linked now, already in agreement'
      : stale ? 'changed, but nothing to write: the other side already agrees (snapshot refreshed)'
      : 'nothing changed (or the change is already on both sides)';
    plans.push({
      ...base,
      ...(snapshot ? { snapshot } : {}),
      action: writes > 0 || !p.link || merged.conflicts.length > 0 || stale ? 'sync' : 'skip',
      reason,
      decisions: merged.decisions,
      patch: { crm: toCrm.patch, erp: toErp.patch },
      problems: [...toErp.problems, ...toCrm.problems],
      canonical,
      records,
    });
  }
  return plans;
}
