/**
 * Every configuration default, in one object. The schema reads its defaults from
 * here and docs/configuration.md lists the same values; change them together.
 */
export const CONFIG_DEFAULTS = {
  /** File read when neither `--config` nor FRONTBACK_CONFIG is given, if it exists (relative to cwd). */
  configFile: 'config/frontback.yaml',
  connection: {
    /** Per-request timeout, milliseconds. */
    timeoutMs: 30_000,
  },
  store: {
    /** Embedded SQLite file, relative to the working directory. */
    url: './data/frontback.db',
  },
  queue: {
    prefix: 'frontback',
    concurrency: 4,
  },
  server: {
    host: '127.0.0.1',
    port: 8080,
    /** fastify's own default, 1 MiB. */
    bodyLimitBytes: 1_048_576,
    /** How often /metrics reads the store's counts at most, seconds. */
    storeGaugeSeconds: 15,
    /** The operations listener (`server.operations`), when set: its interface. */
    operationsHost: '127.0.0.1',
  },
  mappings: {
    dir: 'mappings',
  },
  logging: {
    level: 'info',
  },
  sync: {
    /** Odoo's write_date is the transaction start: minutes, not seconds (ARCHITECTURE invariant 2). */
    overlapMinutes: 10,
    /** How long a worker's lease (the scheduler, a mapping's passes) lasts unless renewed. */
    leaseSeconds: 30,
    /** Share of each connection's API budget kept for webhook-driven passes (scheduled passes wait for the rest). */
    budgetReserve: 0.2,
    // pageSize: no default; a pass asks each connector for its largest page (limits.maxPageSize).
  },
  audit: {
    /** How often the runner checkpoints the log (when the log moved), ms: 15 minutes. */
    checkpointEveryMs: 900_000,
  },
  webhook: {
    /**
     * Deliveries per second a connection may send to one server process (a burst of one
     * second's worth): far above what vendors send (HubSpot: at most 10 requests in flight
     * per app, up to 100 events each; Odoo: one notice per record written).
     */
    rateLimit: 200,
  },
  inbox: {
    /** How long done webhook deliveries are kept, ms: 7 days. */
    retentionMs: 604_800_000,
  },
} as const;

/** The name of the admin whose token is `server.adminToken` (the others are named in `server.admins`). */
export const ADMIN_TOKEN_NAME = 'admin';
