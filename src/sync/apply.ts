/**
 * Carries out a page's plan: the writes first (one `write` call per side, partial
 * failure normal), then one store transaction that records every outcome: new links,
 * the pair's snapshot (compare-and-set on its version) holding what each side holds
 * after the write (the target's own answer where it gives one: HubSpot's batch result,
 * Odoo's read-back) so the change coming back is recognised as an echo, parked
 * conflicts, dead letters with the target's message, and one audit entry per record.
 */
import type { SourceRecord, WriteOp, WriteResult } from '../connector/index.ts';
import type { Side } from '../mapping/spec.ts';
import type { MappingValue } from '../mapping/transforms/index.ts';
import type { CanonicalRecord } from '../mapping/types.ts';
import type { AuditActor, AuditEntryInput, FieldChange } from '../store/audit-repository.ts';
import type { JsonObject, JsonValue } from '../store/json.ts';
import type { ConflictResolution } from '../store/conflict-repository.ts';
import type { DeadLetter } from '../store/dead-letter-repository.ts';
import type { StoreRepositories } from '../store/store.ts';
import { flatten, type PlanContext, type PlannedRecord } from './plan.ts';

/** What applying needs besides the plan context. */
export interface ApplyContext extends PlanContext {
  /** Connection name of each side (dead letters name it). */
  readonly connections: Readonly<Record<Side, string>>;
  /** The run, for audit entries. */
  readonly runId: string;
  /** Who caused it. */
  readonly actor: AuditActor;
  /** The person behind it (an admin resolving or replaying), recorded in each audit entry. */
  readonly by?: string;
  /** The side a person chose per field, resolving parked conflicts (the plan was made with the same: `PlanOptions.decided`). */
  readonly decided?: Readonly<Record<string, Side>>;
}

/** What became of one planned record. */
export interface AppliedRecord {
  readonly plan: PlannedRecord;
  readonly status: 'applied' | 'skipped' | 'conflicted' | 'failed';
  /** The target's message, for a failure. */
  readonly message?: string;
  /** The partner's id after the write (a create's new id). */
  readonly partnerId?: string;
}

const other = (side: Side): Side => (side === 'crm' ? 'erp' : 'crm');
const nonEmpty = (patch: Record<string, MappingValue>): boolean => Object.keys(patch).length > 0;
const refOf = (plan: PlannedRecord, side: Side): string => `${plan.from}:${plan.id}>${side}`;

/** The write ops of a plan, per side. */
function opsOf(plan: PlannedRecord): Partial<Record<Side, WriteOp>> {
  const to = other(plan.from);
  const ops: Partial<Record<Side, WriteOp>> = {};
  if (plan.action === 'create') {
    ops[to] = { op: 'create', ref: refOf(plan, to), fields: plan.patch[to], ...(plan.createKey ? { idempotencyKey: plan.createKey } : {}) };
  } else if ((plan.action === 'archive' || plan.action === 'delete') && plan.partnerId) {
    ops[to] = { op: plan.action, ref: refOf(plan, to), id: plan.partnerId };
  } else if (plan.action === 'sync') {
    if (nonEmpty(plan.patch[to]) && plan.partnerId) ops[to] = { op: 'update', ref: refOf(plan, to), id: plan.partnerId, fields: plan.patch[to] };
    if (nonEmpty(plan.patch[plan.from])) ops[plan.from] = { op: 'update', ref: refOf(plan, plan.from), id: plan.id, fields: plan.patch[plan.from] };
  }
  return ops;
}

/** What `side` holds after the write, as canonical values. */
function after(ctx: PlanContext, plan: PlannedRecord, side: Side, result: WriteResult | undefined): CanonicalRecord | undefined {
  const before: SourceRecord | undefined = plan.records[side];
  if (result === undefined) return plan.canonical[side];
  if (!result.ok) return undefined;
  const held = result.fields ?? plan.patch[side];
  return ctx.mapping.toCanonical({ ...(before ? flatten(before) : {}), ...held, id: result.id }, side);
}

function changesOf(plan: PlannedRecord, side: Side, now: CanonicalRecord | undefined): Record<string, FieldChange> {
  const out: Record<string, FieldChange> = {};
  for (const d of plan.decisions) {
    if (d.action !== 'push' || d.from === side) continue;
    out[d.field] = { before: (plan.canonical[side]?.values[d.field] ?? null) as JsonValue, after: (now?.values[d.field] ?? null) as JsonValue };
  }
  if (plan.action === 'create' && now) for (const [field, value] of Object.entries(now.values)) out[field] = { before: null, after: value as JsonValue };
  return out;
}

/** Writes the plans of one page and records every outcome in one transaction. */
export async function applyPage(ctx: ApplyContext, plans: readonly PlannedRecord[]): Promise<AppliedRecord[]> {
  const { mapping } = ctx;
  const ops: Record<Side, WriteOp[]> = { crm: [], erp: [] };
  const opsByPlan = plans.map(opsOf);
  for (const o of opsByPlan) for (const side of ['crm', 'erp'] as const) if (o[side]) ops[side].push(o[side]);
  const results = new Map<string, WriteResult>();
  for (const side of ['crm', 'erp'] as const) {
    if (ops[side].length === 0) continue;
    for (const r of await ctx.connectors[side].write(mapping.sides[side].object, ops[side])) results.set(r.ref, r);
  }

  return ctx.store.transaction(async (tx: StoreRepositories) => {
    const out: AppliedRecord[] = [];
    const audit: AuditEntryInput[] = [];
    // Open dead letters of these source records: a new failure counts as one more attempt, a success closes them.
    const deadLetters = new Map<string, DeadLetter[]>();
    // Keyed by side too: CRM record 31 and ERP record 31 are different records.
    for (const side of new Set(plans.map((p) => p.from))) {
      const recordIds = plans.filter((p) => p.from === side).map((p) => p.id);
      for (const dl of await tx.deadLetters.list({ status: 'open', mappingId: mapping.id, side, recordIds })) {
        deadLetters.set(`${side}:${dl.recordId}`, [...(deadLetters.get(`${side}:${dl.recordId}`) ?? []), dl]);
      }
    }
    for (const [i, plan] of plans.entries()) {
      const to = other(plan.from);
      const mine = opsByPlan[i] ?? {};
      const result = { crm: mine.crm ? results.get(mine.crm.ref) : undefined, erp: mine.erp ? results.get(mine.erp.ref) : undefined };
      const failed = (['crm', 'erp'] as const).flatMap((s) => {
        const r = result[s];
        return r && !r.ok ? [{ side: s, r }] : [];
      });
      const partnerId = result[to]?.ok ? result[to].id : plan.partnerId;
      const ids = plan.from === 'crm' ? { crmId: plan.id, erpId: partnerId ?? null } : { crmId: partnerId ?? null, erpId: plan.id };
      const entry = { runId: ctx.runId, mappingId: mapping.id, mappingVersion: mapping.version, ...ids, actor: ctx.actor };
      const open = deadLetters.get(`${plan.from}:${plan.id}`) ?? [];
      if (failed.length > 0) {
        for (const { side, r } of failed) {
          if (r.ok) continue;
          const op = mine[side] as WriteOp;
          const known = open.find((dl) => dl.connection === ctx.connections[side]);
          let deadLetter: string;
          if (known) {
            await tx.deadLetters.recordAttempt(known.id, r.error.message);
            deadLetter = known.id;
          } else {
            const payload = { op: op.op, ...(op.id === undefined ? {} : { targetId: op.id }), fields: (op.fields ?? {}) as JsonObject, from: plan.from, sourceId: plan.id };
            deadLetter = (await tx.deadLetters.add({ mappingId: mapping.id, connection: ctx.connections[side], side: plan.from, recordId: plan.id, payload, message: r.error.message, attempts: 1 })).id;
          }
          audit.push({ ...entry, action: 'failed', rule: plan.reason, details: { side, message: r.error.message, deadLetter, ...(r.error.vendorCode ? { vendorCode: r.error.vendorCode } : {}) } });
        }
        out.push({ plan, status: 'failed', message: failed.map((f) => (f.r.ok ? '' : f.r.error.message)).join('; ') });
        continue;
      }
      // Whatever was dead-lettered for this record is settled now: written, or no longer needed.
      for (const dl of open) await tx.deadLetters.setStatus(dl.id, 'replayed');
      const settled: JsonObject = open.length > 0 ? { deadLettersSettled: open.map((dl) => dl.id) } : {};
      if (plan.action === 'skip') {
        audit.push({ ...entry, action: 'skipped', rule: plan.reason, ...(open.length > 0 ? { details: settled } : {}) });
        out.push({ plan, status: 'skipped' });
        continue;
      }
      if (plan.action === 'archive' || plan.action === 'delete') {
        if (plan.action === 'delete' && plan.link) await tx.links.delete(plan.link.id);
        audit.push({ ...entry, action: 'applied', rule: plan.reason, details: { op: plan.action, ...settled } });
        out.push({ plan, status: 'applied', ...(partnerId ? { partnerId } : {}) });
        continue;
      }
      let link = plan.link;
      if (link === undefined && partnerId) {
        // Linked since it was planned (a person's resync, a pass elsewhere that lost its lease): that link stands.
        const [byCrm, byErp] = [await tx.links.findBySide(mapping.id, 'crm', ids.crmId as string), await tx.links.findBySide(mapping.id, 'erp', ids.erpId as string)];
        const existing = byCrm ?? byErp;
        if (existing && (existing.crmId !== ids.crmId || existing.erpId !== ids.erpId)) {
          audit.push({ ...entry, action: 'skipped', rule: `linked meanwhile: crm ${existing.crmId} <-> erp ${existing.erpId}; not linked again`, details: { op: plan.action, ...settled } });
          out.push({ plan, status: 'skipped', message: 'linked meanwhile to another record' });
          continue;
        }
        link = existing ?? (await tx.links.create({ mappingId: mapping.id, crmId: ids.crmId as string, erpId: ids.erpId as string }));
      }
      const now = { crm: after(ctx, plan, 'crm', result.crm), erp: after(ctx, plan, 'erp', result.erp) };
      const conflicts = plan.decisions.filter((d) => d.action === 'conflict').map((d) => d.field);
      const resolved: string[] = [];
      if (link && now.crm && now.erp) {
        // A parked field keeps its old snapshot value, so it stays a conflict until someone decides.
        const keep = (side: Side): JsonObject => {
          const values = { ...(now[side]?.values ?? {}) } as Record<string, JsonValue>;
          for (const f of conflicts) values[f] = ((plan.snapshot?.[side] as JsonObject | undefined)?.[f] ?? null) as JsonValue;
          return values;
        };
        await tx.snapshots.compareAndSet(link.id, plan.snapshot?.version ?? 0, { crm: keep('crm'), erp: keep('erp') });
        const parked = plan.snapshot ? await tx.conflicts.list({ linkId: link.id, status: 'open' }) : [];
        for (const field of conflicts) {
          if (parked.some((c) => c.field === field)) continue;
          await tx.conflicts.open({ mappingId: mapping.id, linkId: link.id, field, crmValue: (now.crm.values[field] ?? null) as JsonValue, erpValue: (now.erp.values[field] ?? null) as JsonValue });
        }
        // A parked field that is no conflict any more: a person chose a side, one side gave in, or both now agree.
        for (const c of parked) {
          if (conflicts.includes(c.field)) continue;
          const chosen = ctx.decided?.[c.field];
          const decision = plan.decisions.find((d) => d.field === c.field);
          const choice: ConflictResolution = chosen ? { choice: chosen } : decision?.action === 'push' && decision.from ? { choice: decision.from } : { choice: 'value', value: (now.crm.values[c.field] ?? null) as JsonValue };
          await tx.conflicts.resolve(c.id, choice, chosen ? (ctx.by ?? ctx.actor) : `sync: ${decision?.rule ?? 'settled'}`);
          resolved.push(c.id);
        }
      }
      const changes = { ...changesOf(plan, to, now[to]), ...changesOf(plan, plan.from, now[plan.from]) };
      const details: JsonObject = { op: plan.action, ...settled };
      if (plan.problems.length > 0) details.leftOut = plan.problems.map((p) => `${p.field}: ${p.message}`);
      if (conflicts.length > 0) details.conflicts = conflicts;
      if (resolved.length > 0) details.conflictsResolved = resolved;
      const status = conflicts.length > 0 ? 'conflicted' : 'applied';
      const decidedHere = ctx.decided ? plan.decisions.filter((d) => ctx.decided?.[d.field] !== undefined) : [];
      if (decidedHere.length > 0 && resolved.length > 0) {
        audit.push({ ...entry, action: 'resolved', rule: decidedHere.map((d) => `${d.field}: ${d.rule}`).join('; '), changes, details });
      } else {
        audit.push({ ...entry, action: status, rule: plan.reason, changes, details });
      }
      out.push({ plan, status, ...(partnerId ? { partnerId } : {}) });
    }
    if (audit.length > 0) await tx.audit.appendMany(ctx.by === undefined ? audit : audit.map((a) => ({ ...a, details: { ...(a.details ?? {}), by: ctx.by ?? null } })));
    return out;
  });
}
