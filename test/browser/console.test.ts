/**
 * The admin console in Chromium, as an admin uses it, on a real port against both
 * sandboxes with messy data: a page without a session sends to sign in; signing in; the
 * overview; previewing a record by id; queueing a plan and reading its stored plans; taking
 * the ERP side of a conflict; linking an ambiguous match (a candidate named
 * `<script>alert(1)</script>`, shown as text: no dialog opens); replaying a dead letter once
 * its cause is fixed; verifying the audit chain; a form stripped of its CSRF token refused.
 * Every decision is in the audit log with the admin's name. A screenshot of each page is
 * saved under test-results/console/. (Needs Chromium: mandatory under CI=true, skipped with
 * how to install it elsewhere.)
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Conflict } from '../../src/store/conflict-repository.ts';
import type { DeadLetter } from '../../src/store/dead-letter-repository.ts';
import type { Match } from '../../src/store/match-repository.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { AdminJobs } from '../../src/sync/runner/admin-jobs.ts';
import { inProcessAdminJobs, type InProcessAdminJobs } from '../../src/sync/runner/in-process-admin-jobs.ts';
import { runPass } from '../../src/sync/pass.ts';
import { ADA_TOKEN, startConsoleRig, type ConsoleRig } from '../support/console.ts';
import { describeBrowser, screenshot, useBrowser } from '../support/browser.ts';

const MAPPING = 'contacts-partners';
const SCRIPT = '<script>alert(1)</script>';

describeBrowser('the admin console in a browser', () => {
  const b = useBrowser();
  let consoleRig: ConsoleRig;
  let origin: string;
  let jobs: InProcessAdminJobs | undefined;
  let conflict: Conflict;
  /** The HubSpot contact of the conflict. */
  let crmId: string;
  let match: Match;
  let deadLetter: DeadLetter;
  /** alert(), confirm() or prompt() opened by any page: none may. */
  const dialogs: string[] = [];

  beforeAll(async () => {
    // The plan runs in this process in the background, as in an embedded `serve` (bound once the engine exists).
    const lazyJobs: AdminJobs = {
      plan: (...a) => jobs!.plan(...a),
      runNow: (...a) => jobs!.runNow(...a),
    };
    consoleRig = await startConsoleRig({ jobs: lazyJobs });
    jobs = inProcessAdminJobs({
      engine: consoleRig.engine,
      holder: 'browser-test',
      logger: createLogger({ level: 'silent' }),
    });
    const { rig } = consoleRig;
    const ctx = consoleRig.engine.context(MAPPING);
    await runPass(ctx, 'crm', { apply: true });

    // A conflict: both sides change one linked contact's job title before the next pass.
    const [pair] = await rig.store.links.list(MAPPING);
    await rig.connectors.crm.write('contacts', [
      { op: 'update', ref: 'c', id: pair!.crmId, fields: { jobtitle: 'Head of Purchasing' } },
    ]);
    await rig.connectors.erp.write('res.partner', [
      { op: 'update', ref: 'e', id: pair!.erpId, fields: { function: 'Purchasing Manager' } },
    ]);
    // An ambiguous match: a new HubSpot customer whose email two Odoo partners share (case and spaces differ).
    rig.hubspot.store.bulkInsert(
      rig.hubspot.store.requireType('contacts'),
      [{ email: 'twins@kestrel.example', firstname: 'Kestrel', lastname: 'Buyer', lifecyclestage: 'customer' }],
      { createdAt: Date.now(), modifiedAt: Date.now() },
    );
    await rig.connectors.erp.write('res.partner', [
      { op: 'create', ref: 'a', fields: { name: SCRIPT, email: 'twins@kestrel.example' } },
      { op: 'create', ref: 'b', fields: { name: 'Kestrel Dynamics, Inc.', email: ' TWINS@Kestrel.example ' } },
    ]);
    // A dead letter: a customer with no name, which Odoo refuses.
    await rig.connectors.crm.write('contacts', [
      { op: 'create', ref: 'n', fields: { email: 'nameless@kestrel.example', lifecyclestage: 'customer' } },
    ]);
    await runPass(ctx, 'crm', { apply: true });

    const one = <T>(list: readonly T[], what: string): T => {
      if (list.length !== 1) throw new Error(`expected one ${what}, found ${list.length}`);
      return list[0]!;
    };
    conflict = one(await rig.store.conflicts.list({ status: 'open', mappingId: MAPPING }), 'conflict');
    match = one(await rig.store.matches.list({ status: 'open', mappingId: MAPPING, kind: 'ambiguous' }), 'match');
    deadLetter = one(await rig.store.deadLetters.list({ status: 'open', mappingId: MAPPING }), 'dead letter');
    crmId = pair!.crmId;
    origin = await consoleRig.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await jobs?.close();
    await consoleRig?.close();
  });

  /** Signs in as Ada through the form, from wherever the console sent the browser. */
  async function signInAsAda(page: Page, path = '/console'): Promise<void> {
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${origin}${path}`);
    await page.fill('input[name="token"]', ADA_TOKEN);
    await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/sign-in')), page.click('button[type="submit"]')]);
  }

  it('sends a page without a session to sign in, and back to it after', async () => {
    const { page } = b;
    await page.goto(`${origin}/console/conflicts`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await screenshot(page, 'sign-in');
    await page.fill('input[name="token"]', ADA_TOKEN);
    await Promise.all([page.waitForURL(/\/console\/conflicts$/), page.click('button[type="submit"]')]);
    await expect(page.locator('[data-admin]').innerText()).resolves.toBe('Ada Lovelace');
    expect(b.problems()).toEqual([]);
  });

  it('shows the overview: the mapping, its counts, the stores and the budgets', async () => {
    const { page } = b;
    await signInAsAda(page);
    const row = page.locator('tr[data-mapping="contacts-partners"]');
    await expect(row.innerText()).resolves.toContain('hubspot/contacts');
    await expect(page.locator('text=API budgets').count()).resolves.toBe(1);
    await screenshot(page, 'overview');
    expect(b.problems()).toEqual([]);
  });

  it('previews a record by id: what a pass would do with it, writing nothing', async () => {
    const { page } = b;
    await signInAsAda(page, `/console/mappings/${MAPPING}`);
    const before = await consoleRig.rig.store.audit.tail(1);
    await page.selectOption('#preview-by-id select[name="side"]', 'crm');
    await page.fill('#preview-by-id input[name="record"]', crmId);
    await page.click('#preview-by-id [data-action="preview-by-id"]');
    await page.waitForSelector('#preview-result #explanation');
    await expect(page.locator('#preview-result tr[data-verdict]').count()).resolves.toBeGreaterThan(0);
    await screenshot(page, 'mapping-preview');
    expect(await consoleRig.rig.store.audit.tail(1)).toEqual(before);
    expect(b.problems()).toEqual([]);
  });

  it('queues a plan and reads its stored plans on the run page', async () => {
    const { page } = b;
    await signInAsAda(page, `/console/mappings/${MAPPING}`);
    await page.selectOption('#plan-form select[name="from"]', 'crm');
    await Promise.all([page.waitForURL(/\/console\/runs\/[^/?]+/), page.click('[data-action="plan"]')]);
    // The live part refreshes itself until the run has ended.
    await page.waitForSelector('#run-live[data-run-live="ended"]', { timeout: 30_000 });
    await page.reload();
    await expect(page.locator('[data-run-status]').first().innerText()).resolves.toMatch(/succeeded/);
    await expect(page.locator('#plans tr[data-plan-seq]').count()).resolves.toBeGreaterThan(0);
    await screenshot(page, 'run-plan');
    expect(b.problems()).toEqual([]);
  });

  it('takes the ERP value of a conflict', async () => {
    const { page } = b;
    await signInAsAda(page, `/console/conflicts?mapping=${MAPPING}`);
    await screenshot(page, 'conflicts');
    await Promise.all([
      page.waitForURL(/done=/),
      page.click(`tr[data-conflict="${conflict.id}"] button[data-take="erp"]`),
    ]);
    await expect(page.locator('[data-flash="done"]').count()).resolves.toBe(1);
    expect((await consoleRig.rig.store.conflicts.get(conflict.id))?.status).toBe('resolved');
    const [contact] = await consoleRig.rig.connectors.crm.read('contacts', [crmId]);
    expect(contact?.fields.jobtitle).toBe('Purchasing Manager');
    expect(b.problems()).toEqual([]);
  });

  it('links an ambiguous match to a candidate; a candidate named <script> shows as text', async () => {
    const { page } = b;
    await signInAsAda(page, `/console/matches?mapping=${MAPPING}&kind=ambiguous`);
    const row = page.locator(`tr[data-match="${match.id}"]`);
    await expect(row.innerText()).resolves.toContain(SCRIPT);
    await screenshot(page, 'matches');
    const chosen = match.candidates[1]!.id;
    await Promise.all([page.waitForURL(/done=/), row.locator(`button[data-link="${chosen}"]`).click()]);
    const link = (await consoleRig.rig.store.links.list(MAPPING)).find((l) => l.crmId === match.recordId);
    expect(link?.erpId).toBe(chosen);
    expect(dialogs).toEqual([]);
    expect(b.problems()).toEqual([]);
  });

  it('replays a dead letter once its cause is fixed', async () => {
    const { page } = b;
    await consoleRig.rig.connectors.crm.write('contacts', [
      { op: 'update', ref: 'n', id: deadLetter.recordId, fields: { firstname: 'Named', lastname: 'At Last' } },
    ]);
    await signInAsAda(page, `/console/dead-letters?mapping=${MAPPING}`);
    await screenshot(page, 'dead-letters');
    await Promise.all([
      page.waitForURL(/done=|flash=|replayed/),
      page.click(`tr[data-dead-letter="${deadLetter.id}"] [data-action="replay"]`),
    ]);
    expect((await consoleRig.rig.store.deadLetters.get(deadLetter.id))?.status).toBe('replayed');
    expect(b.problems()).toEqual([]);
  });

  it('verifies the audit chain, and every decision above is in it with the admin name', async () => {
    const { page } = b;
    await signInAsAda(page, '/console/audit');
    await page.click('[data-action="verify"]');
    await page.waitForSelector('#audit-verify article[data-verify]');
    await expect(page.locator('#audit-verify article').getAttribute('data-verify')).resolves.toBe('ok');
    await screenshot(page, 'audit');
    const byAda = (await consoleRig.rig.store.audit.tail(1000)).filter(
      (e) => (e.details as { by?: unknown } | null)?.by === 'Ada Lovelace',
    );
    const about = (id: string) => byAda.some((e) => JSON.stringify(e).includes(id));
    expect({ conflict: about(conflict.id), match: about(match.id), deadLetter: about(deadLetter.id) }).toEqual({
      conflict: true,
      match: true,
      deadLetter: true,
    });
    for (const path of ['/console/mappings', '/console/runs']) {
      await page.goto(`${origin}${path}`);
      await screenshot(page, path.split('/').at(-1)!);
    }
    expect(b.problems()).toEqual([]);
  });

  it('refuses a form whose CSRF token was taken out, and does nothing', async () => {
    const { page } = b;
    await signInAsAda(page);
    // As a forged form would be: the same form without its token (page scripts run in the browser, not here).
    await page.locator('form[action="/console/sign-out"] input[name="_csrf"]').evaluate((input) => input.remove());
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/console/sign-out')),
      page.click('form[action="/console/sign-out"] button'),
    ]);
    expect(answer.status()).toBe(403);
    await expect(page.locator('main').innerText()).resolves.toContain('no valid CSRF token');
    await screenshot(page, 'csrf-refused');
    // Still signed in: the sign-out did not happen.
    await page.goto(`${origin}/console`);
    expect(new URL(page.url()).pathname).toBe('/console');
  });
});
