/**
 * Batch writes with one result per record. A record the target rejects is a normal
 * result (it goes to dead letters with the target's own words); only a call that could
 * not be attempted at all (auth, network after retries) throws.
 */
import { ErrorCode } from '../errors.ts';
import { ConnectorError } from './errors.ts';

/** What to do with one record. */
export type WriteOpKind = 'create' | 'update' | 'upsert' | 'archive' | 'delete';

/** One record to write. */
export interface WriteOp {
  /** What to do. `upsert` needs `idempotencyKey`; `update`, `archive`, `delete` need `id`. */
  op: WriteOpKind;
  /** The caller's correlation key, echoed back in the result. Unique within one call. */
  ref: string;
  /** Target record id, for update / archive / delete. */
  id?: string;
  /**
   * An external-id field and its value: `upsert` matches on it; a `create` on a connector
   * whose target has no upsert uses it to look up before creating (no duplicates on retry).
   */
  idempotencyKey?: { field: string; value: string };
  /** Field values to write, decoded form (the connector encodes for the wire). */
  fields?: Record<string, unknown>;
}

/** A record that was written. */
export interface WriteSuccess {
  /** The op's `ref`. */
  ref: string;
  /** Discriminator: written. */
  ok: true;
  /** The target's id of the record (new for a create). */
  id: string;
  /** What happened; an upsert reports `created` or `updated` when the API says which. */
  outcome: 'created' | 'updated' | 'unchanged' | 'archived' | 'deleted';
  /**
   * The target's values after the write, when the API returns them (snapshot for echo
   * suppression); absent when it does not.
   */
  fields?: Record<string, unknown>;
}

/** Why one record was not written. */
export interface WriteFailureInfo {
  /** The vendor's own message, verbatim (dead letters show it to people). */
  message: string;
  /** The vendor's error code (`INVALID_EMAIL`, `odoo.exceptions.ValidationError`, `DUPLICATE_VALUE`). */
  vendorCode?: string;
  /** HTTP status of the response that carried the error, if any. */
  status?: number;
  /** Whether writing the same record again may succeed (a lock, a 5xx) or never will (validation). */
  retryable: boolean;
  /** Fields the vendor blamed, when it says. */
  fields?: string[];
}

/** A record that was not written. */
export interface WriteFailure {
  /** The op's `ref`. */
  ref: string;
  /** Discriminator: not written. */
  ok: false;
  /** What the vendor said. */
  error: WriteFailureInfo;
}

/** Exactly one per {@link WriteOp}, in any order, matched by `ref`. */
export type WriteResult = WriteSuccess | WriteFailure;

/** Builds a failed result for `op` from a ConnectorError (for example a single-record call that failed). */
export function failureFromError(ref: string, err: ConnectorError): WriteFailure {
  const error: WriteFailureInfo = { message: err.message, retryable: err.retryable };
  if (err.vendorCode !== undefined) error.vendorCode = err.vendorCode;
  if (err.status !== undefined) error.status = err.status;
  return { ref, ok: false, error };
}

/** Splits `items` into consecutive chunks of at most `size` (a connector's batch limit). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Checks that a connector kept the write contract: exactly one result per op, matched by
 * `ref`, none invented. Returns the results in op order. A connector that breaks the
 * contract would lose or duplicate records silently, so this throws instead.
 */
export function matchWriteResults(
  connection: string,
  ops: readonly WriteOp[],
  results: readonly WriteResult[],
): WriteResult[] {
  const byRef = new Map<string, WriteResult>();
  const problems: string[] = [];
  for (const result of results) {
    if (byRef.has(result.ref)) problems.push(`two results for ref "${result.ref}"`);
    byRef.set(result.ref, result);
  }
  const ordered: WriteResult[] = [];
  const refs = new Set<string>();
  for (const op of ops) {
    if (refs.has(op.ref)) problems.push(`ref "${op.ref}" used by two ops`);
    refs.add(op.ref);
    const result = byRef.get(op.ref);
    if (result === undefined) problems.push(`no result for ref "${op.ref}"`);
    else ordered.push(result);
  }
  for (const ref of byRef.keys()) if (!refs.has(ref)) problems.push(`result for unknown ref "${ref}"`);
  if (problems.length > 0) {
    throw new ConnectorError(`connector broke the write contract: ${problems.slice(0, 5).join('; ')}`, {
      connection,
      retryable: false,
      code: ErrorCode.InvalidResponse,
    });
  }
  return ordered;
}

/**
 * Runs a batch whose API fails as a whole when one input is bad (HubSpot batch create:
 * one existing email makes the whole batch a 409 naming only the first clash). On a
 * batch-level failure the batch is halved and each half retried, down to single ops, so
 * good records are written and each bad one gets the vendor's own message.
 *
 * `run` returns per-op results when the batch call succeeded, or throws a ConnectorError
 * when the vendor rejected the batch. Only a rejection of the input (a 4xx that is not
 * auth) is split; a retryable error (network, 5xx after retries), an auth failure or an
 * invalid response is rethrown because splitting would not help.
 */
export async function writeIsolatingFailures(
  ops: readonly WriteOp[],
  run: (batch: readonly WriteOp[]) => Promise<WriteResult[]>,
): Promise<WriteResult[]> {
  if (ops.length === 0) return [];
  try {
    return await run(ops);
  } catch (err) {
    if (!(err instanceof ConnectorError) || !isInputRejection(err)) throw err;
    if (ops.length === 1) return [failureFromError((ops[0] as WriteOp).ref, err)];
    const middle = Math.ceil(ops.length / 2);
    const left = await writeIsolatingFailures(ops.slice(0, middle), run);
    const right = await writeIsolatingFailures(ops.slice(middle), run);
    return [...left, ...right];
  }
}

function isInputRejection(err: ConnectorError): boolean {
  if (err.retryable || err.code === ErrorCode.Auth || err.code === ErrorCode.InvalidResponse) return false;
  // Odoo reports a rejected record as HTTP 200 with an error body, so any non-5xx counts.
  return err.status === undefined || (err.status < 500 && ![401, 403, 408, 429].includes(err.status));
}
