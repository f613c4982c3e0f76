/**
 * Request authentication for the shared HTTP client: a static bearer token, or OAuth 2.0
 * access tokens obtained with a refresh token or client credentials, cached until they
 * expire and refreshed once however many requests hit a 401 at the same moment.
 */
import { Agent as HttpsAgent } from 'node:https';
import { Agent as HttpAgent } from 'node:http';
import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';
import { ErrorCode } from '../errors.ts';
import type { AuthSettings, OAuth2AuthSettings } from './connection.ts';
import { ConnectorError } from './errors.ts';
import { parseJsonBody } from './json-body.ts';

/** Adds credentials to outgoing requests, and renews them when the server refuses them. */
export interface AuthProvider {
  /** Sets the credential headers (e.g. `authorization`) on `headers`, fetching a token first if needed. */
  apply(headers: Record<string, string>): Promise<void>;
  /**
   * Renews the credentials after a 401. `rejected` are the headers the refused request
   * carried: when a newer credential already replaced them (another request refreshed),
   * nothing is fetched. Resolves true when retrying may help, false when there is
   * nothing to refresh; throws a ConnectorError (code `UNAUTHORIZED`) when the token
   * endpoint refuses.
   */
  refresh?(rejected: Record<string, string>): Promise<boolean>;
}

/** `Authorization: Bearer <token>`, never refreshed. */
export function bearerAuth(token: string): AuthProvider {
  return {
    apply(headers) {
      headers.authorization = `Bearer ${token}`;
      return Promise.resolve();
    },
  };
}

/** Options of {@link oauth2Auth}. */
export interface OAuth2Options {
  /** Connection name, for errors. */
  connection: string;
  /** Credentials from the connection settings. */
  settings: OAuth2AuthSettings;
  /** Token endpoint when `settings.tokenUrl` is absent (the vendor's default). */
  defaultTokenUrl?: string;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Renew this long before `expires_in` runs out, in ms. Default 60,000. */
  skewMs?: number;
  /** Token request timeout, in ms. Default 30,000. */
  timeoutMs?: number;
  /**
   * Called with each validated token response (Salesforce's `instance_url` says where the
   * API lives; HubSpot may rotate the refresh token). Never log its argument.
   */
  onToken?: (token: OAuth2TokenResponse) => void;
}

const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  instance_url: z.string().optional(),
  scope: z.string().optional(),
});

/** A token endpoint's answer, validated (extra vendor fields are kept). */
export type OAuth2TokenResponse = z.infer<typeof tokenResponseSchema>;

const tokenErrorSchema = z.looseObject({
  error: z.string().optional(),
  error_description: z.string().optional(),
  message: z.string().optional(),
});

/**
 * OAuth 2.0 access tokens from a refresh token (default) or client credentials. The token
 * is cached until `expires_in` (minus `skewMs`); without `expires_in` (Salesforce) it is
 * used until a 401. Concurrent refreshes share one token request.
 */
export function oauth2Auth(options: OAuth2Options): AuthProvider {
  const { connection, settings } = options;
  const tokenUrl = settings.tokenUrl ?? options.defaultTokenUrl;
  if (tokenUrl === undefined) {
    throw new ConnectorError(`connection "${connection}": oauth2 needs auth.tokenUrl`, {
      connection,
      retryable: false,
      code: ErrorCode.Auth,
    });
  }
  const grant = settings.grant ?? 'refresh_token';
  if (grant === 'refresh_token' && !settings.refreshToken) {
    throw new ConnectorError(`connection "${connection}": oauth2 refresh_token grant needs auth.refreshToken`, {
      connection,
      retryable: false,
      code: ErrorCode.Auth,
    });
  }
  const now = options.now ?? Date.now;
  const skewMs = options.skewMs ?? 60_000;
  const http: AxiosInstance = axios.create({
    timeout: options.timeoutMs ?? 30_000,
    httpAgent: new HttpAgent({ keepAlive: true }),
    httpsAgent: new HttpsAgent({ keepAlive: true }),
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
  });
  let refreshToken = settings.refreshToken;
  let accessToken: string | undefined;
  let expiresAt = Number.POSITIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  async function fetchToken(): Promise<void> {
    const form = new URLSearchParams({
      grant_type: grant,
      client_id: settings.clientId,
      client_secret: settings.clientSecret,
    });
    if (grant === 'refresh_token' && refreshToken) form.set('refresh_token', refreshToken);
    if (settings.scope) form.set('scope', settings.scope);
    let res;
    try {
      res = await http.post<string>(tokenUrl as string, form.toString(), {
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      });
    } catch (err) {
      throw new ConnectorError(
        `token request failed: ${(err as Error).message}`,
        { connection, retryable: true, code: ErrorCode.Auth },
        { cause: err },
      );
    }
    const body = parseJsonBody(res.data);
    if (res.status < 200 || res.status >= 300) {
      const parsed = tokenErrorSchema.safeParse(body.ok ? body.value : {});
      const vendor = parsed.success ? parsed.data : {};
      const reason = vendor.error_description ?? vendor.message ?? vendor.error ?? `HTTP ${res.status}`;
      throw new ConnectorError(`token refresh refused: ${reason}`, {
        connection,
        status: res.status,
        ...(vendor.error === undefined ? {} : { vendorCode: vendor.error }),
        retryable: res.status >= 500 || res.status === 429,
        code: ErrorCode.Auth,
      });
    }
    const parsed = tokenResponseSchema.safeParse(body.ok ? body.value : undefined);
    if (!parsed.success) {
      throw new ConnectorError(
        `token endpoint answered ${body.ok ? 'an unexpected JSON shape' : 'with malformed JSON'}`,
        {
          connection,
          status: res.status,
          retryable: false,
          code: ErrorCode.InvalidResponse,
        },
      );
    }
    accessToken = parsed.data.access_token;
    expiresAt =
      parsed.data.expires_in === undefined ? Number.POSITIVE_INFINITY : now() + parsed.data.expires_in * 1000 - skewMs;
    if (parsed.data.refresh_token !== undefined) refreshToken = parsed.data.refresh_token;
    options.onToken?.(parsed.data);
  }

  function renew(): Promise<void> {
    inFlight ??= fetchToken().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return {
    async apply(headers) {
      if (inFlight) await inFlight;
      if (accessToken === undefined || now() >= expiresAt) await renew();
      headers.authorization = `Bearer ${accessToken as string}`;
    },
    async refresh(rejected) {
      if (inFlight) {
        await inFlight;
        return true;
      }
      if (accessToken !== undefined && rejected.authorization !== `Bearer ${accessToken}`) return true;
      await renew();
      return true;
    },
  };
}

/**
 * The provider for header-based credentials in `auth`, or undefined when the connector
 * authenticates another way (`api-key`: Odoo sends the key inside the JSON-RPC body;
 * `none`). `oauth1` (NetSuite TBA) signs each request and is not supported here yet.
 */
export function authProviderFor(
  connection: string,
  auth: AuthSettings,
  defaults: { tokenUrl?: string; now?: () => number } = {},
): AuthProvider | undefined {
  switch (auth.type) {
    case 'bearer':
      return bearerAuth(auth.token);
    case 'oauth2':
      return oauth2Auth({
        connection,
        settings: auth,
        ...(defaults.tokenUrl === undefined ? {} : { defaultTokenUrl: defaults.tokenUrl }),
        ...(defaults.now === undefined ? {} : { now: defaults.now }),
      });
    case 'oauth1':
      throw new ConnectorError(
        `connection "${connection}": oauth1 request signing is not supported by the shared HTTP client yet`,
        {
          connection,
          retryable: false,
          code: ErrorCode.Auth,
        },
      );
    case 'api-key':
    case 'none':
      return undefined;
  }
}
