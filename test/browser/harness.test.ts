/**
 * The browser harness (test/support/browser.ts) against a tiny fastify server built here:
 * a page with a form, filled and submitted in Chromium, its answer read and screenshotted.
 * The template of the console's browser tests. Without Chromium the browser suite is
 * skipped with how to install it (a failure under CI=true); the rule itself is tested
 * without a browser.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeBrowser, screenshot, useBrowser } from '../support/browser.ts';
import { projectRoot } from '../support/env.ts';

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const page = (body: string): string =>
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>harness</title>' +
  // No icon asked for, Chromium fetches /favicon.ico: a 404 among the page's problems.
  '<link rel="icon" href="data:,"></head>' +
  `<body>${body}</body></html>`;

/** A form that greets whom you name; /broken logs an error and loads an image that is not there. */
async function tinyServer(): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  await app.register(formbody);
  app.get('/', async (_req, reply) =>
    reply
      .type('text/html')
      .send(
        page(
          '<form method="post" action="/greet"><label>Name <input name="name" required></label>' +
            '<button type="submit">Greet</button></form>',
        ),
      ),
  );
  app.post<{ Body: { name?: string } }>('/greet', async (req, reply) =>
    reply.type('text/html').send(page(`<p id="greeting">Hello, ${escapeHtml(req.body.name ?? '')}!</p>`)),
  );
  app.get('/broken', async (_req, reply) =>
    reply.type('text/html').send(page('<img src="/missing.png" alt=""><script>console.error("boom")</script>')),
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

describeBrowser('the browser harness', () => {
  const b = useBrowser();
  let server: { app: FastifyInstance; url: string };
  beforeAll(async () => {
    server = await tinyServer();
  });
  afterAll(async () => {
    await server.app.close();
  });

  it('fills and submits a form, reads the answer and saves a full-page screenshot', async () => {
    await b.page.goto(server.url);
    await b.page.getByLabel('Name').fill('Ada <Lovelace>');
    await Promise.all([
      b.page.waitForURL(`${server.url}/greet`),
      b.page.getByRole('button', { name: 'Greet' }).click(),
    ]);
    expect(await b.page.locator('#greeting').textContent()).toBe('Hello, Ada <Lovelace>!');
    const path = await screenshot(b.page, 'harness-greeting');
    expect(path).toMatch(/test-results\/console\/harness-greeting\.png$/);
    expect(statSync(path).size).toBeGreaterThan(1000);
    expect(b.problems()).toEqual([]);
  });

  it("collects the page's console errors and failed requests", async () => {
    await b.page.goto(`${server.url}/broken`);
    await b.page.waitForLoadState('networkidle');
    const problems = b.problems();
    expect(problems).toContain(`console error: boom (${server.url}/broken)`);
    expect(problems).toContain(`HTTP 404: GET ${server.url}/missing.png`);
  });

  it('keeps the cookies a test sets to that test (1: sets one)', async () => {
    await b.context.addCookies([{ name: 'session', value: 'x', url: server.url }]);
    expect(await b.context.cookies()).toHaveLength(1);
  });

  it('keeps the cookies a test sets to that test (2: the next test has none)', async () => {
    expect(await b.context.cookies()).toEqual([]);
  });
});

describe('without Chromium', () => {
  const check = async (ci: string): Promise<boolean> => {
    vi.stubEnv('FRONTBACK_CHROMIUM', '/nonexistent/chromium');
    vi.stubEnv('CI', ci);
    vi.resetModules();
    try {
      const { haveChromium } = await import('../support/browser.ts');
      return haveChromium();
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  };

  it('skips the browser suites, saying how to install it', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await check('')).toBe(false);
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(/SKIPPED: Chromium at .*apt-get install -y chromium/);
    } finally {
      stderr.mockRestore();
    }
  });

  it('fails them under CI=true', async () => {
    await expect(check('true')).rejects.toThrow(/CI=true and Chromium .* is not available/);
  });
});

it('keeps screenshots out of git (test-results/ is ignored)', () => {
  expect(readFileSync(join(projectRoot, '.gitignore'), 'utf8')).toMatch(/^test-results\/$/m);
});
