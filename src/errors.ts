/**
 * The typed error hierarchy. Every error frontback raises on purpose is a
 * {@link FrontbackError} with a stable string `code`; code that crosses process
 * boundaries (queued jobs, the admin API) branches on `code`, never only on
 * `instanceof`, because a BullMQ job failure arrives as a plain object.
 *
 * Retry behaviour lives in the type: `retryable` says whether trying the same
 * thing again could succeed, and `retryAfterMs` (top level or in `details`) how long to
 * wait first. {@link isRetryable} and {@link retryDelayOf} are the one rule every retrier
 * reads (the job queues, src/queue/retry-policy.ts): they read that data, not classes,
 * so an error that crossed a process boundary as a plain object is judged the same way.
 */

/** Stable error codes. Adding one is fine; renaming one is a breaking change. */
export const ErrorCode = {
  Config: 'CONFIG_INVALID',
  Mapping: 'MAPPING_INVALID',
  Connector: 'CONNECTOR_ERROR',
  InvalidResponse: 'INVALID_RESPONSE',
  ConnectorDefinition: 'CONNECTOR_DEFINITION_INVALID',
  RateLimited: 'RATE_LIMITED',
  Conflict: 'CONFLICT',
  VersionConflict: 'VERSION_CONFLICT',
  NotFound: 'NOT_FOUND',
  Validation: 'VALIDATION_FAILED',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  Auth: 'UNAUTHORIZED',
  /** Known caller, refused action (a write to the read-only queue dashboard). */
  Forbidden: 'FORBIDDEN',
  AuditBroken: 'AUDIT_CHAIN_BROKEN',
  AuditImmutable: 'AUDIT_IMMUTABLE',
  Store: 'STORE_ERROR',
  Transform: 'TRANSFORM_FAILED',
  Internal: 'INTERNAL',
  /** A job handler said the job must not be tried again (UnrecoverableJobError, src/queue). */
  JobUnrecoverable: 'JOB_UNRECOVERABLE',
  /** A mapping's create guard stopped a pass; its passes wait until a person accepts (src/sync/guard.ts). */
  MappingHeld: 'MAPPING_HELD',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** True when `value` is one of frontback's own {@link ErrorCode}s (not a vendor's or Node's code). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODES.has(value);
}

/**
 * Whether a failure of each code may succeed when the same work is tried again, where the
 * error does not say itself: the default `retryable` of `new FrontbackError(code, ...)`,
 * and what {@link isRetryable} answers for a plain object carrying a code but no
 * `retryable` (an error from another process or an older version). Subclasses whose
 * failures can be either set `retryable` per instance: ConnectorError (network, 5xx and
 * 429 are retryable; a record the vendor refused is not), StoreError (see
 * translateStoreError: a database briefly down is retryable; a constraint it will keep
 * refusing is not).
 */
export const RETRYABLE_BY_DEFAULT: Readonly<Record<ErrorCode, boolean>> = Object.freeze({
  // Fixed by editing files, not by waiting.
  [ErrorCode.Config]: false,
  [ErrorCode.Mapping]: false,
  [ErrorCode.ConnectorDefinition]: false,
  // A vendor call failed: without more facts, assume the network or the vendor's server.
  [ErrorCode.Connector]: true,
  // The vendor answered a shape we do not accept: it will answer the same way again.
  [ErrorCode.InvalidResponse]: false,
  // "Slow down": by definition worth trying again, after retryAfterMs.
  [ErrorCode.RateLimited]: true,
  // A person (or the mapping's rules) must decide; repeating decides nothing.
  [ErrorCode.Conflict]: false,
  // Another writer won a compare-and-set: re-read and re-diff, which a retry does.
  [ErrorCode.VersionConflict]: true,
  [ErrorCode.NotFound]: false,
  [ErrorCode.Validation]: false,
  [ErrorCode.PayloadTooLarge]: false,
  [ErrorCode.UnsupportedMediaType]: false,
  // Credentials refused: a retry in seconds is refused too (a token that could not be
  // fetched for a network reason is a retryable ConnectorError with this code).
  [ErrorCode.Auth]: false,
  // Refused for who is asking, not for when.
  [ErrorCode.Forbidden]: false,
  [ErrorCode.AuditBroken]: false,
  [ErrorCode.AuditImmutable]: false,
  // Thrown as such for a store that cannot work at all (a bad URL, a missing file);
  // driver failures are judged one by one in translateStoreError.
  [ErrorCode.Store]: false,
  // The same value fails the same transform until the data or the mapping changes.
  [ErrorCode.Transform]: false,
  // A bug or a missing piece of set-up; repeating at once will not fix it.
  [ErrorCode.Internal]: false,
  [ErrorCode.JobUnrecoverable]: false,
  // Waits for a person: retrying before they accept gives the same answer.
  [ErrorCode.MappingHeld]: false,
});

export interface FrontbackErrorOptions {
  /** Machine-readable extra facts (ids, paths, vendor codes). Never secrets. */
  details?: Record<string, unknown>;
  cause?: unknown;
  retryable?: boolean;
}

/** Base class: a message for people, a code for programs. */
export class FrontbackError extends Error {
  override name = 'FrontbackError';
  readonly code: string;
  readonly details: Record<string, unknown>;
  /** Whether the same work may succeed when tried again; default {@link RETRYABLE_BY_DEFAULT} of the code. */
  readonly retryable: boolean;

  constructor(code: string, message: string, options: FrontbackErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
    this.retryable = options.retryable ?? (isErrorCode(code) ? RETRYABLE_BY_DEFAULT[code] : false);
  }

  /** The one HTTP/JSON envelope: `{ error: { code, message, details } }`. */
  toJSON(): { error: { code: string; message: string; details: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** One problem found in a configuration or mapping file, with where it is. */
export interface SourceIssue {
  /** File path as given by the user (relative paths stay relative). */
  file: string;
  /** 1-based line, when the problem has a place in the file. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** Dotted key path inside the document, e.g. `connections.hubspot.auth.token`. */
  path: string;
  /** What is wrong and what was expected. */
  message: string;
}

/** Renders `file:line:col path: message` (the form editors and CI logs link). */
export function formatSourceIssue(issue: SourceIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

function describeIssues(kind: string, issues: readonly SourceIssue[]): string {
  const lines = issues.map((i) => `  ${formatSourceIssue(i)}`);
  const noun = issues.length === 1 ? 'problem' : 'problems';
  return `${kind}: ${issues.length} ${noun}\n${lines.join('\n')}`;
}

/** A configuration file (or the environment) is wrong. Carries every problem at once. */
export class ConfigError extends FrontbackError {
  override name = 'ConfigError';
  readonly issues: readonly SourceIssue[];
  constructor(issues: readonly SourceIssue[], options: FrontbackErrorOptions = {}) {
    super(ErrorCode.Config, describeIssues('invalid configuration', issues), {
      ...options,
      details: { issues },
    });
    this.issues = issues;
  }
}

/** A mapping file is wrong. Carries every problem at once, each with file:line:column. */
export class MappingError extends FrontbackError {
  override name = 'MappingError';
  readonly issues: readonly SourceIssue[];
  constructor(issues: readonly SourceIssue[], options: FrontbackErrorOptions = {}) {
    super(ErrorCode.Mapping, describeIssues('invalid mapping', issues), {
      ...options,
      details: { issues },
    });
    this.issues = issues;
  }
}

/** Two writers raced on one snapshot version; the loser must re-read and re-diff. */
export class VersionConflictError extends FrontbackError {
  override name = 'VersionConflictError';
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(ErrorCode.VersionConflict, message, { details, retryable: true });
  }
}

/** A field changed on both sides and the rules could not (or must not) decide. */
export class ConflictError extends FrontbackError {
  override name = 'ConflictError';
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(ErrorCode.Conflict, message, { details });
  }
}

/** The audit log failed verification, or someone tried to change it. */
export class AuditError extends FrontbackError {
  override name = 'AuditError';
}

/** The store could not do what was asked (not a version conflict). */
export class StoreError extends FrontbackError {
  override name = 'StoreError';
  constructor(message: string, options: FrontbackErrorOptions = {}) {
    super(ErrorCode.Store, message, options);
  }
}

/** True when `err` is a FrontbackError, or a plain object carrying one's `code` (from a job). */
export function hasErrorCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

/** The longest wait a `retryAfterMs` is honoured for (a day: HubSpot's daily limit resets at midnight). */
export const MAX_RETRY_AFTER_MS = 86_400_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Whether the work that failed with `err` may succeed when tried again: the one rule the
 * job queues follow (docs/queue.md).
 *
 * - An object with a boolean `retryable` (every FrontbackError, or one that crossed a
 *   process boundary as a plain object): that.
 * - An object with one of frontback's codes but no `retryable`: the code's
 *   {@link RETRYABLE_BY_DEFAULT}.
 * - Anything else (a TypeError, a plain Error, an `ECONNRESET` from Node, a thrown
 *   string): retryable. Nobody said it is permanent, and a retry with backoff is cheap,
 *   while giving up on a transient failure loses a pass.
 */
export function isRetryable(err: unknown): boolean {
  if (!isRecord(err)) return true;
  if (typeof err.retryable === 'boolean') return err.retryable;
  return isErrorCode(err.code) ? RETRYABLE_BY_DEFAULT[err.code] : true;
}

/**
 * How long to wait before trying again, as the error itself asks: `retryAfterMs` at the
 * top level (RateLimitedError) or in `details` (any FrontbackError may carry it there;
 * RateLimitedError has both), rounded and capped at {@link MAX_RETRY_AFTER_MS}.
 * Undefined when the error does not ask (the retrier's own backoff applies) or is not
 * retryable at all.
 */
export function retryDelayOf(err: unknown): number | undefined {
  if (!isRecord(err) || !isRetryable(err)) return undefined;
  const value = err.retryAfterMs ?? (isRecord(err.details) ? err.details.retryAfterMs : undefined);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  return Math.min(Math.round(value), MAX_RETRY_AFTER_MS);
}

/** The frontback code `err` carries (an instance or a plain object), if it carries one of {@link ErrorCode}. */
export function errorCodeOf(err: unknown): ErrorCode | undefined {
  return isRecord(err) && isErrorCode(err.code) ? err.code : undefined;
}
