/**
 * The Odoo sandbox: a fastify app speaking Odoo's external API (JSON-RPC, XML-RPC and
 * JSON-2) over an in-memory ORM seeded from the shared World, with the shared kit's
 * fault injection and `/_sandbox/` control API, Odoo-style webhooks, and Odoo-specific
 * control routes (late commits, stock changes).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { systemClock, type SandboxClock } from '../../../src/connector/sandbox/clock.ts';
import type { FaultSettings } from '../../../src/connector/sandbox/faults.ts';
import { registerSandboxKit, type SandboxKit } from '../../../src/connector/sandbox/kit.ts';
import type { Logger } from '../../../src/observability/logger.ts';
import { OdooAuth } from './auth.ts';
import { registerOdooControl } from './control.ts';
import { OdooError, jsonRpcError } from './errors.ts';
import { odooModels } from './models/index.ts';
import { OdooOrm } from './orm/orm.ts';
import { Registry } from './orm/registry.ts';
import { seedOdoo } from './seed.ts';
import { registerJson2 } from './transports/json2.ts';
import { registerJsonRpc } from './transports/jsonrpc.ts';
import { registerXmlRpc } from './transports/xmlrpc.ts';
import { OdooWebhooks } from './webhooks.ts';

/** Options of {@link createOdooSandbox}; every field has a default. */
export interface OdooSandboxOptions {
  /** Port to listen on; 0 picks a free one. Default 0 (the CLI defaults to 4020). */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** World seed. Default 42. */
  seed?: number;
  /** People to seed (companies = records / 3, as the HubSpot sandbox). Default 30; 0 seeds reference data only. */
  records?: number;
  /** Database name. Default `odoo`. */
  db?: string;
  /** admin's API key (sandbox-only). Default `sandbox-odoo-key`. */
  apiKey?: string;
  /** readonly's API key (sandbox-only). Default `sandbox-odoo-readonly-key`. */
  readonlyApiKey?: string;
  /** Webhook receiver URL; no webhooks when absent. */
  webhookUrl?: string;
  /** Models and fields sent in webhooks (default: see webhooks.ts). */
  webhookFields?: Readonly<Record<string, readonly string[]>>;
  /** Background webhook flush interval, real ms; 0 = only on `webhooks.flush()`. Default 50. */
  webhookFlushIntervalMs?: number;
  /** Clock; pass a ManualClock in tests. Default the system clock. */
  clock?: SandboxClock;
  /** Initial faults. */
  faults?: Partial<FaultSettings>;
  /** Logger for webhook failures. */
  logger?: Logger;
}

/** A running (or ready to run) Odoo sandbox. */
export interface OdooSandbox {
  /** The fastify app (use `app.inject` for route tests). */
  app: FastifyInstance;
  /** The ORM (tests read and write through it directly). */
  orm: OdooOrm;
  /** The shared kit (faults, counters). */
  kit: SandboxKit;
  /** Users and keys. */
  auth: OdooAuth;
  /** Webhook sender, when a URL was given. */
  webhooks: OdooWebhooks | undefined;
  /** Base URL once listening (empty before). */
  url: string;
  /** Starts listening; resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops webhooks and the server. */
  close(): Promise<void>;
  /** Drops every record and seeds again. */
  reseed(): void;
}

/** Builds the sandbox (seeded, not yet listening). */
export function createOdooSandbox(options: OdooSandboxOptions = {}): OdooSandbox {
  const clock = options.clock ?? systemClock;
  const orm = new OdooOrm(new Registry(odooModels()), clock);
  const auth = new OdooAuth({ db: options.db, apiKey: options.apiKey, readonlyApiKey: options.readonlyApiKey });
  const seed = { seed: options.seed ?? 42, records: options.records ?? 30 };
  const reseed = (): void => {
    orm.db.clear();
    orm.quiet = true;
    try {
      seedOdoo(orm, seed);
    } finally {
      orm.quiet = false;
    }
  };
  reseed();

  const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
  const webhooks = options.webhookUrl
    ? new OdooWebhooks(orm, {
        url: options.webhookUrl,
        clock,
        fields: options.webhookFields,
        flushIntervalMs: options.webhookFlushIntervalMs,
        logger: options.logger,
      })
    : undefined;
  const kit = registerSandboxKit(app, {
    name: 'odoo',
    clock,
    faults: options.faults,
    // Odoo answers server errors on /jsonrpc with HTTP 200 and an error envelope; the
    // injected fault uses that shape (an XML-RPC or JSON-2 client sees a non-XML/200 body).
    errorBody: (status) => ({
      jsonrpc: '2.0',
      id: null,
      error: jsonRpcError(new OdooError('builtins.KeyError', `injected fault: HTTP ${status}`)),
    }),
    errorStatusOverride: 200,
    onReset: ({ data }) => {
      if (data) reseed();
    },
    state: () => ({
      db: auth.db,
      records: Object.fromEntries(orm.registry.names().map((n) => [n, orm.db.table(n).size])),
      webhooks: webhooks?.stats() ?? null,
    }),
  });
  const deps = { auth, orm, kit };
  registerJsonRpc(app, deps);
  registerXmlRpc(app, deps);
  registerJson2(app, deps);
  registerOdooControl(app, orm);
  app.get('/web/version', async () => ({ version: '19.0', version_info: [19, 0, 0, 'final', 0, ''] }));

  const sandbox: OdooSandbox = {
    app,
    orm,
    kit,
    auth,
    webhooks,
    url: '',
    reseed,
    async listen() {
      const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
      sandbox.url = address;
      return address;
    },
    async close() {
      await webhooks?.stop();
      await app.close();
    },
  };
  return sandbox;
}
