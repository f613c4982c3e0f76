/**
 * Signed JSON callouts from the Salesforce sandbox: what an Apex trigger enqueuing a
 * Queueable that posts with `Crypto.generateMac('hmacSHA256', ...)` would send (a Flow
 * cannot sign). The body is `{orgId, events}` where each event has the shape of a Change
 * Data Capture change event (Change Data Capture Developer Guide, "ChangeEventHeader
 * Fields"): a `ChangeEventHeader` plus the field values: every set field on CREATE and
 * UNDELETE, the changed ones on UPDATE, none on DELETE except `MasterRecordId` for the loser
 * of a merge. A merge's survivor is an UPDATE.
 *
 * Signature convention (docs/salesforce-sandbox/push.md): `X-Salesforce-Timestamp` is the
 * epoch milliseconds of the attempt and `X-Salesforce-Signature` the base64 HMAC-SHA256,
 * keyed with the shared secret, of `<timestamp>.<body>`. Up to 100 events per call; a
 * non-2xx or no answer is retried 5 times in all with a backoff (a Queueable re-enqueuing
 * itself), re-signed on every attempt.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SandboxClock } from '../../../../src/connector/sandbox/clock.ts';
import {
  WebhookDispatcher,
  type WebhookDispatcherStats,
} from '../../../../src/connector/sandbox/webhook-dispatcher.ts';
import type { Logger } from '../../../../src/observability/logger.ts';
import type { SObjectChange, SObjectChangeKind, SObjectValue } from '../records.ts';

/** Header carrying the signature. */
export const SIGNATURE_HEADER = 'X-Salesforce-Signature';
/** Header carrying the signed timestamp (epoch ms). */
export const TIMESTAMP_HEADER = 'X-Salesforce-Timestamp';

/** CDC change types the callout sends. */
export type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE';

/** The header of one event (CDC's ChangeEventHeader, without the fields CDC uses for gaps and diagnostics). */
export interface ChangeEventHeader {
  entityName: string;
  recordIds: string[];
  changeType: ChangeType;
  /** Fields changed by an UPDATE (LastModifiedDate included); empty for other change types, as in CDC. */
  changedFields: string[];
  /** `com/salesforce/api/rest/60.0` for API changes; empty for changes made in the UI (the control API). */
  changeOrigin: string;
  transactionKey: string;
  sequenceNumber: number;
  /** Epoch ms of the commit. */
  commitTimestamp: number;
  /** The user who made the change. */
  commitUser: string;
}

/** One event: the header plus field values. */
export type CalloutEvent = { ChangeEventHeader: ChangeEventHeader } & Record<string, SObjectValue | ChangeEventHeader>;

/** The body of one callout. */
export interface CalloutBody {
  orgId: string;
  events: CalloutEvent[];
}

/** The callouts' documented default secret (`frontback sandbox salesforce --webhook-url` without `--webhook-secret`). */
export const SANDBOX_CALLOUT_SECRET = 'sandbox-callout-secret';

/** Options of {@link createCallouts}. */
export interface CalloutOptions {
  /** Receiver URL (a Named Credential's endpoint in a real org). */
  url: string;
  /** The shared HMAC secret. */
  secret: string;
  /** The org's 18-character id. */
  orgId: string;
  /** Sandbox clock: signing timestamps and retry due times. */
  clock: SandboxClock;
  /** Objects whose changes are sent; default every object. */
  objects?: string[];
  /** The integration user credited with API changes (`commitUser`). */
  userId?: string;
  /** API version in `changeOrigin`; default `60.0`. */
  apiVersion?: string;
  /** Events per call; default 100. */
  batchSize?: number;
  /** Attempts per call; default 5. */
  maxAttempts?: number;
  /** Backoff before attempt n + 1, ms of sandbox clock; default 1 min doubling. */
  backoffMs?: (attempt: number) => number;
  /** Real-time flush interval, ms; default 1000; 0 = only on `flush()` (tests). */
  flushIntervalMs?: number;
  /** Delivery timeout, ms; default 10000 (Apex's default callout timeout). */
  timeoutMs?: number;
  /** Where failed deliveries are logged. */
  logger?: Logger;
}

/** The signed callouts of a sandbox. */
export interface Callouts {
  /** Feed for `store.onChange`. */
  listener: (change: SObjectChange) => void;
  /** Delivers everything due now. */
  flush(): Promise<void>;
  /** Delivery counters (in events). */
  stats(): WebhookDispatcherStats;
  /** Stops the timer and drops what is pending. */
  stop(): Promise<void>;
}

/** `X-Salesforce-Signature` for a body: base64 HMAC-SHA256 of `<timestampMs>.<body>`. */
export function calloutSignature(secret: string, timestampMs: number | string, body: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('base64');
}

/** Checks a callout's signature the way a receiver should (constant-time compare). */
export function verifyCalloutSignature(
  secret: string,
  timestamp: string | undefined,
  body: string,
  signature: string | undefined,
): boolean {
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  const expected = Buffer.from(calloutSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const CHANGE_TYPES: Record<SObjectChangeKind, ChangeType> = {
  created: 'CREATE',
  updated: 'UPDATE',
  merged: 'UPDATE',
  deleted: 'DELETE',
  undeleted: 'UNDELETE',
};

/** The event for one change. */
export function changeEvent(change: SObjectChange, options: { userId: string; apiVersion: string }): CalloutEvent {
  const changeType = CHANGE_TYPES[change.kind];
  const header: ChangeEventHeader = {
    entityName: change.type,
    recordIds: [change.id],
    changeType,
    changedFields: changeType === 'UPDATE' ? [...change.changedFields] : [],
    changeOrigin: change.origin === 'api' ? `com/salesforce/api/rest/${options.apiVersion}` : '',
    transactionKey: change.transactionKey,
    sequenceNumber: change.sequenceNumber,
    commitTimestamp: change.at,
    commitUser: options.userId,
  };
  const values: Record<string, SObjectValue> = {};
  if (changeType === 'CREATE' || changeType === 'UNDELETE') {
    for (const [name, value] of Object.entries(change.row)) {
      if (name !== 'Id' && value !== null) values[name] = value;
    }
  } else if (changeType === 'UPDATE') {
    for (const name of change.changedFields) values[name] = change.row[name] ?? null;
  } else if (change.masterRecordId) {
    values['MasterRecordId'] = change.masterRecordId;
  }
  return { ChangeEventHeader: header, ...values };
}

/** Signed callouts for every committed change of the watched objects. */
export function createCallouts(options: CalloutOptions): Callouts {
  const watched = options.objects ? new Set(options.objects) : undefined;
  const eventOptions = { userId: options.userId ?? '', apiVersion: options.apiVersion ?? '60.0' };
  const dispatcher = new WebhookDispatcher<CalloutEvent>({
    url: options.url,
    clock: options.clock,
    batchSize: options.batchSize ?? 100,
    maxAttempts: options.maxAttempts ?? 5,
    backoffMs: options.backoffMs ?? ((attempt) => 60_000 * 2 ** (attempt - 1)),
    timeoutMs: options.timeoutMs ?? 10_000,
    flushIntervalMs: options.flushIntervalMs ?? 1000,
    serialize: (events) => JSON.stringify({ orgId: options.orgId, events } satisfies CalloutBody),
    headers: (body, _url, ts) => ({
      [TIMESTAMP_HEADER]: String(ts),
      [SIGNATURE_HEADER]: calloutSignature(options.secret, ts, body),
    }),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    listener(change) {
      if (change.origin === 'seed' || (watched && !watched.has(change.type))) return;
      dispatcher.enqueue(changeEvent(change, eventOptions));
    },
    flush: () => dispatcher.flush(),
    stats: () => dispatcher.stats(),
    stop: () => dispatcher.stop(),
  };
}
