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
import { ApiLimits, registerApiLimits } from './limits.ts';
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
import { registerSoapRoutes } from './routes/soap.ts';
import { soapLogin } from './soap-login.ts';
import { importJwtKey } from './oauth-grants.ts';
import { mergeRecords } from './merge.ts';
import { createCallouts } from './push/callout.ts';
import { createOutboundMessages } from './push/outbound-messages.ts';
import type { WebhookDispatcherStats } from '../../../src/connector/sandbox/webhook-dispatcher.ts';

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
  /** API requests allowed per rolling 24 hours. Default 100,000. */
  dailyApiLimit?: number;
  /** A request in flight this long (ms, wall clock) counts as long-running. Default 20,000. */
  longRequestMs?: number;
  /** Long-running requests allowed at once. Default 25. */
  maxLongRequests?: number;
  /** Session inactivity timeout, ms (Salesforce's default 2 h). Each use extends a session. */
  sessionTimeoutMs?: number;
  /** The connected app's certificate public key (SPKI PEM) that verifies JWT bearer assertions. */
  jwtPublicKeyPem?: string;
  /** The connected app's credentials; default SANDBOX_CLIENT_ID / SANDBOX_CLIENT_SECRET (see auth.ts). */
  connectedApp?: ConnectedApp;
  /** Outbound Messages (SOAP `notifications`, workflow-rule style) to this endpoint; off when absent. */
  outboundMessages?: SalesforceOutboundOptions;
  /** JSON callouts signed with HMAC-SHA256, as an Apex trigger sends them; off when absent. */
  callout?: SalesforceCalloutOptions;
}

/** Where and what the sandbox's Outbound Messages send (docs/sandboxes.md, "Push"). */
export interface SalesforceOutboundOptions {
  /** The endpoint URL. */
  url: string;
  /** Objects with an outbound message; default Account and Contact. */
  objects?: string[];
  /** Fields sent per object; default every field that has a value. */
  fields?: Record<string, string[]>;
  /** "Send Session ID": put a live session id in each message. Default false. */
  sendSessionId?: boolean;
  /** Real-time delivery interval, ms; default 1000; 0 = only on flushPush() (tests). */
  flushIntervalMs?: number;
  /** Seed of the (deliberately shuffled) delivery order; default 1. */
  seed?: number;
}

/** Where the sandbox's signed JSON callouts go (docs/sandboxes.md, "Push"). */
export interface SalesforceCalloutOptions {
  /** Receiver URL. */
  url: string;
  /** Shared HMAC secret. */
  secret: string;
  /** Objects whose changes are sent; default every object. */
  objects?: string[];
  /** Real-time delivery interval, ms; default 1000; 0 = only on flushPush() (tests). */
  flushIntervalMs?: number;
}

/** Delivery counters of the push channels that are on. */
export interface SalesforcePushStats {
  outboundMessages?: WebhookDispatcherStats;
  callout?: WebhookDispatcherStats;
}

/** A running (or ready to listen) Salesforce sandbox. */
export interface SalesforceSandbox {
  /** The fastify app (use `app.inject` in tests). */
  app: FastifyInstance;
  /** Records (in-process access). */
  store: SalesforceStore;
  /** Counters and faults. */
  kit: SandboxKit;
  /** API limits (daily allowance, concurrent long requests). */
  limits: ApiLimits;
  /** Sessions (access tokens): issued, static, expiry. */
  sessions: SessionRegistry;
  /** What was seeded. */
  readonly seeded: SalesforceSeedCounts;
  /** The integration user's id. */
  readonly userId: string;
  /** The org's id (`00D...`), as Outbound Messages and the identity URL carry it. */
  readonly orgId: string;
  /** The base URL once listening (else the configured publicUrl or ''). */
  readonly url: string;
  /** Starts listening on `host`:`port` (0 = any free port); resolves to the URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Delivers due push messages now. */
  flushPush(): Promise<void>;
  /** Push delivery counters (also in `GET /_sandbox/stats` as `push`). */
  pushStats(): SalesforcePushStats;
  /** Stops push and the server. */
  close(): Promise<void>;
}

/** Builds a Salesforce sandbox (not yet listening). */
export async function createSalesforceSandbox(options: SalesforceSandboxOptions = {}): Promise<SalesforceSandbox> {
  if (options.jwtPublicKeyPem !== undefined) {
    try {
      await importJwtKey(options.jwtPublicKeyPem);
    } catch (err) {
      throw new Error(
        `jwtPublicKeyPem is neither an RSA public key ("BEGIN PUBLIC KEY") nor an X.509 certificate: ${
          err instanceof Error ? err.message : String(err)
        }`,
        { cause: err },
      );
    }
  }
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
  const orgId = SANDBOX_ORG_ID;
  const userOf = (username: string): string =>
    String([...store.rows('User', false)].find((u) => u['Username'] === username)?.['Id'] ?? '');
  const sessions = new SessionRegistry({
    clock,
    orgId: SANDBOX_ORG_ID,
    staticTokens: options.accessTokens ?? [],
    ...(options.sessionTimeoutMs !== undefined ? { timeoutMs: options.sessionTimeoutMs } : {}),
  });

  const { dailyApiLimit, longRequestMs, maxLongRequests } = options;
  const limits = new ApiLimits(clock, { dailyApiLimit, longRequestMs, maxLongRequests });
  // Before the kit: a request's in-flight time must start before the latency fault holds it.
  registerApiLimits(app, limits);
  const kit = registerSandboxKit(app, {
    name: 'salesforce',
    clock,
    ...(options.faults ? { faults: options.faults } : {}),
    errorBody: faultBody,
    onReset: ({ data }) => {
      limits.reset();
      sessions.reset();
      if (!data) return;
      store.clear();
      store.duplicateRuleOnContactEmail = true;
      seeded = seedSalesforce(store, seedOptions);
    },
    state: () => ({ seeded, orgId, sessions: sessions.stats(), limits: limits.state(), push: pushStats() }),
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
  // The REST API has no merge: clients call the SOAP API's merge() (routes/soap.ts).
  registerSoapRoutes(app, {
    checkSession: (token) => sessions.use(token),
    logout: (token) => void sessions.revoke(token),
    merge: (type, masterId, loserIds, fields) =>
      mergeRecords(store, type, masterId, loserIds, fields, { origin: 'api', userId: ctx.userId() }),
    login: soapLogin({ sessions, baseUrl: ctx.baseUrl, ...userDirectory(store, INTEGRATION_USERNAME) }),
  });
  // "Send Session ID": one session of the integration user, renewed when it has ended.
  let pushToken: string | undefined;
  const pushSession = (): string => {
    if (pushToken === undefined || !sessions.use(pushToken))
      pushToken = sessions.issue(ctx.userId(), 'outbound_message').token;
    return pushToken;
  };

  const baseUrl = (): string => options.publicUrl ?? listeningUrl;
  const outbound = options.outboundMessages
    ? createOutboundMessages({
        url: options.outboundMessages.url,
        orgId,
        baseUrl,
        clock,
        describe: (name) => store.type(name),
        ...(options.outboundMessages.objects ? { objects: options.outboundMessages.objects } : {}),
        ...(options.outboundMessages.fields ? { fields: options.outboundMessages.fields } : {}),
        ...(options.outboundMessages.sendSessionId ? { sessionId: () => pushSession() } : {}),
        ...(options.outboundMessages.flushIntervalMs === undefined
          ? {}
          : { flushIntervalMs: options.outboundMessages.flushIntervalMs }),
        ...(options.outboundMessages.seed === undefined ? {} : { seed: options.outboundMessages.seed }),
        ...(options.logger ? { logger: options.logger } : {}),
      })
    : undefined;
  const callouts = options.callout
    ? createCallouts({
        url: options.callout.url,
        secret: options.callout.secret,
        orgId,
        clock,
        userId: ctx.userId(),
        ...(options.callout.objects ? { objects: options.callout.objects } : {}),
        ...(options.callout.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.callout.flushIntervalMs }),
        ...(options.logger ? { logger: options.logger } : {}),
      })
    : undefined;
  if (outbound) store.onChange(outbound.listener);
  if (callouts) store.onChange(callouts.listener);
  function pushStats(): SalesforcePushStats {
    return {
      ...(outbound ? { outboundMessages: outbound.stats() } : {}),
      ...(callouts ? { callout: callouts.stats() } : {}),
    };
  }
  const flushPush = async (): Promise<void> => {
    await outbound?.flush();
    await callouts?.flush();
  };
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
    limits,
    sessions,
    get seeded() {
      return seeded;
    },
    get userId() {
      return ctx.userId();
    },
    orgId,
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
    pushStats,
    async close() {
      await outbound?.stop();
      await callouts?.stop();
      await app.close();
    },
  };
}
