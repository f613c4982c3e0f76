/**
 * The write phase: the engine's batcher. A page's write ops for one target are grouped by
 * kind and chunked to the limits the connector declares (`limits.maxBatchSize`), so the
 * contract's promise ("the engine never sends more than maxBatchSize in one write") is
 * kept here rather than hoped for in every connector. Each chunk's answer is checked:
 * every op gets exactly one result. A missing or doubled result makes that record a
 * failure with a clear message, never `applied`; a result for a ref nobody sent is
 * counted (`strays`) and otherwise ignored.
 *
 * Chunks are sent side by side up to the connection's `concurrency`. A call that throws
 * (auth refused, network down after the HTTP client's retries) stops the batcher: {@link WriteAborted} carries the results of the chunks already answered,
 * so the engine records those (their links must not be lost) before the error goes on.
 */
import type { BatchLimits, Connector, WriteOp, WriteOpKind, WriteResult } from '../connector/index.ts';

/** What the batcher answers. */
export interface BatchedWrite {
  /** Exactly one result per op sent, by ref. */
  readonly results: Map<string, WriteResult>;
  /** Results for refs that were not sent (a connector bug), counted for the run. */
  readonly strays: number;
  /** Calls made. */
  readonly calls: number;
}

/** A write call failed as a whole: what was answered before it, and why it stopped. */
export class WriteAborted extends Error {
  override name = 'WriteAborted';
  constructor(
    readonly answered: BatchedWrite,
    override readonly cause: unknown,
  ) {
    super(`write stopped: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** The largest chunk for ops of one kind; undefined when the system cannot do it at all. */
function limitFor(limits: BatchLimits, op: WriteOp): number | undefined {
  switch (op.op) {
    case 'create':
      // A keyed create is an upsert where the system has one.
      return op.idempotencyKey ? Math.min(limits.create, limits.upsert ?? limits.create) : limits.create;
    case 'update':
      return limits.update;
    case 'upsert':
      return limits.upsert;
    case 'archive':
      return limits.archive;
    case 'delete':
      return limits.delete;
  }
}

/** Checks one chunk's answer against what was sent: exactly one result per op. */
export function checkResults(
  ops: readonly WriteOp[],
  answered: readonly WriteResult[],
  connection: string,
): { results: WriteResult[]; strays: number } {
  const byRef = new Map<string, WriteResult[]>();
  for (const result of answered) byRef.set(result.ref, [...(byRef.get(result.ref) ?? []), result]);
  const sent = new Set(ops.map((op) => op.ref));
  let strays = 0;
  for (const [ref, list] of byRef) if (!sent.has(ref)) strays += list.length;
  const results = ops.map((op): WriteResult => {
    const mine = byRef.get(op.ref) ?? [];
    if (mine.length === 1) return mine[0] as WriteResult;
    const message =
      mine.length === 0
        ? `connection "${connection}" answered no result for this record (${op.op}): not counted as written; it is tried again when replayed or read again`
        : `connection "${connection}" answered ${mine.length} results for this record (${op.op}): not trusted; check the target for a duplicate`;
    return { ref: op.ref, ok: false, error: { message, retryable: true } };
  });
  return { results, strays };
}

/** Writes `ops` to `object` through `connector` in chunks of its declared limits. */
export async function writeInBatches(
  connector: Connector,
  object: string,
  ops: readonly WriteOp[],
): Promise<BatchedWrite> {
  const results = new Map<string, WriteResult>();
  let strays = 0;
  let calls = 0;
  const groups = new Map<string, { size: number; ops: WriteOp[] }>();
  for (const op of ops) {
    const size = limitFor(connector.limits.maxBatchSize, op);
    if (size === undefined) {
      results.set(op.ref, {
        ref: op.ref,
        ok: false,
        error: { message: `connection "${connector.connection}" cannot ${op.op} ${object} records`, retryable: false },
      });
      continue;
    }
    const kind: WriteOpKind | 'create-keyed' = op.op === 'create' && op.idempotencyKey ? 'create-keyed' : op.op;
    const group = groups.get(kind) ?? { size, ops: [] };
    group.ops.push(op);
    groups.set(kind, group);
  }
  const chunks: WriteOp[][] = [];
  for (const { size, ops: group } of groups.values())
    for (let i = 0; i < group.length; i += size) chunks.push(group.slice(i, i + size));
  // Chunks go out side by side up to the connection's concurrency. A call that throws stops new
  // chunks; those already sent are awaited, so every answer received is recorded.
  let failure: { error: unknown } | undefined;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < chunks.length) {
      const chunk = chunks[next++] as WriteOp[];
      let answered: WriteResult[];
      try {
        calls += 1;
        answered = await connector.write(object, chunk);
      } catch (error) {
        failure ??= { error };
        return;
      }
      const checked = checkResults(chunk, answered, connector.connection);
      strays += checked.strays;
      for (const result of checked.results) results.set(result.ref, result);
    }
  };
  const lanes = Math.max(1, Math.min(connector.limits.concurrency ?? 1, chunks.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failure !== undefined) throw new WriteAborted({ results, strays, calls }, failure.error);
  return { results, strays, calls };
}
