import { ErrorCode, FrontbackError, type FrontbackErrorOptions } from '../errors.ts';

/** Facts about a failed vendor call, translated once per connector. */
export interface ConnectorErrorInfo {
  /** Connection name from the config (e.g. `hubspot`). */
  connection: string;
  /** HTTP status, when there was a response. */
  status?: number;
  /** The vendor's own error code or category (e.g. `VALIDATION_ERROR`, `odoo.exceptions.MissingError`). */
  vendorCode?: string;
  /** The vendor's correlation/request id, for their support. */
  correlationId?: string;
  /** Whether the same request may succeed later (network, 5xx, 429). */
  retryable: boolean;
  /**
   * Stable error code; default `CONNECTOR_ERROR`. `INVALID_RESPONSE` when a vendor body failed
   * validation, `UNAUTHORIZED` when credentials were refused or could not be refreshed.
   */
  code?: string;
}

/** A vendor call failed. The message is the vendor's own, kept verbatim for dead letters. */
export class ConnectorError extends FrontbackError {
  override name = 'ConnectorError';
  readonly connection: string;
  readonly status: number | undefined;
  readonly vendorCode: string | undefined;
  readonly correlationId: string | undefined;

  constructor(message: string, info: ConnectorErrorInfo, options: Omit<FrontbackErrorOptions, 'retryable'> = {}) {
    super(info.code ?? ErrorCode.Connector, message, {
      ...options,
      retryable: info.retryable,
      details: {
        ...options.details,
        connection: info.connection,
        status: info.status,
        vendorCode: info.vendorCode,
        correlationId: info.correlationId,
      },
    });
    this.connection = info.connection;
    this.status = info.status;
    this.vendorCode = info.vendorCode;
    this.correlationId = info.correlationId;
  }
}

/** The vendor said "slow down". Waiting is not a failed attempt. */
export class RateLimitedError extends FrontbackError {
  override name = 'RateLimitedError';
  /** How long to wait before the next request, in milliseconds. */
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, details: Record<string, unknown> = {}) {
    super(ErrorCode.RateLimited, message, { retryable: true, details: { ...details, retryAfterMs } });
    this.retryAfterMs = retryAfterMs;
  }
}
