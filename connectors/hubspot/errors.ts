/**
 * The one place HubSpot errors are translated: error bodies to ConnectorError (category
 * as vendor code, message verbatim), and 429 policies to waits: TEN_SECONDLY_ROLLING
 * waits for the rolling window, the search endpoints' secondly limit 1 s, DAILY until
 * the next UTC midnight (which the HTTP client turns into a RateLimitedError at once,
 * since nobody should wait hours inside one request).
 */
import { ErrorCode } from '../../src/errors.ts';
import {
  ConnectorError,
  correlationIdFrom,
  defaultTranslateError,
  isRetryableStatus,
  type HttpFailure,
  type HttpResponse,
} from '../../src/connector/index.ts';
import { errorBodySchema, rateLimitBodySchema } from './schemas.ts';

/** HubSpot's rolling window when the interval header is absent, ms. */
export const DEFAULT_INTERVAL_MS = 10_000;
/** Wait after the search endpoints' "secondly" 429, ms. */
export const SECONDLY_WAIT_MS = 1_000;
/** Hold every request this long when HubSpot says no budget remains, ms. */
export const EXHAUSTED_PAUSE_MS = 1_000;

const DAY_MS = 86_400_000;

/** Translates a failed HubSpot exchange into the ConnectorError the rest of frontback sees. */
export function translateHubSpotError(failure: HttpFailure): ConnectorError {
  if (failure.kind === 'network') return defaultTranslateError(failure);
  const { response } = failure;
  const parsed = errorBodySchema.safeParse(response.body);
  if (!parsed.success) return defaultTranslateError(failure);
  const body = parsed.data;
  const limit = rateLimitBodySchema.safeParse(response.body);
  const vendorCode = body.category ?? (limit.success ? (limit.data.policyName ?? limit.data.errorType) : undefined);
  const correlationId = body.correlationId ?? correlationIdFrom(response.headers);
  const auth = response.status === 401 || response.status === 403;
  return new ConnectorError(
    body.message,
    {
      connection: failure.connection,
      status: response.status,
      retryable: isRetryableStatus(response.status) && !(limit.success && limit.data.policyName === 'DAILY'),
      ...(response.status === 401 ? { code: ErrorCode.Auth } : {}),
      ...(vendorCode === undefined ? {} : { vendorCode }),
      ...(correlationId === undefined ? {} : { correlationId }),
    },
    { details: { ...(auth ? {} : { fields: blamedFields(response.body) }) } },
  );
}

/** The property names a validation error blames (`errors[].context.propertyName`), in order, without repeats. */
export function blamedFields(body: unknown): string[] {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return [];
  const names = new Set<string>();
  for (const detail of parsed.data.errors ?? []) for (const name of detail.context?.propertyName ?? []) names.add(name);
  return [...names];
}

const EXISTING_ID = /Existing ID:\s*(\d+)/i;

/** The id in HubSpot's create conflict ("Contact already exists. Existing ID: 51"), if the message has one. */
export function existingIdFrom(message: string): string | undefined {
  return EXISTING_ID.exec(message)?.[1];
}

/**
 * How long to wait after a 429, by HubSpot's policy: the rolling window for
 * TEN_SECONDLY_ROLLING (`X-HubSpot-RateLimit-Interval-Milliseconds`, else 10 s), 1 s for
 * the search endpoints' secondly limit, the time to the next UTC midnight for DAILY.
 * Undefined for other statuses (the client then uses `Retry-After`).
 */
export function hubspotRetryAfter(response: HttpResponse, now: number = Date.now()): number | undefined {
  if (response.status !== 429) return undefined;
  const parsed = rateLimitBodySchema.safeParse(response.body);
  const policy = parsed.success ? parsed.data.policyName : undefined;
  const message = parsed.success ? parsed.data.message : '';
  if (policy === 'DAILY') return DAY_MS - (now % DAY_MS);
  if (policy === 'SECONDLY' || /secondly limit/i.test(message)) return SECONDLY_WAIT_MS;
  const retryAfter = Number(response.headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter * 1000;
  const interval = Number(response.headers['x-hubspot-ratelimit-interval-milliseconds']);
  return Number.isFinite(interval) && interval > 0 ? interval : DEFAULT_INTERVAL_MS;
}

/** Pauses the connection's limiter briefly when HubSpot says the window's budget is spent. */
export function hubspotPauseAfter(response: HttpResponse): number | undefined {
  return response.headers['x-hubspot-ratelimit-remaining'] === '0' ? EXHAUSTED_PAUSE_MS : undefined;
}
