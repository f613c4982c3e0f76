/**
 * Batch writes with one result per record.
 *
 * - create/upsert keyed by `external_id`: `load` with an `id` column of external ids
 *   (`<module>.<key>`), Odoo's import, which creates the record and its ir.model.data
 *   entry or updates the record the id already names, atomically. A retry after a lost
 *   response therefore updates instead of creating twice. one2many lines are written
 *   after the load with `write` (`load` takes no command lists); new lines replace the
 *   existing ones (`[5]` first), so that write is idempotent too.
 * - create/upsert keyed by a real field: looked up first (`search_read` on the key), then
 *   `write` or `create`.
 * - create without a key: `create`, never repeated after a lost response.
 * - update: `write`, one call per group of records receiving identical values.
 * - archive: `write({active: false})`; delete: `unlink` (already gone counts as deleted).
 *
 * `load` is atomic: one bad row answers `ids: false` with messages and writes nothing;
 * `write`/`create` raise. A rejected batch is halved until each bad record stands alone
 * with Odoo's own message (`writeIsolatingFailures`), so the others are written.
 */
import {
  ConnectorError,
  chunk,
  writeIsolatingFailures,
  type WriteFailure,
  type WriteOp,
  type WriteResult,
  type WriteSuccess,
} from '../../src/connector/index.ts';
import { ErrorCode } from '../../src/errors.ts';
import type { OdooClient } from './client.ts';
import { EXTERNAL_ID_FIELD } from './describe.ts';
import { LOAD_REFUSED, OdooException } from './errors.ts';
import { modelDataSchema } from './schemas.ts';
import { encodeValues, loadCell, type FieldsOf, type OdooFields } from './values.ts';

/** What a write needs. */
export interface WriteContext {
  /** Typed calls. */
  client: OdooClient;
  /** Connection name, for errors. */
  connection: string;
  /** Model written. */
  model: string;
  /** Its field types. */
  fields: OdooFields;
  /** Field types of comodels (one2many lines), loaded before the write. */
  fieldsOf: FieldsOf;
  /** Module of frontback's external ids. */
  module: string;
  /** Records per call. */
  batchSize: number;
}

type Run = (batch: readonly WriteOp[]) => Promise<WriteResult[]>;

const refuse = (ref: string, message: string): WriteFailure => ({
  ref,
  ok: false,
  error: { message, retryable: false },
});
const ok = (ref: string, id: number | string, outcome: WriteSuccess['outcome']): WriteSuccess => ({
  ref,
  ok: true,
  id: String(id),
  outcome,
});

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
  const updates = new Map<string, { vals: Record<string, unknown>; ops: WriteOp[] }>();
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
    else if (op.op === 'update') {
      let vals: Record<string, unknown>;
      try {
        vals = encodeValues(ctx.fields, op.fields, ctx.fieldsOf);
      } catch (err) {
        results.push(refuse(op.ref, (err as Error).message));
        continue;
      }
      const signature = stableJson(vals);
      const group = updates.get(signature) ?? { vals, ops: [] };
      group.ops.push(op);
      updates.set(signature, group);
    } else if (op.op === 'archive') archives.push(op);
    else deletes.push(op);
  }
  // Creates go one at a time: a created record must never be part of a batch that is
  // split and sent again.
  const runs: [WriteOp[], Run, number][] = [
    ...[...loads.values()].map((group): [WriteOp[], Run, number] => [group, (b) => loadBatch(ctx, b), ctx.batchSize]),
    [keyed, (b) => lookupThenWrite(ctx, b), 1],
    [plain, (b) => createEach(ctx, b), 1],
    ...[...updates.values()].map((group): [WriteOp[], Run, number] => [
      group.ops,
      (b) => writeSame(ctx, b, group.vals, 'updated'),
      ctx.batchSize,
    ]),
    [
      archives,
      (b) =>
        ctx.fields.has('active')
          ? writeSame(ctx, b, { active: false }, 'archived')
          : Promise.resolve(b.map((op) => refuse(op.ref, `${ctx.model} has no "active" field and cannot be archived`))),
      ctx.batchSize,
    ],
    [deletes, (b) => unlinkBatch(ctx, b), ctx.batchSize],
  ];
  for (const [group, run, size] of runs) {
    for (const batch of chunk(group, size)) results.push(...(await writeIsolatingFailures(batch, run)));
  }
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

function oneToManyNames(ctx: WriteContext, op: WriteOp): string[] {
  return Object.keys(op.fields ?? {}).filter((name) => ctx.fields.get(name)?.type === 'one2many');
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

/**
 * Writes one2many lines after the parent exists. New lines (no id) replace the existing
 * ones, so repeating the write gives the same lines.
 */
async function writeLines(ctx: WriteContext, op: WriteOp, id: number, names: readonly string[]): Promise<void> {
  const vals = encodeValues(ctx.fields, Object.fromEntries(names.map((n) => [n, op.fields?.[n]])), ctx.fieldsOf);
  for (const name of names) {
    const commands = vals[name];
    if (Array.isArray(commands) && commands.every((c) => Array.isArray(c) && c[0] === 0))
      vals[name] = [[5, 0, 0], ...commands];
  }
  await ctx.client.write(ctx.model, [id], vals);
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

async function loadBatch(ctx: WriteContext, batch: readonly WriteOp[]): Promise<WriteResult[]> {
  const first = batch[0];
  if (first === undefined) return [];
  const lines = oneToManyNames(ctx, first);
  const names = Object.keys(first.fields ?? {}).filter(
    (n) => !lines.includes(n) && n !== EXTERNAL_ID_FIELD && n !== 'id',
  );
  const rows: string[][] = [];
  const failures: WriteFailure[] = [];
  const sent: WriteOp[] = [];
  let columns: string[] = ['id'];
  for (const op of batch) {
    try {
      const cells = names.map((n) => loadCell(n, ctx.fields.get(n), op.fields?.[n]));
      columns = ['id', ...cells.map((c) => c.column)];
      rows.push([
        externalIdOf(ctx.module, (op.idempotencyKey as { value: string }).value),
        ...cells.map((c) => c.cell),
      ]);
      sent.push(op);
    } catch (err) {
      failures.push(refuse(op.ref, (err as Error).message));
    }
  }
  if (sent.length === 0) return failures;
  const existing = await existingExternalIds(
    ctx,
    sent.map((op) => (op.idempotencyKey as { value: string }).value),
  );
  const result = await ctx.client.load(ctx.model, columns, rows);
  if (result.ids === false || result.ids.length !== sent.length) {
    const messages = result.messages.filter((m) => m.type === 'error').map((m) => m.message);
    throw new ConnectorError(
      messages.length > 0 ? [...new Set(messages)].join('; ') : `${ctx.model}.load wrote nothing and said why not`,
      {
        connection: ctx.connection,
        vendorCode: LOAD_REFUSED,
        retryable: false,
      },
    );
  }
  const ids = result.ids;
  const out: WriteResult[] = [...failures];
  for (const [index, op] of sent.entries()) {
    const id = ids[index] as number;
    const outcome = existing.has((op.idempotencyKey as { value: string }).value) ? 'updated' : 'created';
    const opLines = oneToManyNames(ctx, op);
    if (opLines.length > 0) {
      try {
        await writeLines(ctx, op, id, opLines);
      } catch (err) {
        if (err instanceof RangeError) {
          out.push(refuse(op.ref, `record ${id} written, its lines refused: ${err.message}`));
          continue;
        }
        if (!(err instanceof ConnectorError) || err.retryable || err.code !== ErrorCode.Connector) throw err;
        out.push({
          ref: op.ref,
          ok: false,
          error: {
            message: `record ${id} written, its lines refused: ${err.message}`,
            retryable: false,
            ...(err.vendorCode === undefined ? {} : { vendorCode: err.vendorCode }),
          },
        });
        continue;
      }
    }
    out.push(ok(op.ref, id, outcome));
  }
  return out;
}

async function lookupThenWrite(ctx: WriteContext, batch: readonly WriteOp[]): Promise<WriteResult[]> {
  const out: WriteResult[] = [];
  for (const op of batch) {
    const key = op.idempotencyKey as { field: string; value: string };
    let vals: Record<string, unknown>;
    try {
      vals = encodeValues(ctx.fields, { ...op.fields, [key.field]: key.value }, ctx.fieldsOf);
    } catch (err) {
      out.push(refuse(op.ref, (err as Error).message));
      continue;
    }
    const found = await ctx.client.search(ctx.model, [[key.field, '=', vals[key.field]]], {
      limit: 2,
      withArchived: true,
    });
    if (found.length > 1) {
      out.push(
        refuse(
          op.ref,
          `${found.length} ${ctx.model} records have ${key.field} = ${JSON.stringify(key.value)}; the key is not unique`,
        ),
      );
      continue;
    }
    const existing = found[0];
    if (existing !== undefined) {
      await ctx.client.write(ctx.model, [existing], vals);
      out.push(ok(op.ref, existing, 'updated'));
    } else {
      out.push(ok(op.ref, await ctx.client.create(ctx.model, vals), 'created'));
    }
  }
  return out;
}

async function createEach(ctx: WriteContext, batch: readonly WriteOp[]): Promise<WriteResult[]> {
  const out: WriteResult[] = [];
  for (const op of batch) {
    try {
      out.push(
        ok(op.ref, await ctx.client.create(ctx.model, encodeValues(ctx.fields, op.fields, ctx.fieldsOf)), 'created'),
      );
    } catch (err) {
      if (err instanceof RangeError) out.push(refuse(op.ref, err.message));
      else throw err;
    }
  }
  return out;
}
