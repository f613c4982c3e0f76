/**
 * The HubSpot sandbox: a local fastify server speaking HubSpot's CRM v3 / associations v4
 * wire format, seeded deterministically, with webhooks, rate limits, auth, faults and a
 * `/_sandbox/` control API. Tests start it in-process; `frontback sandbox hubspot` starts
 * it from the command line.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { systemClock, type SandboxClock } from '../../../src/connector/sandbox/clock.ts';
import type { FaultSettings } from '../../../src/connector/sandbox/faults.ts';
import { isControlPath, registerSandboxKit, type SandboxKit } from '../../../src/connector/sandbox/kit.ts';
import type { WebhookDispatcher } from '../../../src/connector/sandbox/webhook-dispatcher.ts';
import type { Logger } from '../../../src/observability/logger.ts';
import { AssociationStore } from './association-store.ts';
import { TokenRegistry } from './auth.ts';
import type { SandboxContext } from './context.ts';
import { HubSpotStore } from './data-store.ts';
import type { SearchLag } from './search-index.ts';
import { faultBody, HubSpotApiError, sendHubSpotError } from './errors.ts';
import { customObjectType, standardObjectTypes, type CustomObjectOptions } from './properties.ts';
import { defaultRateLimits, RateLimiter, type RateLimitSettings } from './rate-limit.ts';
import { registerAssociationRoutes } from './routes/associations.ts';
import { registerBatchRoutes } from './routes/batch.ts';
import { registerControlRoutes } from './routes/control.ts';
import { registerOAuthRoutes, type OAuthOptions } from './routes/oauth.ts';
import { registerObjectRoutes } from './routes/objects.ts';
import { registerPropertyRoutes } from './routes/properties.ts';
import { registerSearchRoutes } from './routes/search.ts';
import { seedHubSpot, type SeedCounts } from './seed.ts';
import {
  createHubSpotDispatcher,
  WebhookEventFactory,
  type HubSpotWebhookEvent,
  type HubSpotWebhookOptions,
} from './webhooks.ts';

/** The sandbox-only fake access token accepted by default. Not a secret. */
export const DEFAULT_SANDBOX_TOKEN = 'sandbox-hubspot-token';

/** Options of {@link createHubSpotSandbox}; every field has a default. */
export interface HubSpotSandboxOptions {
  /** Seed of the generated data. Default 42. */
  seed?: number;
  /** Number of seeded contacts (companies, products, deals proportional). Default 30; 0 seeds nothing. */
  records?: number;
  /** Creation time of the first seeded record, epoch ms. Default 2024-06-01T00:00:00Z. */
  seedEpochMs?: number;
  /** Clock; default the system clock. Pass a ManualClock to control time in tests. */
  clock?: SandboxClock;
  /** Accepted bearer tokens (private-app style). Default [{@link DEFAULT_SANDBOX_TOKEN}]. */
  accessTokens?: string[];
  /** OAuth app credentials for `POST /oauth/v1/token` (fakes). */
  oauth?: Partial<OAuthOptions>;
  /** HubSpot account id in webhooks. Default 62515. */
  portalId?: number;
  /** App id in webhooks. Default 54321. */
  appId?: number;
  /** Rate limits; see {@link RateLimitSettings}. */
  rateLimits?: Partial<RateLimitSettings>;
  /** Initial faults. */
  faults?: Partial<FaultSettings>;
  /** Webhook delivery; no webhooks when absent. */
  webhooks?: HubSpotWebhookOptions;
  /** changeSource of API writes in webhooks. Default `INTEGRATION`. */
  apiChangeSource?: string;
  /** Custom object types. */
  customObjects?: CustomObjectOptions[];
  /** Logger; silent when absent. */
  logger?: Logger;
  /** Public base URL used in paging links; default the listening address. */
  publicUrl?: string;
  /**
   * How far search lags writes (search-index.ts): the most milliseconds a change takes to
   * reach search (each change gets a stable share of it), or a function giving each
   * change's lag. Default 0: search is exact.
   */
  searchLag?: SearchLag;
}

/** A running (or ready to listen) HubSpot sandbox. */
export interface HubSpotSandbox {
  /** The fastify app (use `app.inject` in tests). */
  app: FastifyInstance;
  /** Records (in-process access, e.g. `store.bulkInsert`). */
  store: HubSpotStore;
  /** Associations. */
  associations: AssociationStore;
  /** Counters and faults. */
  kit: SandboxKit;
  /** Rate limiter (its `settings` are live). */
  rateLimiter: RateLimiter;
  /** Accepted tokens. */
  tokens: TokenRegistry;
  /** Webhook dispatcher, when webhooks are configured. */
  dispatcher: WebhookDispatcher<Omit<HubSpotWebhookEvent, 'attemptNumber'>> | undefined;
  /** What was seeded. */
  seeded: SeedCounts;
  /** The base URL once listening (else the configured publicUrl or ''). */
  readonly url: string;
  /** Starts listening on 127.0.0.1:`port` (0 = any free port); resolves to the URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Delivers due webhooks now. */
  flushWebhooks(): Promise<void>;
  /** Stops webhooks and the server. */
  close(): Promise<void>;
}

/** Builds a HubSpot sandbox (not yet listening). */
export async function createHubSpotSandbox(options: HubSpotSandboxOptions = {}): Promise<HubSpotSandbox> {
  const clock = options.clock ?? systemClock;
  const portalId = options.portalId ?? 62515;
  const appId = options.appId ?? 54321;
  const seedOptions = {
    seed: options.seed ?? 42,
    records: options.records ?? 30,
    seedEpochMs: options.seedEpochMs ?? Date.UTC(2024, 5, 1),
  };
  const app: FastifyInstance = options.logger
    ? Fastify({
        loggerInstance: options.logger as FastifyBaseLogger,
        logController: new LogController({ disableRequestLogging: true }),
      })
    : Fastify({ logger: false });
  const store = new HubSpotStore(
    clock,
    [...standardObjectTypes(), ...(options.customObjects ?? []).map(customObjectType)],
    portalId,
  );
  if (options.searchLag !== undefined) store.searchIndex.setLag(options.searchLag);
  const associations = new AssociationStore();
  const rateLimiter = new RateLimiter(clock, { ...defaultRateLimits(), ...options.rateLimits });
  const tokens = new TokenRegistry(clock, options.accessTokens ?? [DEFAULT_SANDBOX_TOKEN]);
  let seeded = seedHubSpot(store, associations, seedOptions);
  let listeningUrl = '';

  const dispatcher = options.webhooks ? createHubSpotDispatcher(options.webhooks, clock, options.logger) : undefined;
  if (dispatcher) {
    const events = new WebhookEventFactory(portalId, appId);
    store.onChange((change) => {
      for (const e of events.eventsFor(change)) dispatcher.enqueue(e);
    });
  }

  const kit = registerSandboxKit(app, {
    name: 'hubspot',
    clock,
    ...(options.faults ? { faults: options.faults } : {}),
    errorBody: faultBody,
    onReset: ({ data }) => {
      rateLimiter.reset();
      if (!data) return;
      store.clear();
      associations.clear();
      seeded = seedHubSpot(store, associations, seedOptions);
    },
    state: () => ({
      seeded,
      limits: { ...rateLimiter.settings },
      searchLagMs: typeof store.searchIndex.lag === 'number' ? store.searchIndex.lag : 'per change',
      webhooks: dispatcher?.stats() ?? null,
    }),
  });

  const ctx: SandboxContext = {
    store,
    associations,
    kit,
    clock,
    apiChangeSource: options.apiChangeSource ?? 'INTEGRATION',
    baseUrl: () => options.publicUrl ?? listeningUrl,
  };

  app.addHook('onRequest', async (request, reply) => {
    if (isControlPath(request.url) || request.url.startsWith('/oauth/')) return;
    tokens.check(request);
    const decision = rateLimiter.take(/\/search(\?|$)/.test(request.url));
    void reply.headers(decision.headers);
    if (decision.refused) return reply.code(429).send(decision.refused);
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof HubSpotApiError) return sendHubSpotError(reply, err);
    const status = err.statusCode ?? 500;
    if (status < 500) {
      const category = status === 415 || status === 413 || status === 400 ? 'VALIDATION_ERROR' : 'INTERNAL_ERROR';
      return sendHubSpotError(reply, new HubSpotApiError(status, `Invalid input JSON: ${err.message}`, category));
    }
    request.log.error({ err }, 'sandbox route failed');
    return sendHubSpotError(reply, new HubSpotApiError(500, 'internal error', 'INTERNAL_ERROR'));
  });
  app.setNotFoundHandler((request, reply) =>
    sendHubSpotError(
      reply,
      new HubSpotApiError(
        404,
        `Unable to find a resource for ${request.method} ${request.url.split('?')[0] ?? ''}`,
        'OBJECT_NOT_FOUND',
      ),
    ),
  );

  registerOAuthRoutes(app, tokens, {
    clientId: 'sandbox-client-id',
    clientSecret: 'sandbox-client-secret',
    refreshToken: 'sandbox-refresh-token',
    expiresInSec: 1800,
    ...options.oauth,
  });
  registerObjectRoutes(app, ctx);
  registerSearchRoutes(app, ctx);
  registerBatchRoutes(app, ctx);
  registerPropertyRoutes(app, ctx);
  registerAssociationRoutes(app, ctx);
  const flushWebhooks = async (): Promise<void> => {
    await dispatcher?.flush();
  };
  registerControlRoutes(app, ctx, rateLimiter, async () => {
    await flushWebhooks();
    return { ...(dispatcher?.stats() ?? { delivered: 0, failed: 0, pending: 0, attempts: 0 }) };
  });
  await app.ready();

  return {
    app,
    store,
    associations,
    kit,
    rateLimiter,
    tokens,
    dispatcher,
    get seeded() {
      return seeded;
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
    flushWebhooks,
    async close() {
      await dispatcher?.stop();
      await app.close();
    },
  };
}
