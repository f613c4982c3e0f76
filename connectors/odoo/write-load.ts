/**
 * `load` calls with one result per row. `load` is all-or-nothing: one bad row answers
 * `ids: false` with messages and writes nothing. Odoo's messages name the bad rows
 * (`record`, the row's index in the call), so those rows are taken out and each is loaded
 * alone (a row it named wrongly is still written; a bad one fails with Odoo's own
 * message) and the others are loaded again together: n rows with k bad ones cost
 * 1 + k + 1 calls instead of about 2k·log2(n) by halving. Messages that name no row (or
 * a row that is not in the call) fall back to halving.
 */
import type { WriteFailure, WriteOp } from '../../src/connector/index.ts';
import { countMismatch, loadFailure, type WriteContext } from './write-context.ts';

/** One row of a `load` call and the op it writes. */
export interface LoadRow {
  /** The op written by this row. */
  op: WriteOp;
  /** Its cells, in the order of the call's columns. */
  cells: string[];
}

/** A row written (with the record's id) or refused. */
export type LoadAnswer = { op: WriteOp; id: number } | WriteFailure;

/** Options of {@link loadIsolating}. */
export interface LoadOptions {
  /** Let `.id` find archived records. */
  withArchived?: boolean;
}

/** Loads `rows` (all with the same `columns`) and answers one result per row. */
export async function loadIsolating(
  ctx: WriteContext,
  columns: readonly string[],
  rows: readonly LoadRow[],
  options: LoadOptions = {},
): Promise<LoadAnswer[]> {
  if (rows.length === 0) return [];
  const result = await ctx.client.load(
    ctx.model,
    columns,
    rows.map((r) => r.cells),
    options,
  );
  if (result.ids !== false) {
    if (result.ids.length !== rows.length) throw countMismatch(ctx, 'load', result.ids.length, rows.length);
    const ids = result.ids;
    return rows.map((row, i) => ({ op: row.op, id: ids[i] as number }));
  }
  const only = rows[0] as LoadRow;
  if (rows.length === 1) return [loadFailure(only.op.ref, ctx.model, result.messages)];
  const errors = result.messages.filter((m) => m.type === 'error');
  const named = new Set(errors.map((m) => m.record ?? -1));
  const blind = errors.length === 0 || [...named].some((i) => !Number.isInteger(i) || i < 0 || i >= rows.length);
  if (blind) {
    const middle = Math.ceil(rows.length / 2);
    return [
      ...(await loadIsolating(ctx, columns, rows.slice(0, middle), options)),
      ...(await loadIsolating(ctx, columns, rows.slice(middle), options)),
    ];
  }
  const out = await loadIsolating(
    ctx,
    columns,
    rows.filter((_, i) => !named.has(i)),
    options,
  );
  for (const index of [...named].sort((a, b) => a - b))
    out.push(...(await loadIsolating(ctx, columns, [rows[index] as LoadRow], options)));
  return out;
}
