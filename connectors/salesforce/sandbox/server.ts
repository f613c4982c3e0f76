/**
 * The Salesforce sandbox: a local fastify server speaking Salesforce's REST API (OAuth
 * token and identity endpoints, sObject rows, collections, SOQL query and queryAll,
 * describe, getUpdated/getDeleted, limits, a Tooling CustomField create, the SOAP merge
 * call), seeded from the shared World, with API limits, faults, Outbound Messages and
 * signed callouts, and a `/_sandbox/` control API. Tests start it in-process; `frontback
 * sandbox salesforce` starts it from the command line.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { systemClock, type SandboxClock } from '../../../src/connector/sandbox/clock.ts';
import type { FaultSettings } from '../../../src/connector/sandbox/faults.ts';
import { registerSandboxKit, type SandboxKit } from '../../../src/connector/sandbox/kit.ts';
import type { Logger } from '../../../src/observability/logger.ts';
import {
  registerSessionCheck,
  registerSessionControlRoutes,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  SANDBOX_ORG_ID,
  userDirectory,
  type ConnectedApp,
} from './auth.ts';
import { faultBody, notFound, SalesforceApiError, sendSalesforceError } from './errors.ts';
import { standardSObjects } from './schema.ts';
import { seedSalesforce, INTEGRATION_USERNAME, type SalesforceSeedCounts } from './seed.ts';
import { SessionRegistry } from './sessions.ts';
import { SalesforceStore } from './store.ts';
import { registerCollectionRoutes } from './routes/collections.ts';
import type { SalesforceRouteContext } from './routes/context.ts';
import { registerSalesforceControlRoutes } from './routes/control.ts';
import { registerIdentityRoutes } from './routes/identity.ts';
import { registerOAuthRoutes } from './routes/oauth.ts';
import { registerQueryRoutes } from './routes/query.ts';
import { registerReplicationRoutes } from './routes/replication.ts';
import { registerSObjectRoutes } from './routes/sobjects.ts';
import { registerToolingRoutes } from './routes/tooling.ts';

/** Options of {@link createSalesforceSandbox}; every field has a default. */
export interface SalesforceSandboxOptions {
  /** World seed (the same as the HubSpot and Odoo sandboxes'). Default 42. */
  seed?: number;
  /** Number of seeded people; companies = ceil(records / 3). Default 30; 0 seeds only the users and price book. */
  records?: number;
  /** Clock; default the system clock. Pass a ManualClock to control time in tests. */
  clock?: SandboxClock;
  /** Initial faults. */
  faults?: Partial<FaultSettings>;
  /** Logger; silent when absent. */
  logger?: Logger;
  /** Public base URL (instance URL, identity URLs, paging links); default the listening address. */
  publicUrl?: string;
  /** Access tokens accepted as they are, never expiring (like a session id pasted from a real org). */
  accessTokens?: string[];
  /** Session inactivity timeout, ms (Salesforce's default 2 h). Each use extends a session. */
  sessionTimeoutMs?: number;
  /** The connected app's certificate public key (SPKI PEM) that verifies JWT bearer assertions. */
  jwtPublicKeyPem?: string;
  /** The connected app's credentials; default SANDBOX_CLIENT_ID / SANDBOX_CLIENT_SECRET (see auth.ts). */
  connectedApp?: ConnectedApp;
}

/** A running (or ready to listen) Salesforce sandbox. */
export interface SalesforceSandbox {
  /** The fastify app (use `app.inject` in tests). */
  app: FastifyInstance;
  /** Records (in-process access). */
  store: SalesforceStore;
  /** Counters and faults. */
  kit: SandboxKit;
  /** Sessions (access tokens): issued, static, expiry. */
  sessions: SessionRegistry;
  /** What was seeded. */
  readonly seeded: SalesforceSeedCounts;
  /** The integration user's id. */
  readonly userId: string;
  /** The base URL once listening (else the configured publicUrl or ''). */
  readonly url: string;
  /** Starts listening on `host`:`port` (0 = any free port); resolves to the URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Delivers due push messages now. */
  flushPush(): Promise<void>;
  /** Stops push and the server. */
  close(): Promise<void>;
}

/** Builds a Salesforce sandbox (not yet listening). */
export async function createSalesforceSandbox(options: SalesforceSandboxOptions = {}): Promise<SalesforceSandbox> {
  const clock = options.clock ?? systemClock;
  const seedOptions = { seed: options.seed ?? 42, records: options.records ?? 30 };
  const app: FastifyInstance = options.logger
    ? Fastify({
        loggerInstance: options.logger as FastifyBaseLogger,
        logController: new LogController({ disableRequestLogging: true }),
      })
    : Fastify({ logger: false });
  const store = new SalesforceStore(clock, standardSObjects(), clock.now() - 90 * 24 * 3600_000);
  let seeded = seedSalesforce(store, seedOptions);
  let listeningUrl = '';
  const userOf = (username: string): string =>
    String([...store.rows('User', false)].find((u) => u['Username'] === username)?.['Id'] ?? '');
  const sessions = new SessionRegistry({
    clock,
    orgId: SANDBOX_ORG_ID,
    staticTokens: options.accessTokens ?? [],
    ...(options.sessionTimeoutMs !== undefined ? { timeoutMs: options.sessionTimeoutMs } : {}),
  });

  const kit = registerSandboxKit(app, {
    name: 'salesforce',
    clock,
    ...(options.faults ? { faults: options.faults } : {}),
    errorBody: faultBody,
    onReset: ({ data }) => {
      sessions.reset();
      if (!data) return;
      store.clear();
      store.duplicateRuleOnContactEmail = true;
      seeded = seedSalesforce(store, seedOptions);
    },
    state: () => ({ seeded, sessions: sessions.stats() }),
  });

  registerSessionCheck(app, sessions);

  const ctx: SalesforceRouteContext = {
    store,
    kit,
    userId: () => userOf(INTEGRATION_USERNAME),
    baseUrl: () => options.publicUrl ?? listeningUrl,
  };

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof SalesforceApiError) return sendSalesforceError(reply, err);
    const status = err.statusCode ?? 500;
    if (status < 500) {
      return sendSalesforceError(reply, new SalesforceApiError(400, 'JSON_PARSER_ERROR', err.message));
    }
    request.log.error({ err }, 'sandbox route failed');
    return reply.code(500).send(faultBody(500));
  });
  app.setNotFoundHandler((_request, reply) => sendSalesforceError(reply, notFound()));

  const authDeps = {
    sessions,
    clock,
    app: options.connectedApp ?? { clientId: SANDBOX_CLIENT_ID, clientSecret: SANDBOX_CLIENT_SECRET },
    baseUrl: ctx.baseUrl,
    ...userDirectory(store, INTEGRATION_USERNAME),
    jwtPublicKeyPem: options.jwtPublicKeyPem,
  };
  registerOAuthRoutes(app, authDeps);
  registerIdentityRoutes(app, authDeps);
  registerSessionControlRoutes(app, sessions);
  registerSObjectRoutes(app, ctx);
  registerReplicationRoutes(app, ctx);
  registerCollectionRoutes(app, ctx);
  registerQueryRoutes(app, ctx);
  registerToolingRoutes(app, ctx);
  const flushPush = async (): Promise<void> => {};
  registerSalesforceControlRoutes(app, ctx, {
    adminUserId: () => userOf('admin@frontback-sandbox.example'),
    flushPush: async () => {
      await flushPush();
      return { ok: true };
    },
  });
  await app.ready();

  return {
    app,
    store,
    kit,
    sessions,
    get seeded() {
      return seeded;
    },
    get userId() {
      return ctx.userId();
    },
    get url() {
      return options.publicUrl ?? listeningUrl;
    },
    async listen(port = 0, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      listeningUrl = `http://${host}:${actual}`;
      return listeningUrl;
    },
    flushPush,
    async close() {
      await app.close();
    },
  };
}
