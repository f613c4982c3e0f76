/**
 * Issue #16 part 3: the admin API described by OpenAPI 3.1, generated from the zod
 * schemas its routes validate with. The document is valid OpenAPI 3.1; every route
 * registered under /admin is in it (collected with fastify's onRoute hook, so a new route
 * without a schema fails here); a bad field is still a 400 in the envelope naming it; the
 * document and the reference page are behind the admin token (or a console's session),
 * and /openapi.json and /docs redirect to them.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import type * as FastifyModule from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import pkg from '../../../package.json' with { type: 'json' };
import { ErrorCode } from '../../../src/errors.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import type { AdminOptions } from '../../../src/server/admin-routes.ts';
import { buildServer } from '../../../src/server/app.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { syncEngine } from '../../../src/sync/engine.ts';

/** Every route fastify registers, as its onRoute hook sees it (added to each instance at creation). */
const registered = vi.hoisted(() => [] as { method: string; url: string }[]);
vi.mock('fastify', async (importOriginal) => {
  const actual = await importOriginal<typeof FastifyModule>();
  const create = (options?: FastifyModule.FastifyServerOptions): FastifyInstance => {
    const app = actual.default(options) as unknown as FastifyInstance;
    app.addHook('onRoute', (route) => {
      const methods: readonly string[] = Array.isArray(route.method) ? route.method : [route.method as string];
      for (const method of methods) registered.push({ method, url: route.url });
    });
    return app;
  };
  return { ...actual, default: create };
});

const TOKEN = 'admin-token-for-the-openapi-tests-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

interface Document {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }>; schemas: Record<string, unknown> };
  security: Record<string, unknown>[];
}

let store: Store;
let app: FastifyInstance;

async function server(admin: Partial<AdminOptions> = {}): Promise<FastifyInstance> {
  return buildServer({
    connectors: new Map(),
    store,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    bodyLimitBytes: 1_048_576,
    admin: { token: TOKEN, engine: syncEngine([], new Map(), store), ...admin },
  });
}

beforeEach(async () => {
  registered.length = 0;
  store = await createStore({ url: ':memory:' });
  app = await server();
});
afterEach(async () => {
  await app.close();
  await store.close();
});

async function documentOf(target: FastifyInstance): Promise<Document> {
  const res = await target.inject({ method: 'GET', url: '/admin/openapi.json', headers: auth });
  expect(res.statusCode).toBe(200);
  return res.json() as Document;
}

describe('the OpenAPI document of the admin API', () => {
  it('is valid OpenAPI 3.1, versioned as the package, with the bearer scheme and the error envelope', async () => {
    const doc = await documentOf(app);
    const verdict = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(verdict.errors ?? []).toEqual([]);
    expect(verdict.valid).toBe(true);
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.version).toBe(pkg.version);
    expect(doc.components.securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ adminToken: [] }]);
    expect(doc.components.schemas.ErrorEnvelope).toMatchObject({
      properties: { error: { properties: { code: { enum: Object.values(ErrorCode) } } } },
    });
    // Every route says what it answers: 200 (202 for what is queued), and the errors every admin route can give.
    for (const [path, operations] of Object.entries(doc.paths))
      for (const [method, operation] of Object.entries(operations)) {
        const statuses = Object.keys(operation.responses);
        expect([`${method} ${path}`, statuses]).toEqual([
          `${method} ${path}`,
          expect.arrayContaining(['401', '429', '500']),
        ]);
        expect([`${method} ${path}`, statuses.some((s) => s === '200' || s === '202')]).toEqual([
          `${method} ${path}`,
          true,
        ]);
      }
    // A body with defaults may be left out; one without may not.
    expect(doc.paths['/admin/mappings/{id}/dry-run']!.post!.requestBody).toMatchObject({ required: false });
    expect(doc.paths['/admin/conflicts/{id}/resolve']!.post!.requestBody).toMatchObject({ required: true });
    expect(Object.keys(doc.paths['/admin/conflicts/{id}/resolve']!.post!.responses)).toEqual([
      '200',
      '400',
      '401',
      '404',
      '409',
      '429',
      '500',
    ]);
  });

  it('holds every route registered under /admin', async () => {
    const doc = await documentOf(app);
    const reference = /^\/admin\/(openapi\.json|docs(\/.*)?)$/;
    const routes = registered
      .filter((r) => r.url.startsWith('/admin/') && r.method !== 'HEAD' && !reference.test(r.url))
      .map((r) => `${r.method.toLowerCase()} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(routes.length).toBeGreaterThanOrEqual(20);
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path}`),
    );
    expect(routes.filter((r) => !documented.includes(r))).toEqual([]);
  });

  it('is what the routes check: a 400 in the envelope naming each bad field; no body takes the defaults', async () => {
    const limit = await app.inject({ method: 'GET', url: '/admin/runs?limit=0', headers: auth });
    expect(limit.statusCode).toBe(400);
    expect(limit.json()).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(/^query\.limit: /),
        details: { problems: [expect.stringMatching(/^query\.limit: /)] },
      },
    });
    const take = await app.inject({
      method: 'POST',
      url: '/admin/conflicts/x/resolve',
      headers: auth,
      payload: { take: 'both', by: 'dana', extra: 1 },
    });
    expect(take.statusCode).toBe(400);
    expect(take.json().error.details.problems).toEqual([
      expect.stringMatching(/^body\.take: /),
      expect.stringMatching(/^body: Unrecognized key: "extra"/),
    ]);
    // No body at all: `by` takes its default and the route answers for the mapping, not for the body.
    const accept = await app.inject({ method: 'POST', url: '/admin/mappings/nope/accept', headers: auth });
    expect(accept.statusCode).toBe(404);
  });
});

describe('where the document and the reference page are', () => {
  it('behind the admin token; the reference page is served from the package', async () => {
    const bare = await app.inject({ method: 'GET', url: '/admin/openapi.json' });
    expect(bare.statusCode).toBe(401);
    expect(bare.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(bare.json().error).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/Bearer/) });
    const wrong = await app.inject({
      method: 'GET',
      url: '/admin/docs',
      headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` },
    });
    expect(wrong.statusCode).toBe(401);
    const page = await app.inject({ method: 'GET', url: '/admin/docs', headers: auth });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).not.toMatch(/https?:\/\/[^"']*(unpkg|jsdelivr|cdnjs)/);
    // Over plain HTTP too (127.0.0.1, or TLS ended in front): the page's own requests are not upgraded to https.
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
    // Its scripts and styles, as the browser resolves them from the page's address.
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map(
      (m) => new URL(m[1]!, 'http://frontback.test/admin/docs').pathname,
    );
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      const res = await app.inject({ method: 'GET', url: asset, headers: auth });
      expect([asset, res.statusCode]).toEqual([asset, 200]);
    }
  });

  it('readable by a signed-in console user without the token; the rest of /admin still needs it', async () => {
    const console = await server({ signedIn: (request) => request.headers.cookie === 'session=signed-in' });
    try {
      const cookie = { cookie: 'session=signed-in' };
      expect((await console.inject({ method: 'GET', url: '/admin/openapi.json', headers: cookie })).statusCode).toBe(
        200,
      );
      expect((await console.inject({ method: 'GET', url: '/admin/docs', headers: cookie })).statusCode).toBe(200);
      expect((await console.inject({ method: 'GET', url: '/admin/runs', headers: cookie })).statusCode).toBe(401);
      expect(
        (await console.inject({ method: 'GET', url: '/admin/openapi.json', headers: { cookie: 'session=other' } }))
          .statusCode,
      ).toBe(401);
    } finally {
      await console.close();
    }
  });

  it('/openapi.json and /docs redirect to them', async () => {
    for (const [from, to] of [
      ['/openapi.json', '/admin/openapi.json'],
      ['/docs', '/admin/docs'],
    ]) {
      const res = await app.inject({ method: 'GET', url: from! });
      expect([from, res.statusCode, res.headers.location]).toEqual([from, 302, to]);
    }
  });
});
