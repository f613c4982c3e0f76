/**
 * The shared HTTP client: one axios instance per connection with keep-alive agents and
 * timeouts; p-retry backoff with jitter for network errors, timeouts and 5xx; 429s waited
 * out as the vendor says without spending retry attempts; one token refresh on 401; the
 * connection's budget and rate limiter before every attempt (each attempt is a call, counted
 * for the connection and for the pass it serves); every error translated once; every
 * response validated with zod before it is trusted.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import axios, { type AxiosResponse } from 'axios';
import pRetry, { AbortError } from 'p-retry';
import type { ZodType } from 'zod';
import { ErrorCode, FrontbackError } from '../errors.ts';
import { safeUrl } from '../observability/logger.ts';
import { countCall } from './call-context.ts';
import { ConnectorError, RateLimitedError } from './errors.ts';
import {
  defaultTranslateError,
  parseRetryAfter,
  type HttpFailure,
  type HttpResponse,
  type ResponseHeaders,
} from './http-errors.ts';
import { HTTP_DEFAULTS, type HttpClientOptions } from './http-options.ts';
import { parseJsonBody } from './json-body.ts';
import type { RateLimiter } from './rate-limiter.ts';

/** One request. */
export interface HttpRequest {
  /** HTTP method. */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path relative to the base URL, or an absolute URL on the same origin (a vendor's paging link). */
  path: string;
  /** Query parameters; arrays repeat the key, undefined values are left out. */
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  /** JSON body (serialised with JSON.stringify). */
  body?: unknown;
  /** Form body (`application/x-www-form-urlencoded`), instead of `body`. */
  form?: Record<string, string>;
  /** Extra headers for this request (`If-Match`, `Prefer`). */
  headers?: Record<string, string>;
  /** Low-cardinality label for metrics and logs (`search contacts`). Default: the method. */
  route?: string;
  /** Requests this call counts as against the rate limiter. Default 1. */
  cost?: number;
  /** A different budget for this call (HubSpot search has its own, lower limit). */
  limiter?: RateLimiter;
  /**
   * False for calls that must not be repeated after a network error or 5xx because they
   * are not idempotent (a create without an idempotency key). 429 and 401-refresh still
   * retry: the vendor did not process those. Default true.
   */
  retry?: boolean;
}

/** A response with its parsed body. `bodyError` is set when the body was not valid JSON. */
export interface RawResponse extends HttpResponse {
  /** Why the body could not be parsed as JSON, if it could not. */
  bodyError?: string;
}

/** The client a connector uses for one connection. */
export interface HttpClient {
  /** Connection name. */
  readonly connection: string;
  /** Sends `req`, and validates the JSON body with `schema`; throws ConnectorError otherwise. */
  request<T>(req: HttpRequest, schema: ZodType<T>): Promise<T>;
  /** Sends `req` and returns status, headers and body (for 204 + `Location`, etags, 207). */
  requestRaw(req: HttpRequest): Promise<RawResponse>;
  /** Closes the keep-alive sockets. */
  close(): void;
}

/** Builds the HTTP client for one connection. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const connection = options.connection;
  const base = new URL(options.baseURL);
  const retry = { ...HTTP_DEFAULTS.retry, ...options.retry };
  const waits = { ...HTTP_DEFAULTS.rateLimited, ...options.rateLimited };
  const translate = options.translateError ?? defaultTranslateError;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  // Bound once: the logger handed in may carry the connection already (pino would write the key twice).
  const log =
    options.logger.bindings().connection === connection ? options.logger : options.logger.child({ connection });
  const slots = inFlightSlots(options.maxInFlight);
  const httpAgent = new HttpAgent({ keepAlive: true });
  const httpsAgent = new HttpsAgent({ keepAlive: true });
  const http = axios.create({
    timeout: options.timeoutMs ?? HTTP_DEFAULTS.timeoutMs,
    httpAgent,
    httpsAgent,
    // Redirects are not followed: a vendor API does not redirect, and following one could
    // send credentials to another host.
    maxRedirects: 0,
    maxContentLength: options.maxResponseBytes ?? HTTP_DEFAULTS.maxResponseBytes,
    validateStatus: () => true,
    responseType: 'text',
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    transitional: { clarifyTimeoutError: true },
  });
  const fixedHeaders: Record<string, string> = {
    'user-agent': options.userAgent ?? HTTP_DEFAULTS.userAgent,
    accept: 'application/json',
    ...options.headers,
  };

  function resolveUrl(req: HttpRequest): URL {
    const url = /^https?:\/\//i.test(req.path) ? new URL(req.path) : new URL(joinPath(base, req.path));
    if (url.origin !== base.origin) {
      throw new ConnectorError(`refusing to call ${url.origin}: not the origin of connection "${connection}"`, {
        connection,
        retryable: false,
      });
    }
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value as readonly string[]) url.searchParams.append(key, v);
      else url.searchParams.append(key, String(value));
    }
    return url;
  }

  function emit(req: HttpRequest, status: number | 'network', started: number): void {
    options.onRequest?.({
      connection,
      method: req.method,
      route: req.route ?? req.method,
      status,
      durationMs: performance.now() - started,
    });
  }

  async function send(req: HttpRequest, url: URL, headers: Record<string, string>): Promise<RawResponse> {
    let data: string | undefined;
    if (req.form !== undefined) {
      data = new URLSearchParams(req.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (req.body !== undefined) {
      data = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    await slots.take();
    const started = performance.now();
    countCall(connection);
    let res: AxiosResponse<string>;
    try {
      res = await http.request<string>({ method: req.method, url: url.toString(), headers, data });
    } catch (err) {
      slots.give();
      emit(req, 'network', started);
      const error = translate(networkFailure(connection, req, url, err));
      // Debug only: the retry below says it once, and the final error says it all.
      log.debug(
        { route: req.route, url: safeUrl(url.toString()), code: error.vendorCode },
        'request failed without a response',
      );
      throw req.retry === false || !error.retryable ? new AbortError(error) : error;
    }
    slots.give();
    emit(req, res.status, started);
    log.debug({ route: req.route, url: safeUrl(url.toString()), status: res.status }, 'vendor response');
    const text = typeof res.data === 'string' ? res.data : '';
    const parsed = parseJsonBody(text);
    const response: RawResponse = {
      status: res.status,
      headers: normaliseHeaders(res.headers),
      text,
      body: parsed.ok ? parsed.value : undefined,
    };
    if (!parsed.ok) response.bodyError = `${parsed.error} (body starts: ${JSON.stringify(parsed.snippet)})`;
    return response;
  }

  async function attempt(req: HttpRequest, url: URL, state: { refreshed: boolean }): Promise<RawResponse> {
    let rateLimitedWaits = 0;
    let waitedMs = 0;
    const limiter = req.limiter ?? options.limiter ?? options.budget?.limiter;
    for (;;) {
      // The budget first: a scheduled pass waits there while what is left is within the reserve.
      await options.budget?.admit(req.cost ?? 1);
      let sent = false;
      let response: RawResponse | undefined;
      let headers: Record<string, string>;
      try {
        await limiter?.acquire(req.cost ?? 1);
        headers = { ...fixedHeaders, ...req.headers };
        await options.auth?.apply(headers);
        sent = true;
        response = await send(req, url, headers);
      } finally {
        options.budget?.settle(sent, response);
      }

      const pauseMs = options.pauseAfter?.(response);
      if (pauseMs !== undefined && pauseMs > 0) await limiter?.pause(pauseMs);

      if (response.status === 429) {
        // A 429 means the vendor did not process the request: wait as told and send it
        // again without spending a retry attempt (RELIABILITY fault test 9).
        const waitMs =
          options.retryAfter?.(response) ??
          parseRetryAfter(response.headers['retry-after'], now()) ??
          waits.defaultWaitMs;
        rateLimitedWaits++;
        if (rateLimitedWaits > waits.maxWaits || waitedMs + waitMs > waits.maxTotalWaitMs) {
          const vendor = translate(responseFailure(connection, req, url, response));
          throw new AbortError(
            new RateLimitedError(
              `${connection}: still rate limited after ${rateLimitedWaits} answers of 429 (${waitedMs} ms waited): ${vendor.message}`,
              waitMs,
              {
                connection,
                vendorCode: vendor.vendorCode,
                correlationId: vendor.correlationId,
              },
            ),
          );
        }
        log.warn({ route: req.route, waitMs, rateLimitedWaits }, 'rate limited by vendor; waiting');
        waitedMs += waitMs;
        await sleep(waitMs);
        continue;
      }

      if (response.status === 401 && options.auth?.refresh !== undefined && !state.refreshed) {
        state.refreshed = true;
        let again: boolean;
        try {
          again = await options.auth.refresh(headers);
        } catch (err) {
          throw new AbortError(err instanceof Error ? err : new Error(String(err)));
        }
        if (again) continue;
      }

      if (response.status >= 200 && response.status < 300) {
        const vendorError = options.detectError?.(response);
        if (vendorError === undefined) return response;
        throw vendorError.retryable && req.retry !== false ? vendorError : new AbortError(vendorError);
      }

      const error = translate(responseFailure(connection, req, url, response));
      throw error.retryable && req.retry !== false ? error : new AbortError(error);
    }
  }

  async function requestRaw(req: HttpRequest): Promise<RawResponse> {
    const url = resolveUrl(req);
    const state = { refreshed: false };
    return pRetry(() => attempt(req, url, state), {
      retries: retry.retries,
      minTimeout: retry.minTimeoutMs,
      maxTimeout: retry.maxTimeoutMs,
      factor: retry.factor,
      randomize: retry.randomize,
      // Errors that say of themselves they cannot succeed later (a refused token, a
      // limiter misuse) stop at once, wherever in the attempt they were thrown.
      shouldRetry: ({ error }) => !(error instanceof FrontbackError) || error.retryable,
      // One warning per request, at its first failure; the later attempts at debug: a vendor that is down
      // must not bury the final error under a screenful of the same line.
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft === 0) return;
        const fields = { route: req.route, attemptNumber, retriesLeft, reason: error.message };
        if (attemptNumber === 1) log.warn(fields, `request failed; retrying up to ${retriesLeft} times`);
        else log.debug(fields, 'request failed again; retrying');
      },
    });
  }

  return {
    connection,
    requestRaw,
    async request<T>(req: HttpRequest, schema: ZodType<T>): Promise<T> {
      const response = await requestRaw(req);
      const route = req.route ?? `${req.method} ${resolveUrl({ ...req, query: {} }).pathname}`;
      if (response.bodyError !== undefined) {
        throw invalidResponse(connection, route, response.status, `malformed JSON: ${response.bodyError}`);
      }
      const result = schema.safeParse(response.body);
      if (!result.success) {
        const where = result.error.issues
          .slice(0, 5)
          .map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.')}: ${issue.message}`)
          .join('; ');
        throw invalidResponse(connection, route, response.status, `unexpected response shape: ${where}`);
      }
      return result.data;
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function joinPath(base: URL, path: string): string {
  const left = base.toString().replace(/\/+$/, '');
  return path === '' ? left : `${left}/${path.replace(/^\/+/, '')}`;
}

function normaliseHeaders(raw: AxiosResponse['headers']): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
  }
  return out;
}

function networkFailure(connection: string, req: HttpRequest, url: URL, err: unknown): HttpFailure {
  const error = err instanceof Error ? err : new Error(String(err));
  const code = (err as { code?: unknown }).code;
  return {
    kind: 'network',
    connection,
    method: req.method,
    path: url.pathname,
    origin: url.origin,
    code: typeof code === 'string' ? code : undefined,
    error,
  };
}

function responseFailure(connection: string, req: HttpRequest, url: URL, response: HttpResponse): HttpFailure {
  return { kind: 'response', connection, method: req.method, path: url.pathname, response };
}

function invalidResponse(connection: string, route: string, status: number, what: string): ConnectorError {
  return new ConnectorError(`${connection}: ${route} answered ${status} with ${what}`, {
    connection,
    status,
    retryable: false,
    code: ErrorCode.InvalidResponse,
  });
}

/** A counting semaphore: at most `max` requests on the wire; the others wait in order. */
function inFlightSlots(max: number | undefined): { take(): Promise<void>; give(): void } {
  if (max === undefined) return { take: () => Promise.resolve(), give: () => undefined };
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxInFlight must be a positive integer, got ${max}`);
  let free = max;
  const waiting: (() => void)[] = [];
  return {
    take() {
      if (free > 0) {
        free -= 1;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    give() {
      const next = waiting.shift();
      // The slot passes straight to the next waiter, so nobody overtakes it.
      if (next !== undefined) next();
      else free += 1;
    },
  };
}
