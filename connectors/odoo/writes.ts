/**
 * Batch writes with one result per record, in few calls per batch (a batch is up to
 * `batchSize` records, 100; calls per batch in brackets, when every record is good).
 *
 * - create/upsert keyed by `external_id` [2, +3 per one2many field]: one `search_read` of
 *   ir.model.data (to tell created from updated), then `load` with an `id` column of
 *   external ids (`<module>.<key>`), Odoo's import, which creates the record and its
 *   ir.model.data entry or updates the record the id already names, atomically. A retry
 *   after a lost response therefore updates instead of creating twice. one2many lines
 *   follow (write-lines.ts: search, unlink, create for the whole batch).
 * - update [1 per set of fields written]: `load` with a `.id` column (database ids), each
 *   row with its own values. `load` clears a column left empty, so only records setting
 *   the same fields share a call. It runs with `active_test: false` (Odoo checks each
 *   `.id` with a search, which would not find an archived record) and `tz: 'UTC'`. Values
 *   `load` cannot express as text (one2many lines, command lists) fall back to `write`,
 *   one call per group of records receiving identical values.
 * - create/upsert keyed by a real field [1 + the updates' + 1]: one `search_read` of all
 *   the batch's keys (`[key, 'in', values]`, archived included; a key matched twice is
 *   refused), then the records found are updated as above and the others created as
 *   below. A key twice in one batch: the second waits for the first (a later round).
 * - create without a key [1]: `create([vals, ...])`, one transaction, never repeated
 *   after a lost response (it could create twice).
 * - archive [1]: `write({active: false})`; delete [1]: `unlink` (already gone counts as
 *   deleted).
 *
 * `load` is atomic: one bad row answers `ids: false` with messages naming it and writes
 * nothing; the named rows are tried alone and the rest loaded again (write-load.ts), so the
 * others are written and the bad one fails with Odoo's own message. `write`, `create` and
 * `unlink` raise; their batch is halved until each bad record stands alone
 * (`writeIsolatingFailures`): a refused batch wrote nothing, so it may be sent again.
 */
import {
  chunk,
  ConnectorError,
  writeIsolatingFailures,
  type WriteFailure,
  type WriteOp,
  type WriteResult,
  type WriteSuccess,
} from '../../src/connector/index.ts';
import { EXTERNAL_ID_FIELD } from './describe.ts';
import { OdooException } from './errors.ts';
import { modelDataSchema } from './schemas.ts';
import { countMismatch, ok, refuse, type WriteContext } from './write-context.ts';
import { oneToManyNames, writeLines, type Parent } from './write-lines.ts';
import { loadIsolating, type LoadRow } from './write-load.ts';
import { decodeValue, encodeValues, loadCell } from './values.ts';

export type { WriteContext } from './write-context.ts';

type Run = (batch: readonly WriteOp[]) => Promise<WriteResult[]>;

/** The external id `<module>.<key>` of an idempotency key value. */
export function externalIdOf(module: string, value: string): string {
  return `${module}.${value}`;
}

/** Writes `ops` (any mix of kinds) and answers exactly one result per op. */
export async function writeRecords(ctx: WriteContext, ops: readonly WriteOp[]): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  const loads = new Map<string, WriteOp[]>();
  const keyed: WriteOp[] = [];
  const plain: WriteOp[] = [];
  const updates: WriteOp[] = [];
  const archives: WriteOp[] = [];
  const deletes: WriteOp[] = [];
  for (const op of ops) {
    const problem = missingInput(op);
    if (problem !== undefined) {
      results.push(refuse(op.ref, problem));
      continue;
    }
    const key = op.idempotencyKey;
    if ((op.op === 'create' || op.op === 'upsert') && key?.field === EXTERNAL_ID_FIELD) {
      // `load` clears a column left empty, so only records setting the same fields share a call.
      const signature = Object.keys(op.fields ?? {})
        .sort()
        .join(',');
      loads.set(signature, [...(loads.get(signature) ?? []), op]);
    } else if (op.op === 'create' || op.op === 'upsert') (key === undefined ? plain : keyed).push(op);
    else if (op.op === 'update') updates.push(op);
    else if (op.op === 'archive') archives.push(op);
    else deletes.push(op);
  }
  const runs: [WriteOp[], Run][] = [
    ...[...loads.values()].map((group): [WriteOp[], Run] => [group, (b) => loadByExternalId(ctx, b)]),
    [keyed, (b) => lookupThenWrite(ctx, b)],
    [plain, (b) => createBatch(ctx, b)],
    [
      archives,
      (b) =>
        ctx.fields.has('active')
          ? writeSame(ctx, b, { active: false }, 'archived')
          : Promise.resolve(b.map((op) => refuse(op.ref, `${ctx.model} has no "active" field and cannot be archived`))),
    ],
    [deletes, (b) => unlinkBatch(ctx, b)],
  ];
  for (const [group, run] of runs) {
    for (const batch of chunk(group, ctx.batchSize)) results.push(...(await writeIsolatingFailures(batch, run)));
  }
  results.push(...(await updateRecords(ctx, updates)));
  return results;
}

function missingInput(op: WriteOp): string | undefined {
  if (op.op === 'upsert' && op.idempotencyKey === undefined)
    return `upsert needs an idempotencyKey (${EXTERNAL_ID_FIELD} or a unique field)`;
  if ((op.op === 'update' || op.op === 'archive' || op.op === 'delete') && !/^\d+$/.test(op.id ?? ''))
    return `${op.op} needs the numeric Odoo record id`;
  return undefined;
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** How one update is sent: a `load` row, a `write`, or not at all. */
type UpdatePlan =
  | { kind: 'load'; op: WriteOp; columns: string[]; cells: string[] }
  | { kind: 'write'; op: WriteOp; vals: Record<string, unknown> }
  | { kind: 'refused'; failure: WriteFailure };

/** Names `load` would read as something else than a field of the model. */
const NOT_LOADABLE = (name: string): boolean =>
  name === 'id' || name === '.id' || name === EXTERNAL_ID_FIELD || name.includes('/');

function planUpdate(ctx: WriteContext, op: WriteOp): UpdatePlan {
  const fields = op.fields ?? {};
  const names = Object.keys(fields).sort();
  if (names.every((n) => !NOT_LOADABLE(n) && ctx.fields.get(n)?.type !== 'one2many')) {
    try {
      const cells = names.map((n) => loadCell(n, ctx.fields.get(n), fields[n]));
      return {
        kind: 'load',
        op,
        columns: ['.id', ...cells.map((c) => c.column)],
        cells: [op.id as string, ...cells.map((c) => c.cell)],
      };
    } catch (err) {
      // Not expressible as text (a command list): `write` takes it as it is.
      if (!(err instanceof RangeError)) throw err;
    }
  }
  try {
    return { kind: 'write', op, vals: encodeValues(ctx.fields, fields, ctx.fieldsOf) };
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return { kind: 'refused', failure: refuse(op.ref, err.message) };
  }
}

/** Updates by database id: one `load` per set of fields and batch, `write` where `load` cannot say it. */
async function updateRecords(ctx: WriteContext, ops: readonly WriteOp[]): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  const loads = new Map<string, { columns: string[]; rows: Map<string, LoadRow> }>();
  const writes = new Map<string, { vals: Record<string, unknown>; ops: WriteOp[] }>();
  for (const op of ops) {
    const plan = planUpdate(ctx, op);
    if (plan.kind === 'refused') results.push(plan.failure);
    else if (plan.kind === 'load') {
      const signature = plan.columns.join(',');
      const group = loads.get(signature) ?? { columns: plan.columns, rows: new Map<string, LoadRow>() };
      group.rows.set(op.ref, { op, cells: plan.cells });
      loads.set(signature, group);
    } else {
      const signature = stableJson(plan.vals);
      const group = writes.get(signature) ?? { vals: plan.vals, ops: [] };
      group.ops.push(op);
      writes.set(signature, group);
    }
  }
  for (const { columns, rows } of loads.values()) {
    const run: Run = async (batch) =>
      (
        await loadIsolating(
          ctx,
          columns,
          batch.map((op) => rows.get(op.ref) as LoadRow),
          { withArchived: true },
        )
      ).map((answer) => ('ok' in answer ? answer : ok(answer.op.ref, answer.id, 'updated')));
    for (const batch of chunk(
      [...rows.values()].map((r) => r.op),
      ctx.batchSize,
    ))
      results.push(...(await writeIsolatingFailures(batch, run)));
  }
  for (const group of writes.values()) {
    for (const batch of chunk(group.ops, ctx.batchSize))
      results.push(...(await writeIsolatingFailures(batch, (b) => writeSame(ctx, b, group.vals, 'updated'))));
  }
  return results;
}

async function writeSame(
  ctx: WriteContext,
  batch: readonly WriteOp[],
  vals: Record<string, unknown>,
  outcome: WriteSuccess['outcome'],
): Promise<WriteResult[]> {
  await ctx.client.write(
    ctx.model,
    batch.map((op) => Number(op.id)),
    vals,
  );
  return batch.map((op) => ok(op.ref, op.id as string, outcome));
}

async function unlinkBatch(ctx: WriteContext, batch: readonly WriteOp[]): Promise<WriteResult[]> {
  try {
    await ctx.client.unlink(
      ctx.model,
      batch.map((op) => Number(op.id)),
    );
  } catch (err) {
    // Deleting what is already gone (a repeat after a lost response) is done, not failed.
    const only = batch[0];
    if (
      batch.length === 1 &&
      only !== undefined &&
      err instanceof ConnectorError &&
      err.vendorCode === OdooException.MissingError
    )
      return [ok(only.ref, only.id as string, 'deleted')];
    throw err;
  }
  return batch.map((op) => ok(op.ref, op.id as string, 'deleted'));
}

async function existingExternalIds(ctx: WriteContext, names: readonly string[]): Promise<Set<string>> {
  const rows = await ctx.client.call(
    'ir.model.data',
    'search_read',
    [
      [
        ['module', '=', ctx.module],
        ['name', 'in', [...names]],
      ],
    ],
    { fields: ['module', 'name', 'model', 'res_id'] },
    modelDataSchema,
  );
  return new Set(rows.filter((r) => r.model === ctx.model && r.res_id !== false).map((r) => r.name));
}

const keyValue = (op: WriteOp): string => (op.idempotencyKey as { value: string }).value;

async function loadByExternalId(ctx: WriteContext, batch: readonly WriteOp[]): Promise<WriteResult[]> {
  const first = batch[0];
  if (first === undefined) return [];
  const lines = oneToManyNames(ctx, first);
  const names = Object.keys(first.fields ?? {}).filter(
    (n) => !lines.includes(n) && n !== EXTERNAL_ID_FIELD && n !== 'id',
  );
  const rows: LoadRow[] = [];
  const out: WriteResult[] = [];
  let columns: string[] = ['id'];
  for (const op of batch) {
    try {
      const cells = names.map((n) => loadCell(n, ctx.fields.get(n), op.fields?.[n]));
      columns = ['id', ...cells.map((c) => c.column)];
      rows.push({ op, cells: [externalIdOf(ctx.module, keyValue(op)), ...cells.map((c) => c.cell)] });
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      out.push(refuse(op.ref, err.message));
    }
  }
  if (rows.length === 0) return out;
  const existing = await existingExternalIds(
    ctx,
    rows.map((r) => keyValue(r.op)),
  );
  const parents: Parent[] = [];
  for (const answer of await loadIsolating(ctx, columns, rows)) {
    if ('ok' in answer) out.push(answer);
    else if (lines.length > 0) parents.push(answer);
    else out.push(ok(answer.op.ref, answer.id, existing.has(keyValue(answer.op)) ? 'updated' : 'created'));
  }
  if (parents.length > 0) {
    const failures = await writeLines(ctx, parents);
    for (const { op, id } of parents)
      out.push(failures.get(op.ref) ?? ok(op.ref, id, existing.has(keyValue(op)) ? 'updated' : 'created'));
  }
  return out;
}

/** Creates without a key: one `create` of the whole batch (all or nothing), never repeated after a lost answer. */
async function createBatch(ctx: WriteContext, batch: readonly WriteOp[]): Promise<WriteResult[]> {
  const out: WriteResult[] = [];
  const sent: WriteOp[] = [];
  const valsList: Record<string, unknown>[] = [];
  for (const op of batch) {
    try {
      valsList.push(encodeValues(ctx.fields, op.fields, ctx.fieldsOf));
      sent.push(op);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      out.push(refuse(op.ref, err.message));
    }
  }
  if (sent.length === 0) return out;
  const ids = await ctx.client.createMany(ctx.model, valsList);
  if (ids.length !== sent.length) throw countMismatch(ctx, 'create', ids.length, sent.length);
  sent.forEach((op, i) => out.push(ok(op.ref, ids[i] as number, 'created')));
  return out;
}

/**
 * Creates keyed by a real field: one `search_read` of every key of the batch, then the
 * records found updated and the others created, each in batches. A key twice in the batch
 * is written once per round, so the second finds what the first created.
 */
async function lookupThenWrite(ctx: WriteContext, batch: readonly WriteOp[]): Promise<WriteResult[]> {
  const out: WriteResult[] = [];
  let pending: { op: WriteOp; field: string; value: string }[] = [];
  for (const op of batch) {
    const key = op.idempotencyKey as { field: string; value: string };
    try {
      const vals = encodeValues(ctx.fields, { [key.field]: key.value }, ctx.fieldsOf);
      pending.push({ op, field: key.field, value: String(vals[key.field]) });
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      out.push(refuse(op.ref, err.message));
    }
  }
  while (pending.length > 0) {
    const seen = new Set<string>();
    const round: typeof pending = [];
    const later: typeof pending = [];
    for (const item of pending) {
      const slot = `${item.field}\u0000${item.value}`;
      (seen.has(slot) ? later : round).push(item);
      seen.add(slot);
    }
    out.push(...(await keyedRound(ctx, round)));
    pending = later;
  }
  return out;
}

async function keyedRound(
  ctx: WriteContext,
  round: readonly { op: WriteOp; field: string; value: string }[],
): Promise<WriteResult[]> {
  const found = new Map<string, number[]>();
  for (const field of new Set(round.map((item) => item.field))) {
    const values = [...new Set(round.filter((item) => item.field === field).map((item) => item.value))];
    const rows = await ctx.client.searchRead(ctx.model, [[field, 'in', values]], {
      fields: [field],
      withArchived: true,
    });
    for (const row of rows) {
      const slot = `${field}\u0000${String(decodeValue(ctx.fields.get(field), row[field]))}`;
      found.set(slot, [...(found.get(slot) ?? []), row.id]);
    }
  }
  const out: WriteResult[] = [];
  const updates: WriteOp[] = [];
  const creates: WriteOp[] = [];
  for (const { op, field, value } of round) {
    const key = op.idempotencyKey as { field: string; value: string };
    const ids = found.get(`${field}\u0000${value}`) ?? [];
    const fields = { ...op.fields, [key.field]: key.value };
    if (ids.length > 1)
      out.push(
        refuse(
          op.ref,
          `${ids.length} ${ctx.model} records have ${key.field} = ${JSON.stringify(key.value)}; the key is not unique`,
        ),
      );
    else if (ids.length === 1) updates.push({ op: 'update', ref: op.ref, id: String(ids[0]), fields });
    else creates.push({ op: 'create', ref: op.ref, fields });
  }
  out.push(...(await updateRecords(ctx, updates)));
  for (const batch of chunk(creates, ctx.batchSize))
    out.push(...(await writeIsolatingFailures(batch, (b) => createBatch(ctx, b))));
  return out;
}
