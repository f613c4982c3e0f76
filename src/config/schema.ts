/**
 * The zod schema of a configuration file (after `${VAR}` interpolation and
 * environment overrides). Objects are strict, so a misspelt key is an error with
 * its position, not silently ignored. Defaults come from {@link CONFIG_DEFAULTS}.
 * Messages are rewritten into plain English by zod-issues.ts.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { ADMIN_TOKEN_NAME, CONFIG_DEFAULTS } from './defaults.ts';
import { checkHttpUrl } from './url-safety.ts';
import { LOG_FORMATS, LOG_LEVELS, OAUTH2_GRANTS, SIGNATURE_VERSIONS, type Config } from './types.ts';

/** Field names that hold secrets: masked by `maskConfig` and never echoed in messages. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'token',
  'clientSecret',
  'refreshToken',
  'key',
  'consumerKey',
  'consumerSecret',
  'tokenId',
  'tokenSecret',
  'secret',
  'adminToken',
  'metricsToken',
  'adminTokens',
  'metricsTokens',
  'secrets',
  'sessionSecret',
]);

/**
 * A non-empty string; an interpolated variable that came out empty is caught here. How
 * strong a secret the admin chooses must be is checked after the schema (check-secrets.ts).
 */
const secret = () =>
  z.string().check((ctx) => {
    if (ctx.value.length === 0) ctx.issues.push({ code: 'custom', message: 'is empty', input: ctx.value });
  });

/** Values a rolled-over secret may have at once: the current one and the previous one. */
export const MAX_SECRET_VALUES = 2;

/**
 * One secret, or a list of up to two during a rollover (the current one first; both are
 * accepted on input). Compiles to the list.
 */
const secretValues = () =>
  z
    .union([z.string(), z.array(z.string())])
    .check((ctx) => {
      const values = typeof ctx.value === 'string' ? [ctx.value] : ctx.value;
      if (values.length === 0 || values.length > MAX_SECRET_VALUES) {
        ctx.issues.push({
          code: 'custom',
          message: `expected one secret, or a list of ${MAX_SECRET_VALUES} during a rollover (the current one first)`,
          input: ctx.value,
        });
      }
      values.forEach((value, i) => {
        if (value.length > 0) return;
        ctx.issues.push({
          code: 'custom',
          message: 'is empty',
          input: value,
          ...(typeof ctx.value === 'string' ? {} : { path: [i] }),
        });
      });
    })
    .transform((value): readonly string[] => (typeof value === 'string' ? [value] : value));

/** An integer in [min, max]; a decimal string such as "8080" (from `${PORT:-8080}`) is accepted. */
const int = (min: number, max: number) =>
  z.preprocess((v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v), z.int().min(min).max(max));

/** An http(s) URL; `refuseInternal` adds the SSRF host checks (url-safety.ts). */
const httpUrl = (refuseInternal: boolean) =>
  z.string().check((ctx) => {
    const problem = checkHttpUrl(ctx.value, { refuseInternal });
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  });

/** A number in [min, max]; a decimal string such as "0.2" (from `${RESERVE:-0.2}`) is accepted. */
const fraction = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v),
    z.number().min(min).max(max),
  );

const nonEmpty = () => z.string().min(1);

/** proxy-addr's names for whole ranges (fastify's `trustProxy` hands the list to it). */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Why `entry` is not an address, a CIDR or a range name; undefined when it is one. */
function proxyEntryProblem(entry: string): string | undefined {
  if (PROXY_RANGE_NAMES.has(entry)) return undefined;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return `"${entry}" is not an IP address or CIDR (e.g. 10.0.0.0/8)`;
  if (bits === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max ? undefined : `"${entry}": the prefix length must be 0..${max}`;
}

/**
 * Trusted proxies: a list of addresses or CIDRs (a comma-separated string, as from
 * `${TRUSTED_PROXIES}`, is split). Only these peers' `X-Forwarded-*` headers are believed.
 */
const proxyList = () =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((e) => e.trim())
            .filter((e) => e !== '')
        : v,
    z.array(
      z
        .string()
        .trim()
        .check((ctx) => {
          const problem = proxyEntryProblem(ctx.value);
          if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
        }),
    ),
  );

const DURATION_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `30s`, `15m`, `1h` or `7d`, to milliseconds. */
const duration = () =>
  z.string().transform((value, ctx) => {
    const m = /^\s*(\d+)\s*(s|m|h|d)\s*$/.exec(value);
    const ms = m ? Number(m[1]) * (DURATION_MS[m[2] as string] as number) : 0;
    if (ms < 1000) {
      ctx.issues.push({
        code: 'custom',
        message: 'expected a duration of at least 1s, such as 30s, 15m, 1h or 7d',
        input: value,
      });
      return z.NEVER;
    }
    return ms;
  });

const auditSchema = z
  .strictObject({
    signingKeyFile: nonEmpty().optional(),
    trustedKeys: z
      .record(z.string().regex(/^[0-9a-f]{16}$/, 'expected a key id: 16 lowercase hex characters'), nonEmpty())
      .default(() => ({})),
    checkpointDir: nonEmpty().optional(),
    checkpointEvery: duration().optional(),
  })
  .transform(({ checkpointEvery, ...rest }) => ({
    ...rest,
    checkpointEveryMs: checkpointEvery ?? CONFIG_DEFAULTS.audit.checkpointEveryMs,
  }));

const inboxSchema = z
  .strictObject({ retention: duration().optional() })
  .transform(({ retention }) => ({ retentionMs: retention ?? CONFIG_DEFAULTS.inbox.retentionMs }));

const authSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('bearer'), token: secret() }),
  z
    .strictObject({
      type: z.literal('oauth2'),
      grant: z.enum(OAUTH2_GRANTS).default('refresh_token'),
      clientId: nonEmpty(),
      clientSecret: secret(),
      refreshToken: secret().optional(),
      tokenUrl: httpUrl(true).optional(),
      scope: nonEmpty().optional(),
    })
    .check((ctx) => {
      if (ctx.value.grant === 'refresh_token' && ctx.value.refreshToken === undefined) {
        ctx.issues.push({
          code: 'custom',
          path: ['refreshToken'],
          message: 'required when grant is refresh_token (the default)',
          input: undefined,
        });
      }
    }),
  z.strictObject({
    type: z.literal('api-key'),
    login: nonEmpty().optional(),
    key: secret(),
    database: nonEmpty().optional(),
  }),
  z.strictObject({
    type: z.literal('oauth1'),
    consumerKey: secret(),
    consumerSecret: secret(),
    tokenId: secret(),
    tokenSecret: secret(),
    realm: nonEmpty(),
  }),
  z.strictObject({ type: z.literal('none') }),
]);

const connectionSchema = z.strictObject({
  kind: nonEmpty(),
  baseUrl: httpUrl(true).optional(),
  auth: authSchema,
  webhook: z
    .strictObject({
      secret: secretValues().optional(),
      publicBaseUrl: httpUrl(false).optional(),
      signatureVersion: z.enum(SIGNATURE_VERSIONS).optional(),
      rateLimit: int(1, 1_000_000).default(CONFIG_DEFAULTS.webhook.rateLimit),
    })
    .transform(({ secret: secrets, ...rest }) => ({
      ...rest,
      ...(secrets === undefined ? {} : { secret: secrets[0] as string }),
      secrets: secrets ?? [],
    }))
    .optional(),
  rateLimit: z.strictObject({ requests: int(1, 1_000_000), perMs: int(1, 86_400_000) }).optional(),
  concurrency: int(1, 64).optional(),
  timeoutMs: int(1, 600_000).default(CONFIG_DEFAULTS.connection.timeoutMs),
  retries: int(0, 10).optional(),
  options: z.record(z.string(), z.unknown()).default(() => ({})),
});

/** A store URL: a SQLite path or a postgres:// URL. */
const storeUrl = (): z.ZodString =>
  z
    .string()
    .min(1)
    .check((ctx) => {
      const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(ctx.value)?.[1]?.toLowerCase();
      if (scheme === undefined) return;
      if (scheme !== 'postgres' && scheme !== 'postgresql') {
        ctx.issues.push({
          code: 'custom',
          message: `expected a SQLite file path or a postgres:// URL; got a "${scheme}://" URL`,
          input: ctx.value,
        });
      } else if (!URL.canParse(ctx.value)) {
        ctx.issues.push({ code: 'custom', message: 'is not a valid postgres:// URL', input: ctx.value });
      }
    });

const storeSchema = z
  .strictObject({
    url: storeUrl().default(CONFIG_DEFAULTS.store.url),
    migrationUrl: storeUrl().optional(),
    runtimeRole: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/, 'expected a PostgreSQL role name (letters, digits, _, $, -)')
      .optional(),
  })
  .transform((s) => ({ ...s, kind: /^postgres(ql)?:\/\//i.test(s.url) ? ('postgres' as const) : ('sqlite' as const) }));

const queueSchema = z
  .strictObject({
    redis: z
      .string()
      .check((ctx) => {
        const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(ctx.value)?.[1]?.toLowerCase();
        if (scheme !== 'redis' && scheme !== 'rediss') {
          const got = scheme === undefined ? '' : `; got a "${scheme}://" URL`;
          ctx.issues.push({ code: 'custom', message: `expected a redis:// or rediss:// URL${got}`, input: ctx.value });
        } else if (!URL.canParse(ctx.value)) {
          ctx.issues.push({ code: 'custom', message: 'is not a valid redis:// URL', input: ctx.value });
        }
      })
      .optional(),
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, "-" or "_" (BullMQ uses ":" between key parts)')
      .default(CONFIG_DEFAULTS.queue.prefix),
    concurrency: int(1, 1000).default(CONFIG_DEFAULTS.queue.concurrency),
  })
  .transform((q) => ({ ...q, kind: q.redis === undefined ? ('memory' as const) : ('bullmq' as const) }));

/** Schema of the whole file; every section may be omitted. */
export const configSchema = z.strictObject({
  demo: z.boolean().default(false),
  connections: z.record(z.string(), connectionSchema).default(() => ({})),
  store: storeSchema.prefault({}),
  queue: queueSchema.prefault({}),
  server: z
    .strictObject({
      host: nonEmpty().default(CONFIG_DEFAULTS.server.host),
      port: int(0, 65_535).default(CONFIG_DEFAULTS.server.port),
      publicBaseUrl: httpUrl(false).optional(),
      bodyLimitBytes: int(1, 1_073_741_824).default(CONFIG_DEFAULTS.server.bodyLimitBytes),
      adminToken: secretValues().optional(),
      admins: z
        .array(
          z.strictObject({
            name: z
              .string()
              .trim()
              .min(1)
              .max(100)
              .regex(/^[^\p{Cc}]+$/u, 'expected a name without control characters'),
            tokenFile: nonEmpty(),
          }),
        )
        .default(() => [])
        .check((ctx) => {
          const seen = new Set<string>();
          ctx.value.forEach((admin, i) => {
            const key = admin.name.toLowerCase();
            if (seen.has(key))
              ctx.issues.push({
                code: 'custom',
                message: `"${admin.name}" is named twice: each admin has one name (the audit log says who decided)`,
                path: [i, 'name'],
                input: admin.name,
              });
            seen.add(key);
          });
        }),
      sessionSecret: secret().optional(),
      metricsToken: secretValues().optional(),
      trustProxy: proxyList().optional(),
      storeGaugeSeconds: int(1, 3600).default(CONFIG_DEFAULTS.server.storeGaugeSeconds),
      operations: z
        .strictObject({
          host: nonEmpty().default(CONFIG_DEFAULTS.server.operationsHost),
          port: int(0, 65_535),
        })
        .optional(),
    })
    .check((ctx) => {
      const { port, operations, admins, adminToken } = ctx.value;
      const named = admins.findIndex((a) => a.name.toLowerCase() === ADMIN_TOKEN_NAME);
      if (adminToken !== undefined && named >= 0)
        ctx.issues.push({
          code: 'custom',
          message: `"${ADMIN_TOKEN_NAME}" is the admin of server.adminToken: give this admin another name`,
          path: ['admins', named, 'name'],
          input: admins[named]?.name,
        });
      if (operations !== undefined && port !== 0 && operations.port === port)
        ctx.issues.push({
          code: 'custom',
          message: `must differ from server.port (${port}): the operations listener is a second one`,
          path: ['operations', 'port'],
          input: operations.port,
        });
    })
    .transform(({ adminToken, metricsToken, ...rest }) => ({
      ...rest,
      ...(adminToken === undefined ? {} : { adminToken: adminToken[0] as string }),
      adminTokens: adminToken ?? [],
      ...(metricsToken === undefined ? {} : { metricsToken: metricsToken[0] as string }),
      metricsTokens: metricsToken ?? [],
    }))
    .prefault({}),
  mappings: z.strictObject({ dir: nonEmpty().default(CONFIG_DEFAULTS.mappings.dir) }).prefault({}),
  logging: z
    .strictObject({
      level: z.enum(LOG_LEVELS).default(CONFIG_DEFAULTS.logging.level),
      format: z.enum(LOG_FORMATS).optional(),
    })
    .prefault({}),
  sync: z
    .strictObject({
      overlapMinutes: int(0, 1440).default(CONFIG_DEFAULTS.sync.overlapMinutes),
      leaseSeconds: int(1, 3600).default(CONFIG_DEFAULTS.sync.leaseSeconds),
      pageSize: int(1, 10_000).optional(),
      budgetReserve: fraction(0, 0.9).default(CONFIG_DEFAULTS.sync.budgetReserve),
    })
    .prefault({}),
  audit: auditSchema.prefault({}),
  inbox: inboxSchema.prefault({}),
});

/** What the schema produces: the compiled configuration without its `source`. */
export type ConfigBody = z.output<typeof configSchema>;

// Compile-time proof that the schema's output is the documented Config shape.
const _isConfig = (body: ConfigBody): Omit<Config, 'source'> => body;
void _isConfig;
