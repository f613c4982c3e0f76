/**
 * The typed error hierarchy. Every error frontback raises on purpose is a
 * {@link FrontbackError} with a stable string `code`; code that crosses process
 * boundaries (queued jobs, the admin API) branches on `code`, never only on
 * `instanceof`, because a BullMQ job failure arrives as a plain object.
 *
 * Retry behaviour lives in the type: `retryable` says whether trying the same
 * thing again could succeed.
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
  AuditBroken: 'AUDIT_CHAIN_BROKEN',
  AuditImmutable: 'AUDIT_IMMUTABLE',
  Store: 'STORE_ERROR',
  Transform: 'TRANSFORM_FAILED',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

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
  readonly retryable: boolean;

  constructor(code: string, message: string, options: FrontbackErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
    this.retryable = options.retryable ?? false;
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
  const where =
    issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
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
