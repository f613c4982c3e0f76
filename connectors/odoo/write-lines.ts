/**
 * one2many lines (sale.order `order_line`) written after their parents exist (`load` takes
 * no command lists), a batch of parents at a time.
 *
 * When every line sent for a parent is new (`[0, 0, vals]`, what a mapping's children
 * produce) the new lines replace the existing ones, for all parents of the batch in three
 * calls per one2many field, whatever the number of parents: `search` of the existing
 * lines by the field's inverse (`order_id in [parents]`, archived included), `unlink` of
 * them, one `create` of every new line with the inverse set to its parent. Repeating it
 * gives the same lines (idempotent). It is not one transaction: a crash, or a lost
 * answer, between the `unlink` and the `create` leaves those parents without lines until
 * the write is tried again (the record is not reported written, so the pass or job that
 * sent it writes it again, lines included).
 *
 * If Odoo refuses the batched `unlink` or `create` (a bad line, an order whose lines may
 * no longer be removed), each parent of the batch is written alone as before, `write`
 * with `[5]` then its new lines, atomic per parent: a bad line fails its own record, never
 * the batch's others. Lines given with ids (`[1, id, vals]`, `[2, id]`, `[4, id]`) and
 * fields whose inverse Odoo does not describe also take that per-parent `write`.
 */
import { ConnectorError, type WriteFailure, type WriteOp } from '../../src/connector/index.ts';
import { ErrorCode } from '../../src/errors.ts';
import { countMismatch, isRefusal, refuse, type WriteContext } from './write-context.ts';
import { encodeValues } from './values.ts';

/** A parent written, and its id. */
export interface Parent {
  /** The op that wrote it. */
  op: WriteOp;
  /** Its Odoo id. */
  id: number;
}

/** The one2many fields `op` writes. */
export function oneToManyNames(ctx: WriteContext, op: WriteOp): string[] {
  return Object.keys(op.fields ?? {}).filter((name) => ctx.fields.get(name)?.type === 'one2many');
}

interface Planned {
  parent: Parent;
  /** field -> its encoded commands. */
  commands: Map<string, unknown[]>;
}

const isNewLine = (command: unknown): command is [0, unknown, Record<string, unknown>] =>
  Array.isArray(command) && command[0] === 0 && typeof command[2] === 'object' && command[2] !== null;

/**
 * Writes the lines of `parents` (each has at least one one2many field) and answers the
 * failures, by ref; a parent not in the answer had its lines written.
 */
export async function writeLines(ctx: WriteContext, parents: readonly Parent[]): Promise<Map<string, WriteFailure>> {
  const failures = new Map<string, WriteFailure>();
  const planned: Planned[] = [];
  for (const parent of parents) {
    const names = oneToManyNames(ctx, parent.op);
    try {
      const vals = encodeValues(
        ctx.fields,
        Object.fromEntries(names.map((n) => [n, parent.op.fields?.[n]])),
        ctx.fieldsOf,
      );
      planned.push({ parent, commands: new Map(names.map((n) => [n, vals[n] as unknown[]])) });
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      failures.set(parent.op.ref, linesRefused(parent, err.message));
    }
  }
  const fieldNames = [...new Set(planned.flatMap((p) => [...p.commands.keys()]))];
  for (const name of fieldNames) {
    const inverse = ctx.fields.get(name)?.inverse;
    const comodel = ctx.fields.get(name)?.relation;
    const mine = planned.filter((p) => p.commands.has(name) && !failures.has(p.parent.op.ref));
    const batched =
      inverse === undefined || comodel === undefined
        ? []
        : mine.filter((p) => (p.commands.get(name) as unknown[]).every(isNewLine));
    const alone = mine.filter((p) => !batched.includes(p));
    if (batched.length > 0 && !(await replaceLines(ctx, name, comodel as string, inverse as string, batched)))
      alone.push(...batched);
    for (const p of alone) {
      const failure = await writeOneParent(ctx, p, name);
      if (failure !== undefined) failures.set(p.parent.op.ref, failure);
    }
  }
  return failures;
}

/** search + unlink + create for the new lines of every parent; false when Odoo refused them (nothing to trust). */
async function replaceLines(
  ctx: WriteContext,
  name: string,
  comodel: string,
  inverse: string,
  planned: readonly Planned[],
): Promise<boolean> {
  const ids = planned.map((p) => p.parent.id);
  const lines = planned.flatMap((p) =>
    (p.commands.get(name) as [0, unknown, Record<string, unknown>][]).map(([, , vals]) => ({
      ...vals,
      [inverse]: p.parent.id,
    })),
  );
  try {
    const existing = await ctx.client.search(comodel, [[inverse, 'in', ids]], { withArchived: true });
    if (existing.length > 0) await ctx.client.unlink(comodel, existing);
    if (lines.length > 0) {
      const created = await ctx.client.createMany(comodel, lines);
      if (created.length !== lines.length) throw countMismatch(ctx, `${name}.create`, created.length, lines.length);
    }
    return true;
  } catch (err) {
    if (isRefusal(err)) return false;
    throw err;
  }
}

/** `write` of one parent's lines (`[5]` first when all are new, so a repeat gives the same lines). */
async function writeOneParent(ctx: WriteContext, p: Planned, name: string): Promise<WriteFailure | undefined> {
  const commands = p.commands.get(name) as unknown[];
  const vals = { [name]: commands.every(isNewLine) ? [[5, 0, 0], ...commands] : commands };
  try {
    await ctx.client.write(ctx.model, [p.parent.id], vals);
    return undefined;
  } catch (err) {
    if (!(err instanceof ConnectorError) || err.retryable || err.code !== ErrorCode.Connector) throw err;
    return {
      ref: p.parent.op.ref,
      ok: false,
      error: {
        message: `record ${p.parent.id} written, its lines refused: ${err.message}`,
        retryable: false,
        ...(err.vendorCode === undefined ? {} : { vendorCode: err.vendorCode }),
      },
    };
  }
}

function linesRefused(parent: Parent, message: string): WriteFailure {
  return refuse(parent.op.ref, `record ${parent.id} written, its lines refused: ${message}`);
}
