/**
 * Starts an Odoo sandbox on a real port (in-process, manual clock) and an Odoo connector
 * pointed at it over the chosen transport.
 */
import {
  createHttpClient,
  memoryRateLimiterFactory,
  type ConnectionSettings,
} from '../../../../src/connector/index.ts';
import { ManualClock } from '../../../../src/connector/sandbox/clock.ts';
import { createLogger } from '../../../../src/observability/logger.ts';
import odoo, { type OdooConnector } from '../../../../connectors/odoo/index.ts';
import { DEFAULT_API_KEY } from '../../../../connectors/odoo/sandbox/auth.ts';
import { createOdooSandbox, type OdooSandbox } from '../../../../connectors/odoo/sandbox/server.ts';

/** Sandbox start time. */
export const T0 = Date.UTC(2025, 0, 1, 10, 0, 0);

/** A running sandbox plus a connector on it. */
export interface OdooRig {
  sandbox: OdooSandbox;
  connector: OdooConnector;
  clock: ManualClock;
  url: string;
  /** POSTs to a sandbox control route. */
  control(path: string, body: unknown, method?: 'POST' | 'PUT'): Promise<unknown>;
  close(): Promise<void>;
}

/** Starts a sandbox (`records` people) and a connector for it. */
export async function startRig(
  transport: 'jsonrpc' | 'json2',
  options: Record<string, unknown> = {},
  records = 6,
): Promise<OdooRig> {
  const clock = new ManualClock(T0);
  const sandbox = createOdooSandbox({ records, clock, webhookFlushIntervalMs: 0 });
  const url = await sandbox.listen();
  const connection: ConnectionSettings = {
    name: `odoo-${transport}`,
    kind: 'odoo',
    baseUrl: url,
    auth: { type: 'api-key', login: 'admin', key: DEFAULT_API_KEY, database: 'odoo' },
    rateLimit: { requests: 10_000, perMs: 1_000 },
    options: { transport, ...options },
  };
  const connector = odoo.create(connection, {
    http: (o) => createHttpClient({ ...o, retry: { retries: 3, minTimeoutMs: 5, maxTimeoutMs: 20, randomize: false } }),
    logger: createLogger({ level: 'silent' }),
    clock: () => clock.now(),
    rateLimiters: memoryRateLimiterFactory(),
  }) as OdooConnector;
  return {
    sandbox,
    connector,
    clock,
    url,
    async control(path, body, method = 'POST') {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
      return res.json() as Promise<unknown>;
    },
    async close() {
      await connector.close?.();
      await sandbox.close();
    },
  };
}

/** Every record of a listing. */
export async function collect<T>(iterable: AsyncIterable<{ records: T[] }>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of iterable) out.push(...page.records);
  return out;
}

/** Every page of a listing. */
export async function pages<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of iterable) out.push(page);
  return out;
}
