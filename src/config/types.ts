/**
 * The compiled configuration: what {@link loadConfig} returns after interpolation,
 * environment overrides, validation and defaults. Every object is deeply frozen.
 * The raw YAML shape is documented in docs/configuration.md; this is the shape code
 * reads. Secrets are plain strings here: never log them (see `maskConfig`).
 */

/** Log levels accepted by `logging.level` (pino's levels). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Log formats accepted by `logging.format`: text for people (pino-pretty) or JSON lines. */
export const LOG_FORMATS = ['pretty', 'json'] as const;
/** One of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** HubSpot webhook signature versions (`X-HubSpot-Signature` v1/v2, `X-HubSpot-Signature-v3`). */
export const SIGNATURE_VERSIONS = ['v1', 'v2', 'v3'] as const;
/** One of {@link SIGNATURE_VERSIONS}. */
export type SignatureVersion = (typeof SIGNATURE_VERSIONS)[number];

/** OAuth 2.0 grants a connection can use to obtain access tokens. */
export const OAUTH2_GRANTS = ['refresh_token', 'client_credentials'] as const;
/** One of {@link OAUTH2_GRANTS}. */
export type OAuth2Grant = (typeof OAUTH2_GRANTS)[number];

/** `Authorization: Bearer <token>` (HubSpot private app token, Odoo 19 JSON-2 key, ...). */
export interface BearerAuth {
  /** Discriminator. */
  readonly type: 'bearer';
  /** The token. Secret. */
  readonly token: string;
}

/** OAuth 2.0 with a refresh token or client credentials (Salesforce, Business Central, HubSpot apps). */
export interface OAuth2Auth {
  /** Discriminator. */
  readonly type: 'oauth2';
  /** How access tokens are obtained; default `refresh_token`. */
  readonly grant: OAuth2Grant;
  /** OAuth client id (not secret, but still not logged). */
  readonly clientId: string;
  /** OAuth client secret. Secret. */
  readonly clientSecret: string;
  /** Long-lived refresh token; required when `grant` is `refresh_token`. Secret. */
  readonly refreshToken?: string;
  /** Token endpoint; when absent the connector uses its vendor's default. */
  readonly tokenUrl?: string;
  /** Space-separated scopes to request, when the vendor needs them (Business Central). */
  readonly scope?: string;
}

/** Odoo: database, login and API key (JSON-RPC `execute_kw`) or a bare key (JSON-2). */
export interface ApiKeyAuth {
  /** Discriminator. */
  readonly type: 'api-key';
  /** Odoo user login (JSON-RPC needs it to authenticate); absent for JSON-2. */
  readonly login?: string;
  /** The API key (Odoo 14+ keys replace the password). Secret. */
  readonly key: string;
  /** Odoo database name; absent when the server has a single database. */
  readonly database?: string;
}

/** NetSuite token-based authentication (OAuth 1.0a, HMAC-SHA256). */
export interface OAuth1Auth {
  /** Discriminator. */
  readonly type: 'oauth1';
  /** Integration record's consumer key. Secret. */
  readonly consumerKey: string;
  /** Integration record's consumer secret. Secret. */
  readonly consumerSecret: string;
  /** Access token id. Secret. */
  readonly tokenId: string;
  /** Access token secret. Secret. */
  readonly tokenSecret: string;
  /** OAuth realm: the NetSuite account id (e.g. `1234567_SB1`). */
  readonly realm: string;
}

/** No authentication (local sandboxes that accept anything). */
export interface NoAuth {
  /** Discriminator. */
  readonly type: 'none';
}

/** How frontback authenticates to a connection. */
export type AuthConfig = BearerAuth | OAuth2Auth | ApiKeyAuth | OAuth1Auth | NoAuth;

/** Incoming webhooks from one connection. */
export interface WebhookConfig {
  /**
   * Shared secret: HMAC key (HubSpot client secret), URL token (Odoo) or clientState (Business Central):
   * the current one (the first of `secrets`). Secret.
   */
  readonly secret?: string;
  /**
   * Every accepted value, the current one first: `webhook.secret` is one value or, during a
   * rollover, a list of two (docs/security.md). Empty when none is set. Secret.
   */
  readonly secrets: readonly string[];
  /** Public base URL the vendor calls, needed when signatures cover the URL behind a proxy; default `server.publicBaseUrl`. */
  readonly publicBaseUrl?: string;
  /** HubSpot signature version to require; absent means the connector's default. */
  readonly signatureVersion?: SignatureVersion;
  /**
   * Deliveries per second this connection may send to one server process (a burst of one
   * second's worth); past it each is refused the way the vendor needs (HubSpot: 429 with
   * Retry-After). Default 200 (docs/server.md, "Intake limits").
   */
  readonly rateLimit: number;
}

/** A client-side request budget: at most `requests` per `perMs` milliseconds. */
export interface RateLimitConfig {
  /** Requests allowed per window (integer > 0). */
  readonly requests: number;
  /** Window length in milliseconds (integer > 0). */
  readonly perMs: number;
}

/** One connection to a CRM or ERP. */
export interface ConnectionConfig {
  /** Connector kind (`hubspot`, `odoo`, ...), checked against the connector registry. */
  readonly kind: string;
  /**
   * API base URL (http or https; link-local and cloud-metadata addresses are refused);
   * default: the connector's own (e.g. `https://api.hubapi.com`). Sandboxes and
   * account-specific systems (Odoo, NetSuite, Business Central) set it.
   */
  readonly baseUrl?: string;
  /** Credentials. */
  readonly auth: AuthConfig;
  /** Incoming webhooks; absent when this connection is only polled. */
  readonly webhook?: WebhookConfig;
  /** Client-side rate limit; absent means the connector's documented default. */
  readonly rateLimit?: RateLimitConfig;
  /** Requests on the wire at once, and pages a pass handles at once; absent means the connector's documented default. */
  readonly concurrency?: number;
  /** Per-request timeout in milliseconds; default 30,000. */
  readonly timeoutMs: number;
  /** Retries of a call that failed without an answer or with a 5xx (backoff from 0.5 s, doubling); default 5. */
  readonly retries?: number;
  /** Connector-specific options, validated by the connector itself; default `{}`. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** The SQL store. */
export interface StoreConfig {
  /** A SQLite file path (relative to the working directory) or a `postgres://` URL; default `./data/frontback.db`. */
  readonly url: string;
  /**
   * The store URL `frontback migrate` connects with: a role that owns the schema, so the
   * role of `url` can be one that may only read and append the audit log (docs/store.md,
   * "Append-only that holds"). Default: `url`. Env `FRONTBACK_MIGRATION_URL`.
   */
  readonly migrationUrl?: string;
  /**
   * PostgreSQL: the role `frontback migrate` grants the runtime's privileges to after
   * migrating (`--grant` overrides it); absent means no grants.
   */
  readonly runtimeRole?: string;
  /** Derived from `url`: `postgres` for postgres:// and postgresql:// URLs, else `sqlite`. */
  readonly kind: 'sqlite' | 'postgres';
}

/** The job queue. */
export interface QueueConfig {
  /** Redis URL (`redis://` or `rediss://`) for BullMQ; absent means the embedded in-process queue. */
  readonly redis?: string;
  /** Derived: `bullmq` when `redis` is set, else `memory`. */
  readonly kind: 'memory' | 'bullmq';
  /** BullMQ key prefix; default `frontback`. Letters, digits, `-` and `_`. */
  readonly prefix: string;
  /** Jobs run at once per worker process; default 4. */
  readonly concurrency: number;
}

/** The HTTP server (webhooks, admin API, /metrics, /healthz). */
export interface ServerConfig {
  /** Interface to listen on; default `127.0.0.1` (use `0.0.0.0` in a container). */
  readonly host: string;
  /** TCP port; default 8080. 0 picks a free port. */
  readonly port: number;
  /** The URL vendors reach this server at (behind a proxy); used for webhook signatures and registration. Trusts no proxy. */
  readonly publicBaseUrl?: string;
  /** Largest accepted request body in bytes; default 1,048,576 (1 MiB). */
  readonly bodyLimitBytes: number;
  /**
   * Bearer token for the admin API, the current one (the first of `adminTokens`); at least
   * 128 bits of randomness (`frontback secret`). Absent disables the admin API. Secret.
   */
  readonly adminToken?: string;
  /** Every accepted admin token, current first: one, or two during a rollover; empty when the API is off. Secret. */
  readonly adminTokens: readonly string[];
  /**
   * Admins by name, each with a token of their own read from `tokenFile` (re-read while the
   * server runs: replacing the file rotates the token and ends that admin's console sessions).
   * The admin of `adminToken` is named "admin". Decisions are audited with the name.
   */
  readonly admins: readonly AdminConfig[];
  /**
   * Key material for the console's session cookies (at least 128 bits). Absent: derived from
   * the admin tokens at start, so copies of `serve` with one configuration share it. Secret.
   */
  readonly sessionSecret?: string;
  /** Bearer token for `GET /metrics`, the current one (as `adminToken`); absent leaves /metrics open. Secret. */
  readonly metricsToken?: string;
  /** Every accepted metrics token, current first: one, or two during a rollover; empty when /metrics is open. Secret. */
  readonly metricsTokens: readonly string[];
  /**
   * Proxies whose `X-Forwarded-For`/`-Proto`/`-Host` are believed: addresses or CIDRs
   * (`127.0.0.1`, `10.0.0.0/8`). Absent: none, the TCP peer is the client.
   */
  readonly trustProxy?: readonly string[];
  /** Read the store's gauges for `/metrics` at most once per this many seconds (1 to 3,600); default 15. */
  readonly storeGaugeSeconds: number;
  /**
   * A second listener for the operations side: when set, `/admin` and `/metrics` are served
   * there only (the main listener answers 404 for them), with `/healthz` and `/readyz` on both.
   */
  readonly operations?: OperationsListenerConfig;
}

/** An admin named in `server.admins`. */
export interface AdminConfig {
  /** Who this is, as the audit log and the console show it. */
  readonly name: string;
  /** A file holding the admin's token (one line; two during a rollover, the current one first). */
  readonly tokenFile: string;
}

/** The listener of `/admin` and `/metrics` when they are kept off the webhook listener. */
export interface OperationsListenerConfig {
  /** Interface to listen on; default `127.0.0.1` (a private address, never the public one). */
  readonly host: string;
  /** TCP port; must differ from `server.port` (0 picks a free port). */
  readonly port: number;
}

/** Where mapping files live. */
export interface MappingsConfig {
  /** Directory of mapping YAML files, relative to the working directory; default `mappings`. */
  readonly dir: string;
}

/** Logging. */
export interface LoggingConfig {
  /** Lowest level written; default `info`. */
  readonly level: LogLevel;
  /** `pretty` or `json`; unset: pretty when the log stream is a terminal, else JSON lines. */
  readonly format?: LogFormat;
}

/** Sync engine tuning. */
export interface SyncConfig {
  /** How far back each poll re-reads behind its cursor, in minutes; default 10 (ARCHITECTURE invariant 2). */
  readonly overlapMinutes: number;
  /** How long a worker's lease lasts unless renewed, in seconds; default 30. */
  readonly leaseSeconds: number;
  /**
   * Records per page a pass asks of the source (each page is planned, written and recorded
   * before the next is read); capped at the connector's maximum. Default: that maximum.
   */
  readonly pageSize?: number;
  /**
   * Share of each connection's API budget kept for webhook-driven passes, 0 to 0.9;
   * scheduled passes wait when the rest is spent. Default 0.2.
   */
  readonly budgetReserve: number;
}

/** Signed checkpoints of the audit log (docs/audit.md). */
export interface AuditConfig {
  /** PEM Ed25519 private key that signs checkpoints (`frontback audit keygen` writes one); absent: no signing. Secret file. */
  readonly signingKeyFile?: string;
  /** Public keys `audit verify` trusts, by key id: a PEM text or the path of a PEM file; default none. */
  readonly trustedKeys: Readonly<Record<string, string>>;
  /** Directory (outside the database) that `checkpoints.jsonl` is appended to; absent: no checkpoints. */
  readonly checkpointDir?: string;
  /** How often the runner checkpoints (`checkpointEvery`: `30s`, `15m`, `1h`), ms; default 15 minutes. */
  readonly checkpointEveryMs: number;
}

/** The webhook inbox (docs/server.md, "Intake limits"). */
export interface InboxConfig {
  /**
   * How long done deliveries are kept (`retention`: `12h`, `7d`), ms; older ones are
   * removed in small batches by the process holding the scheduler lease. Default 7 days.
   */
  readonly retentionMs: number;
}

/** Where the configuration came from (shown by `frontback validate`). */
export interface ConfigSource {
  /** The file that was read, as given; null when only built-in defaults were used. */
  readonly file: string | null;
  /** Names of the environment variables that overrode file values, e.g. `FRONTBACK_STORE_URL`. */
  readonly envOverrides: readonly string[];
}

/** The whole validated, defaulted, frozen configuration. */
export interface Config {
  /**
   * The shipped demo configuration (config/demo.yaml says `demo: true`): its published
   * tokens are accepted, and only while `server.host` is a loopback address. Default false.
   */
  readonly demo: boolean;
  /** Connections by name (lowercase identifier); default none. */
  readonly connections: Readonly<Record<string, ConnectionConfig>>;
  /** SQL store. */
  readonly store: StoreConfig;
  /** Job queue. */
  readonly queue: QueueConfig;
  /** HTTP server. */
  readonly server: ServerConfig;
  /** Mapping files. */
  readonly mappings: MappingsConfig;
  /** Logging. */
  readonly logging: LoggingConfig;
  /** Sync engine tuning. */
  readonly sync: SyncConfig;
  /** Audit log checkpoints. */
  readonly audit: AuditConfig;
  /** The webhook inbox. */
  readonly inbox: InboxConfig;
  /** Where this configuration came from. */
  readonly source: ConfigSource;
}
