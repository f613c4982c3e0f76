/**
 * Renders a loaded configuration for people (`frontback validate`) and for logs,
 * with every secret masked: secret fields become {@link MASK}, and passwords in
 * store and Redis URLs are removed.
 */
import { safeUrl } from '../observability/logger.ts';
import { SECRET_KEYS } from './schema.ts';
import type { AuthConfig, Config, ConnectionConfig } from './types.ts';

/**
 * What `validate` says, and the server logs at warn, for the demo configuration: its
 * tokens are public, so it must never listen beyond this machine.
 */
export const DEMO_NOTICE =
  'demo configuration (demo: true): its published tokens are accepted on a loopback address only; never expose this server';

/** What a masked secret looks like. Fixed length, so it says nothing about the secret. */
export const MASK = '********';

function maskValue(value: unknown, key: string | undefined): unknown {
  if (key !== undefined && SECRET_KEYS.has(key) && typeof value === 'string') return MASK;
  // A list under a secret key (`adminTokens`, a rollover's two values) is a list of secrets.
  if (Array.isArray(value))
    return value.map((v) => maskValue(v, key !== undefined && SECRET_KEYS.has(key) ? key : undefined));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v, k)]));
  }
  return value;
}

/** A store URL without credentials; a SQLite path as it is. */
function safeStoreUrl(url: string): string {
  return /^postgres(ql)?:\/\//i.test(url) ? safeUrl(url) : url;
}

/** A plain, mutable copy of `config` safe to log: secrets masked, URL credentials removed. */
export function maskConfig(config: Config): Record<string, unknown> {
  const copy = maskValue(config, undefined) as Record<string, unknown> & {
    store: { url: string; kind: string; migrationUrl?: string };
    queue: { redis?: string };
  };
  if (copy.store.kind === 'postgres') copy.store.url = safeUrl(copy.store.url);
  if (copy.store.migrationUrl !== undefined) copy.store.migrationUrl = safeStoreUrl(copy.store.migrationUrl);
  if (copy.queue.redis !== undefined) copy.queue.redis = safeUrl(copy.queue.redis);
  return copy;
}

function describeAuth(auth: AuthConfig): string {
  switch (auth.type) {
    case 'bearer':
      return `bearer (token ${MASK})`;
    case 'oauth2':
      return `oauth2 ${auth.grant} (client ${auth.clientId}, secret ${MASK}${auth.refreshToken ? `, refresh token ${MASK}` : ''})`;
    case 'api-key': {
      const parts = [auth.login && `login ${auth.login}`, auth.database && `database ${auth.database}`, `key ${MASK}`];
      return `api-key (${parts.filter(Boolean).join(', ')})`;
    }
    case 'oauth1':
      return `oauth1 token-based (realm ${auth.realm}, keys and secrets ${MASK})`;
    case 'none':
      return 'none';
  }
}

function describeConnection(name: string, c: ConnectionConfig): string {
  const where = c.baseUrl === undefined ? "the connector's default URL" : safeUrl(c.baseUrl);
  const parts = [`${name}: ${c.kind} at ${where}`, `auth ${describeAuth(c.auth)}`];
  if (c.webhook) parts.push(`webhook secret ${c.webhook.secret ? `${MASK}${rollover(c.webhook.secrets)}` : 'not set'}`);
  if (c.rateLimit) parts.push(`rate limit ${c.rateLimit.requests} per ${c.rateLimit.perMs} ms`);
  if (c.concurrency !== undefined) parts.push(`${c.concurrency} request${c.concurrency === 1 ? '' : 's'} at once`);
  return parts.join(', ');
}

/** ` (and a previous one)` while two values of a secret are accepted (a rollover). */
function rollover(values: readonly string[]): string {
  return values.length > 1 ? ' and a previous one' : '';
}

/** Checkpoints: where, how often, whether a key signs, how many keys are trusted (never the key itself). */
function describeAudit({ audit }: Config): string {
  const trusted = `${Object.keys(audit.trustedKeys).length} trusted keys`;
  if (audit.checkpointDir === undefined || audit.signingKeyFile === undefined) {
    return `audit checkpoints: not written (needs audit.signingKeyFile and audit.checkpointDir), ${trusted}`;
  }
  return `audit checkpoints: every ${audit.checkpointEveryMs / 1000}s to ${audit.checkpointDir}, ${trusted}`;
}

/** A short multi-line summary of `config`, secrets masked. */
export function describeConfig(config: Config): string {
  const { source, store, queue, server } = config;
  const overrides = source.envOverrides.length > 0 ? ` (overridden by ${source.envOverrides.join(', ')})` : '';
  const connections = Object.entries(config.connections);
  const lines = [
    `configuration: ${source.file ?? 'built-in defaults (no file)'}${overrides}`,
    ...(config.demo ? [DEMO_NOTICE] : []),
    connections.length === 0 ? 'connections: none' : `connections (${connections.length}):`,
    ...connections.map(([name, c]) => `  ${describeConnection(name, c)}`),
    `store: ${store.kind} ${store.kind === 'postgres' ? safeUrl(store.url) : store.url}` +
      (store.migrationUrl === undefined ? '' : `, migrations with ${safeStoreUrl(store.migrationUrl)}`) +
      (store.runtimeRole === undefined ? '' : `, runtime role ${store.runtimeRole}`),
    queue.redis === undefined
      ? `queue: embedded (in-process), concurrency ${queue.concurrency}`
      : `queue: bullmq on ${safeUrl(queue.redis)}, prefix ${queue.prefix}, concurrency ${queue.concurrency}`,
    `server: ${server.host}:${server.port}${server.publicBaseUrl ? ` (public ${server.publicBaseUrl})` : ''}, ` +
      `body limit ${server.bodyLimitBytes} bytes, ` +
      `admin API and console ${describeAdmins(server)}, ` +
      `/metrics ${server.metricsToken ? `behind a token (${MASK}${rollover(server.metricsTokens)})` : 'open (no metrics token)'}, ` +
      `trusted proxies ${server.trustProxy && server.trustProxy.length > 0 ? server.trustProxy.join(', ') : 'none'}` +
      (server.operations ? `, /admin and /metrics on ${server.operations.host}:${server.operations.port} only` : ''),
    `mappings dir: ${config.mappings.dir}`,
    `logging: ${config.logging.level}, ${config.logging.format ?? 'pretty on a terminal, else json'}`,
    `sync: poll overlap ${config.sync.overlapMinutes} minutes, pages of ${config.sync.pageSize ?? "each connector's maximum"} ` +
      `records, ${Math.round(config.sync.budgetReserve * 100)}% of each API budget kept for webhook-driven passes`,
    describeAudit(config),
  ];
  return lines.join('\n');
}

/** Who the admins are (names, never tokens), or that the admin API and the console are off. */
function describeAdmins(server: Config['server']): string {
  const names = [
    ...(server.adminToken ? [`admin (token ${MASK}${rollover(server.adminTokens)})`] : []),
    ...server.admins.map((a) => `${a.name} (token file ${a.tokenFile})`),
  ];
  return names.length === 0
    ? 'disabled (no admin: server.adminToken or server.admins)'
    : `enabled for ${names.join(', ')}`;
}
