/**
 * The console's runs: the list (newest first, by mapping, paged); a dry run's page with
 * its identity summary and its stored plans paged and filtered by action; a running run's
 * page re-read by htmx every two seconds until it ends (then the refresh stops); a run
 * queued but not started yet shown as waiting for a worker with `?queued=1`, 404 without.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PLANS_PAGE, RUNS_PAGE } from '../../../src/server/console/pages/runs.ts';
import { runPass } from '../../../src/sync/pass.ts';
import { signIn, startConsoleRig, type ConsoleRig } from '../../support/console.ts';

let consoleRig: ConsoleRig | undefined;
afterEach(async () => {
  await consoleRig?.close();
  consoleRig = undefined;
});

const SCRIPT = '<script>alert(1)</script>';
const POLLING =
  /id="run-live" data-run-live="polling" hx-get="\/console\/runs\/[^"]+\/live(\?queued=1)?" hx-trigger="every 2s"/;

describe('console runs', () => {
  it('lists runs by mapping; a dry run shows its identity summary and its plans, paged and by action', async () => {
    consoleRig = await startConsoleRig({ records: PLANS_PAGE + 12 });
    const c = consoleRig;
    const ctx = c.engine.context('contacts-partners');
    const dry = await runPass(ctx, 'crm', { apply: false, actor: 'admin' });
    const read = dry.read;
    expect(read).toBeGreaterThan(PLANS_PAGE);
    const admin = await signIn(c.app);

    const list = await admin.get('/console/runs?mapping=contacts-partners');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`data-run="${dry.runId}"`);
    expect(list.body).toMatch(new RegExp(`data-run="${dry.runId}">[\\s\\S]*?dry-run:crm[\\s\\S]*?succeeded`));
    expect(list.body).toContain(`${read} read`);
    expect((await admin.get('/console/runs?mapping=companies-partners')).body).not.toContain(dry.runId);
    expect((await admin.get('/console/runs?page=0')).statusCode).toBe(400);

    const page = await admin.get(`/console/runs/${dry.runId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-run-live="ended"');
    expect(page.body).not.toContain('hx-trigger');
    const identity = dry.counts.identity;
    const matched = Object.values(identity.matched).reduce((a, b) => a + b, 0);
    expect(page.body).toContain(`data-identity>${identity.linked} linked, ${matched} matched`);
    const rows = (html: string) => [...html.matchAll(/data-plan-seq="(\d+)"/g)].map((m) => Number(m[1]));
    expect(rows(page.body)).toEqual(Array.from({ length: PLANS_PAGE }, (_, i) => i + 1));
    expect(page.body).toContain(`all (${read})`);
    const next = /href="([^"]+)#plans" data-page="next"/.exec(page.body)?.[1];
    expect(next).toBe(`/console/runs/${dry.runId}?after=${PLANS_PAGE}`);
    const second = await admin.get(next!);
    expect(rows(second.body)).toEqual(Array.from({ length: read - PLANS_PAGE }, (_, i) => PLANS_PAGE + i + 1));
    expect(second.body).not.toContain('data-page="next"');
    expect(second.body).toContain('data-page="first"');

    const actions = [...page.body.matchAll(/data-plan-filter="(\w+)"/g)].map((m) => m[1]!);
    expect(actions.length).toBeGreaterThan(0);
    const [action] = actions;
    const filtered = await admin.get(`/console/runs/${dry.runId}?action=${action}`);
    const shown = [...filtered.body.matchAll(/data-plan-action="(\w+)"/g)].map((m) => m[1]);
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown)).toEqual(new Set([action]));
    expect((await admin.get(`/console/runs/${dry.runId}?action=explode`)).body).toContain('query.action');
  }, 120_000);

  it('re-reads a running run every 2 s and stops once it ended; a failed run’s error is escaped', async () => {
    consoleRig = await startConsoleRig();
    const { store } = consoleRig.rig;
    const admin = await signIn(consoleRig.app);
    const run = await store.runs.start('contacts-partners', 'pass:crm');
    await store.runs.progress(
      run.id,
      { read: 7 },
      {
        streams: [
          {
            stream: 'changes',
            pages: 1,
            read: 7,
            written: 2,
            skipped: 5,
            conflicted: 0,
            failed: 0,
            ratePerSecond: 3,
            total: 20,
            elapsedMs: 2000,
          },
        ],
      },
    );
    const page = await admin.get(`/console/runs/${run.id}`);
    expect(page.body).toMatch(POLLING);
    expect(page.body).toMatch(/data-stream="changes"><td>changes<\/td><td>1<\/td><td>7 of 20/);
    const live = await admin.get(`/console/runs/${run.id}/live`, { 'hx-request': 'true' });
    expect(live.statusCode).toBe(200);
    expect(live.body).toMatch(POLLING);
    expect(live.body).not.toContain('<html');

    await store.runs.finish(run.id, { status: 'failed', counts: { read: 7 }, timings: { read: 40 }, error: SCRIPT });
    const ended = await admin.get(`/console/runs/${run.id}/live`, { 'hx-request': 'true' });
    expect(ended.body).toContain('data-run-live="ended"');
    expect(ended.body).not.toContain('hx-trigger');
    expect(ended.body).toContain('data-reload');
    expect(ended.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(ended.body).not.toContain(SCRIPT);
    const list = await admin.get('/console/runs');
    expect(list.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(list.body).not.toContain(SCRIPT);
  }, 60_000);

  it('says a queued run waits for a worker with ?queued=1 (and keeps asking); 404 without', async () => {
    consoleRig = await startConsoleRig();
    const admin = await signIn(consoleRig.app);
    const missing = await admin.get('/console/runs/not-yet');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('no run not-yet');
    const queued = await admin.get('/console/runs/not-yet?queued=1');
    expect(queued.statusCode).toBe(200);
    expect(queued.body).toContain('Queued, waiting for a worker');
    expect(queued.body).toMatch(POLLING);
    expect(queued.body).toContain('/console/runs/not-yet/live?queued=1');
  }, 60_000);

  it('pages the list, newest first', async () => {
    consoleRig = await startConsoleRig();
    const { store } = consoleRig.rig;
    const ids: string[] = [];
    for (let i = 0; i < RUNS_PAGE + 3; i++) {
      const run = await store.runs.start('contacts-partners', `manual-${i}`);
      ids.push(run.id);
      await store.runs.finish(run.id, { status: 'succeeded', counts: {}, timings: {} });
    }
    const admin = await signIn(consoleRig.app);
    const first = await admin.get('/console/runs');
    const listed = (html: string) => [...html.matchAll(/data-run="([^"]+)"/g)].map((m) => m[1]);
    expect(listed(first.body)).toHaveLength(RUNS_PAGE);
    expect(first.body).not.toContain('data-page="newer"');
    const older = /href="([^"]+)" data-page="older"/.exec(first.body)?.[1];
    expect(older).toBe('/console/runs?page=2');
    const second = await admin.get(older!);
    expect(new Set([...listed(first.body), ...listed(second.body)])).toEqual(new Set(ids));
    expect(second.body).toContain('data-page="newer"');
    expect(second.body).not.toContain('data-page="older"');
  }, 60_000);
});
