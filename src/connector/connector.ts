/**
 * The connector contract: what the engine may ask of any system, and the descriptor a
 * connector declares once (static facts as validated data, behaviour in `create`).
 */
import type { Logger } from '../observability/logger.ts';
import type { BudgetSnapshot } from './budget.ts';
import type { RateLimit } from './connection.ts';
import type { Cursor } from './cursor.ts';
import type { FieldRequest, ObjectDescription } from './describe.ts';
import type { HttpClient } from './http-client.ts';
import type { HttpClientOptions } from './http-options.ts';
import type { RateLimiterFactory } from './rate-limiter.ts';
import type { ChangePage, FindQuery, ListChangesOptions, SourceRecord } from './records.ts';
import type { WebhookHandler } from './webhooks.ts';
import type { WriteOp, WriteResult } from './writes.ts';

/** Largest batch per write operation (HubSpot 100, Salesforce collections 200). */
export interface BatchLimits {
  /** Records per create call. */
  create: number;
  /** Records per update call. */
  update: number;
  /** Records per upsert call; absent when the system has no upsert. */
  upsert?: number;
  /** Records per archive call; absent when the system cannot archive. */
  archive?: number;
  /** Records per delete call; absent when the system cannot delete. */
  delete?: number;
  /** Ids per read-by-id call. */
  read: number;
}

/** Options of {@link Connector.read}. */
export interface ReadOptions {
  /** Also read when each field was last changed, where the system keeps it. Default false (it costs more). */
  fieldTimes?: boolean;
}

/** What a system allows, declared by the connector. */
export interface ConnectorLimits {
  /** Batch sizes per operation; the engine never sends more in one `write` per op kind. */
  maxBatchSize: BatchLimits;
  /** Default request budget; a connection's `rateLimit` overrides it. */
  rateLimit: RateLimit;
  /** A separate, lower budget for search calls (HubSpot: about 4-5 per second). */
  searchRateLimit?: RateLimit;
  /** Largest page the listing API returns (HubSpot search 200, Salesforce query 2,000). */
  maxPageSize: number;
  /**
   * Most requests in flight at once per connection (NetSuite: 15 per account), and the
   * pages a pass handles at once (the lower of its two connections'). Default: no cap on
   * requests, one page at a time. A connection's `concurrency` overrides it.
   */
  concurrency?: number;
}

/** What a connector gets from the composition root. No globals: everything is passed. */
export interface ConnectorDeps {
  /** Builds the shared HTTP client; tests may pass a factory that records calls. */
  http: (options: HttpClientOptions) => HttpClient;
  /** A logger (a child with the connection name is fine). */
  logger: Logger;
  /** Clock, epoch ms. */
  clock: () => number;
  /** Rate limiters: in memory (embedded) or through Redis (distributed). */
  rateLimiters: RateLimiterFactory;
  /** Share of each connection's budget kept for webhook-driven passes (`sync.budgetReserve`). Default 0.2. */
  budgetReserve?: number;
}

/** One live connection to a system, created from a descriptor and connection settings. */
export interface Connector {
  /** Connector kind (`hubspot`). */
  readonly kind: string;
  /** Connection name from the config. */
  readonly connection: string;
  /** Limits in force for this connection (the descriptor's, with the connection's `rateLimit`). */
  readonly limits: ConnectorLimits;

  /** Objects and fields, including the system's custom fields where it can list them. */
  describe(): Promise<ObjectDescription[]>;

  /**
   * Records changed strictly after `since` (null: from the beginning), as pages in
   * ascending (modifiedAt, id) order. Each page's cursor is the position after it; the
   * engine commits it only after handling every record. A resumed listing from any
   * committed cursor must not skip a record (re-delivering some is fine). Includes
   * archived records where the listing can; see `listDeleted` otherwise.
   */
  listChanges(object: string, since: Cursor | null, options?: ListChangesOptions): AsyncIterable<ChangePage>;

  /**
   * Records archived or deleted strictly after `since`, for systems whose change listing
   * omits them (HubSpot search; Salesforce `/deleted`). Records carry `archived: true`.
   */
  listDeleted?(object: string, since: Cursor | null, options?: ListChangesOptions): AsyncIterable<ChangePage>;

  /**
   * Reads records by id; ids that do not exist are left out (not an error). With
   * `fieldTimes`, records carry `fieldModifiedAt` where the system keeps per-field times
   * (HubSpot property history), for the conflict rule `newest`.
   */
  read(
    object: string,
    ids: readonly string[],
    fields?: readonly string[],
    options?: ReadOptions,
  ): Promise<SourceRecord[]>;

  /**
   * Creates the custom fields a mapping relies on that `object` does not have yet
   * (HubSpot properties such as `erp_credit_limit`); answers the names it created.
   * Absent on systems whose fields frontback does not create.
   */
  ensureFields?(object: string, fields: readonly FieldRequest[]): Promise<string[]>;

  /** Records whose `query.field` equals one of `query.values` (identity matching, lookups). */
  find(object: string, query: FindQuery): Promise<SourceRecord[]>;

  /**
   * Writes a batch (at most `limits.maxBatchSize` per op kind) and answers exactly one
   * result per op, matched by `ref`. A record the system rejects is a failed result with
   * the vendor's own message, and the rest proceed; only a call that could not be
   * attempted at all (auth refused, network down after retries) throws. Creates with an
   * `idempotencyKey` must not duplicate when repeated (upsert, or look up first).
   */
  write(object: string, ops: readonly WriteOp[]): Promise<WriteResult[]>;

  /** Webhook verification and parsing; absent when the system cannot push changes. */
  readonly webhooks?: WebhookHandler;

  /**
   * The connection's API budget now: calls made, the rate limit in force (the vendor's
   * announced one when adopted) and the vendor's latest reading of what is left, where it
   * says (budget.ts; `budgetFor` builds it). Absent on connectors that keep none (test fakes).
   */
  budget?(): BudgetSnapshot;

  /** Releases sockets and timers. */
  close?(): Promise<void>;
}
