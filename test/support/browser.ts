/**
 * Tests in a real browser (test/browser; docs/console.md, "Browser tests"): the system's
 * Chromium driven by playwright-core, which downloads no browser of its own. Like the Redis
 * and PostgreSQL suites (env.ts), a missing Chromium skips the suite with one loud line
 * saying how to install it, and fails it under CI=true (.ci/run installs Debian's).
 *
 * A file's template:
 *
 *     describeBrowser('the sign-in page', () => {
 *       const b = useBrowser();
 *       it('signs in', async () => {
 *         await b.page.goto(url);
 *         ...
 *         await screenshot(b.page, 'sign-in');
 *         expect(b.problems()).toEqual([]);
 *       });
 *     });
 *
 * One browser per file (launched in beforeAll), a fresh context (cookies, storage) and page
 * per test; a failing test leaves a screenshot in test-results/console/ (git-ignored).
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { projectRoot, required } from './env.ts';

/** How to get a browser, in the SKIPPED line and the CI failure. */
export const CHROMIUM_HINT =
  'install it with `apt-get install -y chromium` (Debian; `chromium-browser` elsewhere) or set FRONTBACK_CHROMIUM ' +
  'to a Chromium or Chrome executable';

/** Where screenshots go: test-results/console/<name>.png (git-ignored). */
export const SCREENSHOT_DIR = resolve(projectRoot, 'test-results', 'console');

/** A browser test's time limit, ms: a cold Chromium start on two busy cores takes seconds. */
export const BROWSER_TEST_TIMEOUT_MS = 60_000;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium to drive: FRONTBACK_CHROMIUM, else `chromium` or `chromium-browser` on the PATH, else /usr/bin/chromium. */
export function findChromium(): string | undefined {
  const forced = process.env.FRONTBACK_CHROMIUM;
  if (forced) return executable(forced) ? forced : undefined;
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of ['chromium', 'chromium-browser']) {
    const found = dirs.map((dir) => join(dir, name)).find(executable);
    if (found) return found;
  }
  return executable('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

/** True when a Chromium is found; false after the SKIPPED line; under CI=true throws instead. */
export function haveChromium(): boolean {
  const forced = process.env.FRONTBACK_CHROMIUM;
  const what = forced ? `Chromium at FRONTBACK_CHROMIUM=${forced}` : 'Chromium';
  return required(what, findChromium() !== undefined, CHROMIUM_HINT);
}

/** `describe`, skipped (or failing under CI=true) without Chromium, with the browser test time limit. */
export function describeBrowser(name: string, body: () => void): void {
  describe.skipIf(!haveChromium())(name, { timeout: BROWSER_TEST_TIMEOUT_MS }, body);
}

/** Starts the Chromium of {@link findChromium}, headless. Close it (afterAll) or the test process keeps it. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error(`no Chromium found: ${CHROMIUM_HINT}`);
  return chromium.launch({
    executablePath,
    headless: true,
    // Root in CI containers: Chromium's sandbox needs user namespaces they do not grant.
    args: ['--no-sandbox'],
    timeout: BROWSER_TEST_TIMEOUT_MS,
  });
}

/** Saves a full-page PNG of `page` as test-results/console/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * What went wrong in `page` since this call, one line each: console errors, uncaught
 * exceptions, requests that failed (network) and answers of status 400 or more. A test
 * asserts `problems()` is empty, or filters out the refusals it provoked.
 */
export function watchPage(page: Page): () => string[] {
  const seen: string[] = [];
  page.on('console', (message) => {
    // A failed load logs only "Failed to load resource: ... 404": its location says which (often /favicon.ico).
    const where = message.location().url;
    if (message.type() === 'error') seen.push(`console error: ${message.text()}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (error) => seen.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) =>
    seen.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400)
      seen.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return () => [...seen];
}

/** The browser, page and problems of the test running now ({@link useBrowser}). */
export interface BrowserTest {
  /** The file's browser (one per file). */
  readonly browser: Browser;
  /** This test's context: its own cookies and storage. */
  readonly context: BrowserContext;
  /** This test's page. */
  readonly page: Page;
  /** {@link watchPage} of this test's page. */
  problems(): string[];
}

/**
 * Registers the hooks of a browser file (call it inside {@link describeBrowser}): the
 * browser launched once, a fresh context and page for each test, a screenshot
 * `<test name>-failed` when a test fails, everything closed at the end.
 */
export function useBrowser(): BrowserTest {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let problems: () => string[] = () => [];
  const current = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`no ${what}: use it inside a test of a useBrowser() suite`);
    return value;
  };

  beforeAll(async () => {
    browser = await launchBrowser();
  }, BROWSER_TEST_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    context = await current(browser, 'browser').newContext();
    page = await context.newPage();
    problems = watchPage(page);
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail' && page) await screenshot(page, `${task.name}-failed`).catch(() => undefined);
    await context?.close();
    context = page = undefined;
  });

  return {
    get browser() {
      return current(browser, 'browser');
    },
    get context() {
      return current(context, 'context');
    },
    get page() {
      return current(page, 'page');
    },
    problems: () => problems(),
  };
}
