/**
 * Batch writes with one result per record. Chunks of 100 (HubSpot's batch limit); a
 * batch HubSpot rejects as a whole (one invalid value: 400; one existing email on
 * create: 409 naming only the first clash) is halved until each bad record stands
 * alone with HubSpot's own message; a create that clashes alone becomes an update of
 * the "Existing ID"; creates with an idempotency key go through batch/upsert on that
 * unique property, so repeating them never creates twice (never a search: its index lags).
 */
import { ErrorCode } from '../../src/errors.ts';
import {
  ConnectorError,
  chunk,
  writeIsolatingFailures,
  type WriteFailure,
  type WriteOp,
  type WriteResult,
  type WriteSuccess,
} from '../../src/connector/index.ts';
import type { HubSpotClient } from './client.ts';
import { existingIdFrom } from './errors.ts';
import type { HubSpotObjectType } from './objects.ts';
import type { BatchResponse, HubSpotRecord } from './schemas.ts';
import { encodeProperties } from './values.ts';

/** HubSpot's batch input limit. */
export const BATCH_LIMIT = 100;

/** What a write needs. */
export interface WriteContext {
  /** Typed calls. */
  client: HubSpotClient;
  /** The object written. */
  object: HubSpotObjectType;
  /** Inputs per batch call, at most {@link BATCH_LIMIT}. */
  batchSize: number;
  /** Decodes a returned record's properties (the snapshot for echo suppression). */
  decodeFields: (record: HubSpotRecord) => Record<string, unknown>;
}

type Run = (batch: readonly WriteOp[]) => Promise<WriteResult[]>;

/** Writes `ops` (any mix of kinds) and answers exactly one result per op. */
export async function writeRecords(ctx: WriteContext, ops: readonly WriteOp[]): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  const groups: Record<'upsert' | 'create' | 'update' | 'archive', WriteOp[]> = {
    upsert: [],
    create: [],
    update: [],
    archive: [],
  };
  for (const op of ops) {
    const problem = missingInput(op);
    if (problem !== undefined) results.push(refuse(op.ref, problem));
    else if (op.op === 'upsert' || (op.op === 'create' && op.idempotencyKey !== undefined)) groups.upsert.push(op);
    else if (op.op === 'create') groups.create.push(op);
    else if (op.op === 'update') groups.update.push(op);
    // HubSpot has no hard delete outside GDPR: DELETE moves a record to the recycle bin.
    else groups.archive.push(op);
  }
  const runs: [WriteOp[], Run][] = [
    [groups.upsert, (b) => upsert(ctx, b)],
    [groups.create, (b) => create(ctx, b)],
    [groups.update, (b) => update(ctx, b)],
    [groups.archive, (b) => archive(ctx, b)],
  ];
  for (const [group, run] of runs) {
    for (const batch of chunk(group, Math.min(ctx.batchSize, BATCH_LIMIT))) {
      results.push(...(await writeIsolatingFailures(batch, isolating(run))));
    }
  }
  return results;
}

function missingInput(op: WriteOp): string | undefined {
  if (op.op === 'upsert' && op.idempotencyKey === undefined)
    return 'upsert needs an idempotencyKey (a unique property and its value)';
  if ((op.op === 'update' || op.op === 'archive' || op.op === 'delete') && (op.id === undefined || op.id === ''))
    return `${op.op} needs the record id`;
  return undefined;
}

function refuse(ref: string, message: string): WriteFailure {
  return { ref, ok: false, error: { message, retryable: false } };
}

/**
 * Lets one record that HubSpot rejects become a failed result carrying HubSpot's message
 * and the properties it blamed; a batch-level rejection is rethrown so that
 * `writeIsolatingFailures` splits the batch.
 */
function isolating(run: Run): Run {
  return async (batch) => {
    try {
      return await run(batch);
    } catch (err) {
      const only = batch[0];
      if (batch.length !== 1 || only === undefined || !isRecordRejection(err)) throw err;
      const fields = blamedFieldsOf(err);
      const failure: WriteFailure = { ref: only.ref, ok: false, error: { message: err.message, retryable: false } };
      if (err.vendorCode !== undefined) failure.error.vendorCode = err.vendorCode;
      if (err.status !== undefined) failure.error.status = err.status;
      if (fields.length > 0) failure.error.fields = fields;
      return [failure];
    }
  };
}

function isRecordRejection(err: unknown): err is ConnectorError {
  if (
    !(err instanceof ConnectorError) ||
    err.retryable ||
    err.code === ErrorCode.Auth ||
    err.code === ErrorCode.InvalidResponse
  )
    return false;
  return (
    err.status !== undefined && err.status >= 400 && err.status < 500 && ![401, 403, 408, 429].includes(err.status)
  );
}

function blamedFieldsOf(err: ConnectorError): string[] {
  const fields = err.details.fields;
  return Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : [];
}

function success(
  ctx: WriteContext,
  ref: string,
  record: HubSpotRecord,
  outcome: WriteSuccess['outcome'],
): WriteSuccess {
  return { ref, ok: true, id: record.id, outcome, fields: ctx.decodeFields(record) };
}

/** A failure for ops HubSpot answered without a result (207 errors), with its message when it gave one. */
function unanswered(ref: string, response: BatchResponse, id?: string): WriteFailure {
  const error =
    response.errors?.find((e) => id === undefined || Object.values(e.context ?? {}).some((ids) => ids.includes(id))) ??
    response.errors?.[0];
  const failure: WriteFailure = {
    ref,
    ok: false,
    error: {
      message: error?.message ?? 'HubSpot answered the batch without a result for this record',
      retryable: error === undefined,
    },
  };
  if (error?.category !== undefined) failure.error.vendorCode = error.category;
  return failure;
}

const norm = (value: string | null | undefined): string | undefined =>
  value === null || value === undefined ? undefined : value.toLowerCase();

async function upsert(ctx: WriteContext, batch: readonly WriteOp[]): Promise<WriteResult[]> {
  const inputs = batch.map((op) => {
    const key = op.idempotencyKey as { field: string; value: string };
    // The key is sent as a property too, so every result carries it and can be matched.
    return {
      id: key.value,
      idProperty: key.field,
      properties: { ...encodeProperties(op.fields), [key.field]: key.value },
    };
  });
  const response = await ctx.client.batchUpsert(ctx.object.path, inputs);
  const unused = new Set(response.results);
  return batch.map((op) => {
    const key = op.idempotencyKey as { field: string; value: string };
    const record = response.results.find((r) => unused.has(r) && norm(r.properties[key.field]) === norm(key.value));
    if (record === undefined) return unanswered(op.ref, response);
    unused.delete(record);
    return success(ctx, op.ref, record, record.new === true ? 'created' : 'updated');
  });
}

async function create(ctx: WriteContext, batch: readonly WriteOp[]): Promise<WriteResult[]> {
  const inputs = batch.map((op) => ({ properties: encodeProperties(op.fields), objectWriteTraceId: op.ref }));
  let response: BatchResponse;
  try {
    response = await ctx.client.batchCreate(ctx.object.path, inputs);
  } catch (err) {
    const existing = err instanceof ConnectorError && err.status === 409 ? existingIdFrom(err.message) : undefined;
    const only = batch[0];
    if (existing === undefined || batch.length !== 1 || only === undefined) throw err;
    // The record already exists (HubSpot names it): the create becomes an update of it.
    const updated = await ctx.client.batchUpdate(ctx.object.path, [
      { id: existing, properties: encodeProperties(only.fields) },
    ]);
    const record = updated.results[0];
    return [record === undefined ? unanswered(only.ref, updated, existing) : success(ctx, only.ref, record, 'updated')];
  }
  return matchCreated(ctx, batch, response);
}

/** Matches created records to ops: by echoed trace id, then by the natural key (email), then by position. */
function matchCreated(ctx: WriteContext, batch: readonly WriteOp[], response: BatchResponse): WriteResult[] {
  const unused = new Set(response.results);
  const key = ctx.object.naturalKey;
  const pick = (op: WriteOp, index: number): HubSpotRecord | undefined => {
    const traced = response.results.find((r) => unused.has(r) && r.objectWriteTraceId === op.ref);
    if (traced) return traced;
    const wanted = key === undefined ? undefined : op.fields?.[key];
    if (typeof wanted === 'string' && wanted !== '') {
      const byKey = response.results.find((r) => unused.has(r) && norm(r.properties[key as string]) === norm(wanted));
      if (byKey) return byKey;
    }
    const byPosition = response.results[index];
    return byPosition !== undefined && unused.has(byPosition) ? byPosition : undefined;
  };
  return batch.map((op, index) => {
    const record = pick(op, index);
    if (record === undefined) return unanswered(op.ref, response);
    unused.delete(record);
    return success(ctx, op.ref, record, 'created');
  });
}

async function update(ctx: WriteContext, batch: readonly WriteOp[]): Promise<WriteResult[]> {
  const inputs = batch.map((op) => ({ id: op.id as string, properties: encodeProperties(op.fields) }));
  const response = await ctx.client.batchUpdate(ctx.object.path, inputs);
  return batch.map((op) => {
    const record = response.results.find((r) => r.id === op.id);
    return record === undefined ? unanswered(op.ref, response, op.id) : success(ctx, op.ref, record, 'updated');
  });
}

async function archive(ctx: WriteContext, batch: readonly WriteOp[]): Promise<WriteResult[]> {
  await ctx.client.batchArchive(
    ctx.object.path,
    batch.map((op) => op.id as string),
  );
  return batch.map((op) => ({ ref: op.ref, ok: true as const, id: op.id as string, outcome: 'archived' as const }));
}
