/**
 * The record phase: one store transaction per page holds every outcome of its writes:
 * new links, each pair's snapshot by compare-and-set on its version (holding what each
 * side holds after the write, so the change coming back is recognised as an echo),
 * parked and settled conflicts, dead letters with the target's own message (keyed by
 * mapping, side and record: only a sync of that same record settles one), one audit entry
 * per record decided (a record with nothing to do, found unchanged or filtered out, is
 * counted in the run, not audited), the fields left out of a write kept per record until
 * a later sync writes them (problems.ts), and the stream's cursor.
 *
 * A lost compare-and-set (another writer moved the pair's snapshot since it was loaded)
 * affects only that pair: nothing of it is recorded here and it is answered in `lost`, to
 * be re-read and re-decided once (page.ts); the second time it is dead-lettered with the
 * reason. The other pairs' bookkeeping commits. The cursor moves only with the last
 * outcome of the page, so a crash never leaves a lost pair behind it.
 */
import type { WriteOp, WriteResult } from '../connector/index.ts';
import { VersionConflictError } from '../errors.ts';
import type { Side } from '../mapping/spec.ts';
import type { CanonicalRecord } from '../mapping/types.ts';
import type { AuditEntryInput, FieldChange } from '../store/audit-repository.ts';
import type { ConflictResolution } from '../store/conflict-repository.ts';
import type { CursorInput } from '../store/cursor-repository.ts';
import type { DeadLetter } from '../store/dead-letter-repository.ts';
import type { MatchInput } from '../store/match-repository.ts';
import type { ProblemOutcome } from '../store/problem-repository.ts';
import type { JsonObject, JsonValue } from '../store/json.ts';
import type { StoreRepositories } from '../store/store.ts';
import type { AppliedRecord, ApplyContext } from './apply.ts';
import type { PagePlan, PlannedRecord } from './plan.ts';
import { goneRecords, problemOutcomes } from './problems.ts';
import { flatten, other, SIDES } from './sides.ts';

/**
 * A stream's cursor to write with a page's outcomes: a position, or a function asked inside
 * the transaction (pages handled concurrently: page-order.ts), answering undefined when an
 * earlier page is still in hand.
 */
export interface PageCursor {
  readonly key: string;
  readonly value: CursorInput | (() => CursorInput | undefined);
}

/** What recording a page needs. */
export interface RecordInput {
  /** The page's plan (only `plans` listed here are recorded: see `only`). */
  readonly page: PagePlan;
  /** The write ops of each plan, by plan index. */
  readonly ops: readonly Partial<Record<Side, WriteOp>>[];
  /** The results of the ops, by ref. */
  readonly results: ReadonlyMap<string, WriteResult>;
  /** Record only these plan indexes (a write stopped part way); default all. */
  readonly only?: ReadonlySet<number>;
  /** The stream's cursor to move with this page's outcomes, unless a pair is lost and to be retried. */
  readonly cursor?: PageCursor;
  /** A lost pair is answered for a retry (`retry`), or dead-lettered now (`dead-letter`, the second time). */
  readonly onLost: 'retry' | 'dead-letter';
}

/** What recording did. */
export interface RecordOutcome {
  /** Outcomes of the recorded plans (lost ones left out when answered for a retry). */
  readonly applied: AppliedRecord[];
  /** Plans whose pair lost its compare-and-set, to be re-read and re-decided. */
  readonly lost: PlannedRecord[];
  /** Whether the cursor moved. */
  readonly cursorMoved: boolean;
}

/** The message of a pair lost twice. */
const LOST_TWICE =
  'the pair changed under another sync twice while this pass wrote it: not recorded; replay this dead letter to sync it again';

/** What `side` holds after the write, as canonical values. */
function after(
  ctx: ApplyContext,
  plan: PlannedRecord,
  side: Side,
  result: WriteResult | undefined,
): CanonicalRecord | undefined {
  const before = plan.records[side];
  if (result === undefined) return plan.canonical[side];
  if (!result.ok) return undefined;
  const held = result.fields ?? plan.patch[side];
  return ctx.mapping.toCanonical({ ...(before ? flatten(before) : {}), ...held, id: result.id }, side);
}

function changesOf(plan: PlannedRecord, side: Side, now: CanonicalRecord | undefined): Record<string, FieldChange> {
  const out: Record<string, FieldChange> = {};
  for (const d of plan.decisions) {
    if (d.action !== 'push' || d.from === side) continue;
    out[d.field] = {
      before: (plan.canonical[side]?.values[d.field] ?? null) as JsonValue,
      after: (now?.values[d.field] ?? null) as JsonValue,
    };
  }
  if (plan.action === 'create' && now)
    for (const [field, value] of Object.entries(now.values)) out[field] = { before: null, after: value as JsonValue };
  return out;
}

/** Fields left out of the page's writes kept per record, those written now settled, those of records gone cleared. */
async function recordProblems(
  tx: StoreRepositories,
  mappingId: string,
  runId: string,
  applied: readonly AppliedRecord[],
): Promise<void> {
  const outcomes: Record<Side, ProblemOutcome[]> = { crm: [], erp: [] };
  const gone: Record<Side, string[]> = { crm: [], erp: [] };
  for (const a of applied) {
    for (const { side, outcome } of problemOutcomes(a)) outcomes[side].push(outcome);
    for (const { side, recordId } of goneRecords(a)) gone[side].push(recordId);
  }
  for (const side of SIDES) {
    if (outcomes[side].length > 0) await tx.problems.record(mappingId, side, runId, outcomes[side]);
    if (gone[side].length > 0) await tx.problems.clearRecords(mappingId, side, gone[side]);
  }
}

/** Records a page's outcomes in one transaction. */
export function recordPage(ctx: ApplyContext, input: RecordInput): Promise<RecordOutcome> {
  const { mapping } = ctx;
  return ctx.store.transaction(async (tx: StoreRepositories) => {
    const applied: AppliedRecord[] = [];
    const lost: PlannedRecord[] = [];
    const audit: AuditEntryInput[] = [];
    const waits: MatchInput[] = [];
    const settledMatches: string[] = [];
    for (const [i, plan] of input.page.plans.entries()) {
      if (input.only && !input.only.has(i)) continue;
      const known = input.page.matches.get(plan.id);
      if (plan.wait) {
        // Parked (again): one row per record; audited when it is new or its reason changed, not at every re-check.
        const wait = plan.wait;
        waits.push({
          mappingId: mapping.id,
          side: plan.from,
          recordId: plan.id,
          kind: wait.kind,
          reason: wait.reason,
          candidates: wait.candidates,
        });
        const fresh =
          known === undefined || known.status !== 'open' || known.reason !== wait.reason || known.kind !== wait.kind;
        const ids = plan.from === 'crm' ? { crmId: plan.id, erpId: null } : { crmId: null, erpId: plan.id };
        if (fresh)
          audit.push({
            runId: ctx.runId,
            mappingId: mapping.id,
            mappingVersion: mapping.version,
            ...ids,
            actor: ctx.actor,
            action: 'waiting',
            rule: wait.reason,
            details: { kind: wait.kind, candidates: wait.candidates.map((c) => ({ ...c })) },
          });
        applied.push({ plan, status: 'skipped', message: wait.reason });
        continue;
      }
      const to = other(plan.from);
      const mine = input.ops[i] ?? {};
      const result = {
        crm: mine.crm ? input.results.get(mine.crm.ref) : undefined,
        erp: mine.erp ? input.results.get(mine.erp.ref) : undefined,
      };
      const partnerId = result[to]?.ok ? result[to].id : plan.partnerId;
      const ids =
        plan.from === 'crm'
          ? { crmId: plan.id, erpId: partnerId ?? null }
          : { crmId: partnerId ?? null, erpId: plan.id };
      const entry = {
        runId: ctx.runId,
        mappingId: mapping.id,
        mappingVersion: mapping.version,
        ...ids,
        actor: ctx.actor,
      };
      const open = input.page.deadLetters.get(plan.id) ?? [];

      const deadLetter = async (side: Side, message: string, extra: JsonObject = {}): Promise<string> => {
        const known = open.find((dl) => dl.connection === ctx.connections[side]);
        if (known) {
          await tx.deadLetters.recordAttempt(known.id, message);
          return known.id;
        }
        const op = mine[side];
        const payload = {
          op: op?.op ?? plan.action,
          ...(op?.id === undefined ? {} : { targetId: op.id }),
          fields: (op?.fields ?? {}) as JsonObject,
          from: plan.from,
          sourceId: plan.id,
          ...extra,
        };
        return (
          await tx.deadLetters.add({
            mappingId: mapping.id,
            side: plan.from,
            connection: ctx.connections[side],
            recordId: plan.id,
            payload,
            message,
            attempts: 1,
          })
        ).id;
      };

      const failed = SIDES.flatMap((s) => {
        const r = result[s];
        return r && !r.ok ? [{ side: s, error: r.error }] : [];
      });
      if (failed.length > 0) {
        for (const { side, error } of failed) {
          const id = await deadLetter(side, error.message);
          audit.push({
            ...entry,
            action: 'failed',
            rule: plan.reason,
            details: {
              side,
              message: error.message,
              deadLetter: id,
              ...(error.vendorCode ? { vendorCode: error.vendorCode } : {}),
            },
          });
        }
        applied.push({ plan, status: 'failed', message: failed.map((f) => f.error.message).join('; ') });
        continue;
      }
      // Settled by this sync of the same record: written, or no longer needed.
      const settle = async (): Promise<JsonObject> => {
        for (const dl of open) await tx.deadLetters.setStatus(dl.id, 'replayed');
        return open.length > 0 ? { deadLettersSettled: open.map((dl: DeadLetter) => dl.id) } : {};
      };
      if (plan.action === 'skip') {
        const settled = await settle();
        // Nothing to do (found as last synced, filtered out, no partner to make): counted in the run, not audited one
        // by one, since an idle loop re-reads such records at every pass. A skip that settled a dead letter, or that
        // a person asked for (a replay, a resolution), is a decision and is audited.
        if (open.length > 0 || ctx.by !== undefined)
          audit.push({
            ...entry,
            action: 'skipped',
            rule: plan.reason,
            ...(open.length > 0 ? { details: settled } : {}),
          });
        applied.push({ plan, status: 'skipped' });
        continue;
      }
      if (plan.action === 'archive' || plan.action === 'delete') {
        const settled = await settle();
        if (plan.action === 'delete' && plan.link) await tx.links.delete(plan.link.id);
        audit.push({ ...entry, action: 'applied', rule: plan.reason, details: { op: plan.action, ...settled } });
        applied.push({ plan, status: 'applied', ...(partnerId ? { partnerId } : {}) });
        continue;
      }
      let link = plan.link;
      if (link === undefined && partnerId) {
        // Linked since it was planned (a person's resync, a pass elsewhere that lost its lease): that link stands.
        const [byCrm, byErp] = [
          await tx.links.findBySide(mapping.id, 'crm', ids.crmId as string),
          await tx.links.findBySide(mapping.id, 'erp', ids.erpId as string),
        ];
        const existing = byCrm ?? byErp;
        if (existing && (existing.crmId !== ids.crmId || existing.erpId !== ids.erpId)) {
          const settled = await settle();
          audit.push({
            ...entry,
            action: 'skipped',
            rule: `linked meanwhile: crm ${existing.crmId} <-> erp ${existing.erpId}; not linked again`,
            details: { op: plan.action, ...settled },
          });
          applied.push({ plan, status: 'skipped', message: 'linked meanwhile to another record' });
          continue;
        }
        link =
          existing ??
          (await tx.links.create({ mappingId: mapping.id, crmId: ids.crmId as string, erpId: ids.erpId as string }));
      }
      const now = { crm: after(ctx, plan, 'crm', result.crm), erp: after(ctx, plan, 'erp', result.erp) };
      const conflicts = plan.decisions.filter((d) => d.action === 'conflict').map((d) => d.field);
      const resolved: string[] = [];
      if (link && now.crm && now.erp) {
        // A parked field keeps its old snapshot value, so it stays a conflict until someone decides.
        const keep = (side: Side): JsonObject => {
          const values = { ...(now[side]?.values ?? {}) } as Record<string, JsonValue>;
          for (const f of conflicts)
            values[f] = ((plan.snapshot?.[side] as JsonObject | undefined)?.[f] ?? null) as JsonValue;
          return values;
        };
        try {
          await tx.snapshots.compareAndSet(link.id, plan.snapshot?.version ?? 0, {
            crm: keep('crm'),
            erp: keep('erp'),
          });
        } catch (err) {
          if (!(err instanceof VersionConflictError)) throw err;
          if (input.onLost === 'retry') {
            lost.push(plan);
            continue;
          }
          const id = await deadLetter(to, LOST_TWICE, { lostCompareAndSet: true });
          audit.push({
            ...entry,
            action: 'failed',
            rule: plan.reason,
            details: { side: to, message: LOST_TWICE, deadLetter: id },
          });
          applied.push({ plan, status: 'failed', message: LOST_TWICE });
          continue;
        }
        const parked = plan.snapshot ? await tx.conflicts.list({ linkId: link.id, status: 'open' }) : [];
        for (const field of conflicts) {
          if (parked.some((c) => c.field === field)) continue;
          await tx.conflicts.open({
            mappingId: mapping.id,
            linkId: link.id,
            field,
            crmValue: (now.crm.values[field] ?? null) as JsonValue,
            erpValue: (now.erp.values[field] ?? null) as JsonValue,
          });
        }
        // A parked field that is no conflict any more: a person chose a side, one side gave in, or both now agree.
        for (const c of parked) {
          if (conflicts.includes(c.field)) continue;
          const chosen = ctx.decided?.[c.field];
          const decision = plan.decisions.find((d) => d.field === c.field);
          const choice: ConflictResolution = chosen
            ? { choice: chosen }
            : decision?.action === 'push' && decision.from
              ? { choice: decision.from }
              : { choice: 'value', value: (now.crm.values[c.field] ?? null) as JsonValue };
          await tx.conflicts.resolve(
            c.id,
            choice,
            chosen ? (ctx.by ?? ctx.actor) : `sync: ${decision?.rule ?? 'settled'}`,
          );
          resolved.push(c.id);
        }
      }
      const settled = await settle();
      const changes = { ...changesOf(plan, to, now[to]), ...changesOf(plan, plan.from, now[plan.from]) };
      const details: JsonObject = { op: plan.action, ...settled };
      if (plan.problems.length > 0) details.leftOut = plan.problems.map((p) => `${p.field}: ${p.message}`);
      if (conflicts.length > 0) details.conflicts = conflicts;
      if (resolved.length > 0) details.conflictsResolved = resolved;
      const status = conflicts.length > 0 ? 'conflicted' : 'applied';
      const decidedHere = ctx.decided ? plan.decisions.filter((d) => ctx.decided?.[d.field] !== undefined) : [];
      if (decidedHere.length > 0 && resolved.length > 0) {
        audit.push({
          ...entry,
          action: 'resolved',
          rule: decidedHere.map((d) => `${d.field}: ${d.rule}`).join('; '),
          changes,
          details,
        });
      } else {
        audit.push({ ...entry, action: status, rule: plan.reason, changes, details });
      }
      applied.push({ plan, status, ...(partnerId ? { partnerId } : {}) });
    }
    // Records that were waiting and are handled now (linked, created, or no longer needing a partner) close their match.
    const lostIds = new Set(lost.map((p) => p.id));
    for (const a of applied)
      if (a.status !== 'failed' && !a.plan.wait && !lostIds.has(a.plan.id) && input.page.matches.has(a.plan.id))
        settledMatches.push(a.plan.id);
    await recordProblems(tx, mapping.id, ctx.runId, applied);
    if (waits.length > 0) await tx.matches.upsertOpenMany(waits);
    if (settledMatches.length > 0) await tx.matches.closeMany(mapping.id, input.page.from, settledMatches);
    if (audit.length > 0)
      await tx.audit.appendMany(
        ctx.by === undefined
          ? audit
          : audit.map((a) => ({ ...a, details: { ...(a.details ?? {}), by: ctx.by ?? null } })),
      );
    const value =
      input.cursor === undefined || lost.length > 0
        ? undefined
        : typeof input.cursor.value === 'function'
          ? input.cursor.value()
          : input.cursor.value;
    if (value !== undefined && input.cursor) await tx.cursors.set(input.cursor.key, value);
    return { applied, lost, cursorMoved: value !== undefined };
  });
}
