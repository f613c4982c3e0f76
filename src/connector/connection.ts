/**
 * The plain connection object a connector is created from. The config loader (src/config)
 * produces this shape: `{ name, ...config.connections[name] }` is assignable to
 * {@link ConnectionSettings}. It is declared here structurally so that connectors do not
 * depend on config; readonly so a frozen config object fits.
 */

/** A request budget: at most `requests` in any rolling window of `perMs` milliseconds. */
export interface RateLimit {
  /** Requests allowed per window. Positive integer. */
  readonly requests: number;
  /** Window length in milliseconds (HubSpot: 10,000; Business Central: 300,000). */
  readonly perMs: number;
}

/** A static token sent as `Authorization: Bearer <token>` (HubSpot private app). */
export interface BearerAuthSettings {
  /** Discriminator. */
  readonly type: 'bearer';
  /** The token. Secret. */
  readonly token: string;
}

/** OAuth 2.0 with a long-lived refresh token (HubSpot OAuth apps, Salesforce, Business Central). */
export interface OAuth2AuthSettings {
  /** Discriminator. */
  readonly type: 'oauth2';
  /** How access tokens are obtained. Default `refresh_token`. */
  readonly grant?: 'refresh_token' | 'client_credentials';
  /** OAuth client id. */
  readonly clientId: string;
  /** OAuth client secret. Secret. */
  readonly clientSecret: string;
  /** Refresh token; required for the `refresh_token` grant. Secret. */
  readonly refreshToken?: string;
  /** Token endpoint; default: the connector's own (e.g. `https://api.hubapi.com/oauth/v1/token`). */
  readonly tokenUrl?: string;
  /** Space-separated scopes to request, when the vendor needs them (Business Central). */
  readonly scope?: string;
}

/** An API key, with a login and database where the system needs them (Odoo). */
export interface ApiKeyAuthSettings {
  /** Discriminator. */
  readonly type: 'api-key';
  /** User login (Odoo). */
  readonly login?: string;
  /** The key. Secret. */
  readonly key: string;
  /** Database name (Odoo). */
  readonly database?: string;
}

/** OAuth 1.0a token-based auth (NetSuite TBA, HMAC-SHA256). */
export interface OAuth1AuthSettings {
  /** Discriminator. */
  readonly type: 'oauth1';
  /** Consumer key. Secret. */
  readonly consumerKey: string;
  /** Consumer secret. Secret. */
  readonly consumerSecret: string;
  /** Token id. Secret. */
  readonly tokenId: string;
  /** Token secret. Secret. */
  readonly tokenSecret: string;
  /** Realm (NetSuite account id). */
  readonly realm: string;
}

/** No credentials (sandboxes, tests). */
export interface NoAuthSettings {
  /** Discriminator. */
  readonly type: 'none';
}

/** How a connection authenticates. */
export type AuthSettings =
  BearerAuthSettings | OAuth2AuthSettings | ApiKeyAuthSettings | OAuth1AuthSettings | NoAuthSettings;

/** How inbound webhooks for this connection are authenticated. */
export interface WebhookSettings {
  /**
   * The shared secret: HMAC key (HubSpot app client secret), the token expected in the URL
   * for senders that cannot sign (Odoo), or Business Central's `clientState`. Secret.
   */
  readonly secret?: string;
  /**
   * Every accepted value of the secret, the current one first (two during a rollover);
   * when absent, `secret` alone. Secret.
   */
  readonly secrets?: readonly string[];
  /** Public base URL the vendor calls (`https://sync.example.com`); signatures cover it. */
  readonly publicBaseUrl?: string;
  /** Signature scheme to require where a vendor has several (HubSpot `v1`/`v2`/`v3`). */
  readonly signatureVersion?: string;
}

/** One configured connection to a system. */
export interface ConnectionSettings {
  /** Name in the config (`hubspot`, `odoo-prod`); used in logs, metrics, rate-limit keys. */
  readonly name: string;
  /** Connector kind (`hubspot`, `odoo`); must be registered in connectors/index.ts. */
  readonly kind: string;
  /** API base URL; default: the connector's own. Sandboxes set their local URL here. */
  readonly baseUrl?: string;
  /** Credentials. */
  readonly auth: AuthSettings;
  /** Webhook authentication, when the connection receives webhooks. */
  readonly webhook?: WebhookSettings;
  /** Overrides the connector's declared rate limit (e.g. HubSpot's 190/10 s plans). */
  readonly rateLimit?: RateLimit;
  /** Overrides the connector's declared `limits.concurrency` (requests in flight, pages handled at once). */
  readonly concurrency?: number;
  /** Per-request timeout in milliseconds. Default 30,000. */
  readonly timeoutMs?: number;
  /** Connector-specific options, validated by the connector's own schema. */
  readonly options?: Readonly<Record<string, unknown>>;
}
