/**
 * Builds an Odoo connector for nock tests: the real shared HTTP client with fast retries,
 * a fixed clock, silent logs.
 */
import type { DataMatcherMap } from 'nock';
import {
  createHttpClient,
  memoryRateLimiterFactory,
  type ConnectionSettings,
} from '../../../../src/connector/index.ts';
import { createLogger } from '../../../../src/observability/logger.ts';
import odoo, { type OdooConnector } from '../../../../connectors/odoo/index.ts';

/** The mocked Odoo origin. */
export const ODOO = 'https://acme.odoo.test';
/** The fixed clock of these tests. */
export const NOW = Date.parse('2025-01-01T12:00:00.000Z');
/** Fake credentials. */
export const KEY = 'test-odoo-key-0000';

/** Creates a connector against {@link ODOO}. */
export function harness(
  transport: 'jsonrpc' | 'json2',
  overrides: Partial<ConnectionSettings> = {},
  options: Record<string, unknown> = {},
): OdooConnector {
  const connection: ConnectionSettings = {
    name: 'erp',
    kind: 'odoo',
    baseUrl: ODOO,
    auth: { type: 'api-key', login: 'sync@acme.test', key: KEY, database: 'acme' },
    rateLimit: { requests: 1000, perMs: 1000 },
    webhook: { secret: 'hook-token-123' },
    options: { transport, ...options },
    ...overrides,
  };
  return odoo.create(connection, {
    http: (o) => createHttpClient({ ...o, retry: { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 2, randomize: false } }),
    logger: createLogger({ level: 'silent' }),
    clock: () => NOW,
    rateLimiters: memoryRateLimiterFactory(),
  }) as OdooConnector;
}

/** The JSON-RPC request envelope of `execute_kw`. */
export function executeKw(
  id: number,
  uid: number,
  model: string,
  method: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
): DataMatcherMap {
  return {
    jsonrpc: '2.0',
    method: 'call',
    params: {
      service: 'object',
      method: 'execute_kw',
      args: ['acme', uid, KEY, model, method, args, kwargs] as DataMatcherMap[string],
    },
    id,
  };
}

/** The JSON-RPC request envelope of `common.authenticate`. */
export function authenticate(id = 1): DataMatcherMap {
  return {
    jsonrpc: '2.0',
    method: 'call',
    params: { service: 'common', method: 'authenticate', args: ['acme', 'sync@acme.test', KEY, {}] },
    id,
  };
}

/** Odoo's JSON-RPC error answer (HTTP 200). */
export function rpcError(id: number, name: string, message: string): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: 200,
      message: 'Odoo Server Error',
      data: { name, message, arguments: [message], context: {}, debug: 'Traceback ...' },
    },
  };
}

/** JSON-2's error body. */
export function json2Error(name: string, message: string): Record<string, unknown> {
  return { name, message, arguments: [message], context: {}, debug: 'Traceback ...' };
}
