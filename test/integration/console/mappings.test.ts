/**
 * The console's mappings pages, against both sandboxes: the list; a mapping's file with
 * line numbers and validate's findings at their lines (read at each request: a broken edit
 * shows, and the loaded version still runs); its fields table; the preview of a real record
 * by id (verdicts, nothing written) and of pasted JSON (escaped, a bad JSON a clear 400);
 * accepting a mapping held by its create guard, audited with the admin's name; the plan
 * and run forms, queued through the jobs port (503 without it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsoleJobs } from '../../../src/server/console/index.ts';
import { runPass } from '../../../src/sync/pass.ts';
import { ADA_TOKEN, csrfOf, signIn, startConsoleRig, type ConsoleRig } from '../../support/console.ts';

let consoleRig: ConsoleRig | undefined;
afterEach(async () => {
  await consoleRig?.close();
  consoleRig = undefined;
});

const MAPPING = 'contacts-partners';
const PAGE = `/console/mappings/${MAPPING}`;
const HTMX = { 'hx-request': 'true' };

/** Writes committed by both sandboxes so far. */
function sandboxWrites(rig: ConsoleRig['rig']): number {
  const sum = (w: Record<string, number>) => Object.values(w).reduce((a, b) => a + b, 0);
  return sum(rig.hubspot.kit.counters().writes) + sum(rig.odoo.kit.counters().writes);
}

/** The HTML of line `n` of the file view (its row and the findings after it). */
function lineOf(html: string, n: number): string {
  const start = html.indexOf(`<tr id="L${n}" data-line="${n}"`);
  expect(start, `line ${n} shown`).toBeGreaterThan(-1);
  const next = html.indexOf(`<tr id="L${n + 1}" `, start);
  return html.slice(start, next === -1 ? undefined : next);
}

describe('console mappings', () => {
  it('lists every mapping with its sides, schedule and a link to its page', async () => {
    consoleRig = await startConsoleRig();
    const client = await signIn(consoleRig.app);
    const list = await client.get('/console/mappings');
    expect(list.statusCode).toBe(200);
    for (const m of consoleRig.engine.mappings) {
      expect(list.body).toContain(`<tr data-mapping="${m.id}">`);
      expect(list.body).toContain(`href="/console/mappings/${m.id}"`);
    }
    const row = list.body.slice(list.body.indexOf(`<tr data-mapping="${MAPPING}">`));
    expect(row.slice(0, 600)).toMatch(/hubspot contacts<\/td>\s*<td>odoo res\.partner<\/td>\s*<td>every 5 min<\/td>/);
    expect(list.body).toContain('<a href="/console/mappings" aria-current="page">Mappings</a>');
  });

  it('shows the file with line numbers and its fields as a table; an unknown id is a 404 page', async () => {
    consoleRig = await startConsoleRig();
    const client = await signIn(consoleRig.app);
    const page = await client.get(PAGE);
    expect(page.statusCode).toBe(200);
    const text = readFileSync(join(consoleRig.mappingsDir, 'contacts-partners.yaml'), 'utf8').split('\n');
    expect(page.body).toContain('data-file-state="running"');
    expect(lineOf(page.body, 5)).toContain(`<a href="#L5">5</a></td><td><code>${text[4]}</code>`);
    expect(text[4]).toBe('id: contacts-partners');
    expect(page.body).not.toContain('data-finding="problem"');
    // Fields: CRM field, flow, transform/lookup, ERP field, owner.
    expect(page.body).toMatch(
      /<tr data-field="country" data-flow="both"><td>country<\/td><td><code>country<\/code><\/td><td[^>]*>↔ <small>both<\/small><\/td><td>transform: country-code; lookup: res\.country by code<\/td><td><code>country_id<\/code><\/td><td>—<\/td><\/tr>/,
    );
    expect(page.body).toMatch(
      /<tr data-field="name" data-flow="crm-&gt;erp"><td>name<\/td><td><code>firstname \+ &quot;/,
    );
    expect(page.body).toContain('<tr data-field="associatedcompanyid" data-flow="crm-&gt;erp">');
    expect(page.body).toContain('lookup: links of companies-partners');
    const unknown = await client.get('/console/mappings/no-such-mapping');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('no mapping &quot;no-such-mapping&quot;');
  });

  it('shows a broken edit of the file at its line, and says the loaded version still runs', async () => {
    consoleRig = await startConsoleRig();
    const client = await signIn(consoleRig.app);
    const file = join(consoleRig.mappingsDir, 'contacts-partners.yaml');
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('{ crm: jobtitle, erp: function }'));
    lines[at] = '  - { crm: jobtitel, erp: function }';
    writeFileSync(file, lines.join('\n'));
    const page = await client.get(PAGE);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-file-state="broken"');
    expect(page.body).toContain(
      `The last loaded version, ${consoleRig.engine.context(MAPPING).mapping.version}, is still what runs.`,
    );
    const line = lineOf(page.body, at + 1);
    expect(line).toContain('jobtitel');
    expect(line).toMatch(
      new RegExp(
        `data-finding="problem" data-finding-line="${at + 1}"><td></td><td class="bad">problem, line ${at + 1} column \\d+ \\(fields\\[5\\]\\.crm\\): [^<]*jobtitel`,
      ),
    );
    // Bad YAML: the parser's finding at its line.
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('jobtitel', 'jobtitle').replace('schedule: every 5m', 'schedule: [every 5m'),
    );
    const yaml = await client.get(PAGE);
    expect(yaml.body).toContain('data-file-state="broken"');
    expect(yaml.body).toMatch(/data-finding="problem" data-finding-line="\d+"/);
    // Mended: the file runs again as loaded.
    writeFileSync(file, readFileSync(file, 'utf8').replace('schedule: [every 5m', 'schedule: every 5m'));
    expect((await client.get(PAGE)).body).toContain('data-file-state="running"');
    // A sound edit: the file is another version, not running until a restart.
    writeFileSync(file, readFileSync(file, 'utf8').replace('schedule: every 5m', 'schedule: every 10m'));
    const changed = await client.get(PAGE);
    expect(changed.body).toContain('data-file-state="changed"');
    expect(changed.body).toContain(`runs until the server restarts`);
    expect(changed.body).toContain('As the file says now (not running yet).');
  });

  it('previews a real record by id on either side: identity and verdicts, and nothing written', async () => {
    consoleRig = await startConsoleRig();
    const { rig, app } = consoleRig;
    await runPass(consoleRig.engine.context(MAPPING), 'crm', { apply: true });
    const contacts = rig.hubspot.store.requireType('contacts');
    const contact = rig.hubspot.store.records(contacts).find((r) => r.properties.lifecyclestage === 'customer');
    expect(contact).toBeDefined();
    rig.hubspot.store.update(contacts, contact!, { jobtitle: '<script>alert(1)</script>' }, 'test');
    const client = await signIn(app);
    const page = await client.get(PAGE);
    const writes = sandboxWrites(rig);
    const audited = (await rig.store.audit.verify()).count;
    const crm = await client.post(`${PAGE}/preview/by-id`, { side: 'crm', record: contact!.id }, { from: page.body });
    expect(crm.statusCode).toBe(200);
    expect(crm.body).toContain('data-identity="linked"');
    expect(crm.body).toContain('data-plan-action>sync</strong>');
    expect(crm.body).toContain('<tr data-field="jobtitle" data-verdict="written">');
    expect(crm.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(crm.body).not.toContain('<script>alert(1)');
    const link = await rig.store.links.findBySide(MAPPING, 'crm', contact!.id);
    const erp = await client.post(`${PAGE}/preview/by-id`, { side: 'erp', record: link!.erpId }, { from: page.body });
    expect(erp.statusCode).toBe(200);
    expect(erp.body).toContain(`linked to crm ${contact!.id}`);
    expect(erp.body).toMatch(/<tr data-field="email" data-verdict="(unchanged|equal)">/);
    // An id that does not exist: a clear 404 fragment naming it.
    const missing = await client.inject({
      method: 'POST',
      url: `${PAGE}/preview/by-id`,
      headers: { ...HTMX, 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrfOf(page.body) },
      payload: 'side=crm&record=999999999',
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('no crm record 999999999 in hubspot contacts');
    expect(missing.body).not.toContain('<html');
    expect(sandboxWrites(rig)).toBe(writes);
    expect((await rig.store.audit.verify()).count).toBe(audited);
  });

  it('previews pasted JSON offline, data escaped; bad JSON is a 400 fragment saying what is wrong', async () => {
    consoleRig = await startConsoleRig();
    const client = await signIn(consoleRig.app);
    const page = await client.get(PAGE);
    const writes = sandboxWrites(consoleRig.rig);
    const record = {
      email: ' Ann@Example.test ',
      firstname: '<script>alert(1)</script>',
      lastname: 'Lee',
      country: 'FR',
      lifecyclestage: 'customer',
      associatedcompanyid: '999',
    };
    const post = (form: Record<string, string>) =>
      client.inject({
        method: 'POST',
        url: `${PAGE}/preview/json`,
        headers: { ...HTMX, 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrfOf(page.body) },
        payload: new URLSearchParams(form).toString(),
      });
    const ok = await post({ side: 'crm', json: JSON.stringify(record), resolve: '{ "res.country:FR": "75" }' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('data-accepted="yes"');
    expect(ok.body).toContain('&quot;name&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt; Lee&quot;');
    expect(ok.body).not.toContain('<script>');
    expect(ok.body).toContain('<tr data-field="email" data-outcome="set">');
    expect(ok.body).toContain('&quot;country_id&quot;: &quot;75&quot;');
    expect(ok.body).toContain('<tr data-field="associatedcompanyid" data-outcome="unresolved">');
    const bad = await post({ side: 'crm', json: '{ "email": "a@b.test", }' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/json: not valid JSON: /);
    expect(bad.body).not.toContain('<html');
    const list = await post({ side: 'crm', json: '[1, 2]' });
    expect(list.statusCode).toBe(400);
    expect(list.body).toContain('json: expected one JSON object');
    const proto = await post({ side: 'crm', json: '{ "__proto__": { "x": 1 } }' });
    expect(proto.statusCode).toBe(400);
    const side = await post({ side: 'sideways', json: '{}' });
    expect(side.statusCode).toBe(400);
    expect(side.body).toContain('side: expected crm or erp');
    expect(sandboxWrites(consoleRig.rig)).toBe(writes);
  });

  it('accepts a mapping held by its create guard, naming the counts, audited with the admin', async () => {
    consoleRig = await startConsoleRig({
      editMappings: (dir) => {
        const file = join(dir, 'contacts-partners.yaml');
        writeFileSync(file, readFileSync(file, 'utf8').replace(/^schedule:/m, 'guard: { maxCreates: 2 }\nschedule:'));
      },
    });
    const { rig, app, engine } = consoleRig;
    const contacts = rig.hubspot.store.requireType('contacts');
    rig.hubspot.store.bulkInsert(
      contacts,
      Array.from({ length: 5 }, (_, i) => ({
        email: `held.${i}@only-hubspot.test`,
        firstname: 'Only',
        lastname: `Hubspot ${i}`,
        lifecyclestage: 'customer',
      })),
      { createdAt: Date.now(), modifiedAt: Date.now() },
    );
    const pass = await runPass(engine.context(MAPPING), 'crm', { apply: true });
    expect(pass.guarded).toBe(true);
    const client = await signIn(app, ADA_TOKEN);
    expect((await client.get('/console/mappings')).body).toMatch(
      new RegExp(`<tr data-mapping="${MAPPING}">[\\s\\S]*?data-held>held by its create guard`),
    );
    const page = await client.get(PAGE);
    expect(page.body).toContain('<section id="hold">');
    expect(page.body).toContain('<tr data-hold-count="created"><th>created</th><td>2</td></tr>');
    expect(page.body).toContain('<tr data-hold-count="allowance"><th>allowance</th><td>2</td></tr>');
    expect(page.body).toMatch(
      /data-accept-confirm> I accept: the pass from crm would create more than the guard allows/,
    );
    // Without the box ticked: refused, still held.
    const unticked = await client.post(`${PAGE}/accept`, { run: pass.runId }, { from: page.body });
    expect(unticked.statusCode).toBe(400);
    expect(unticked.body).toContain('confirm: tick the box to confirm');
    expect((await rig.store.holds.get(MAPPING))?.acceptedAt).toBeNull();
    const accepted = await client.post(`${PAGE}/accept`, { run: pass.runId, confirm: 'yes' }, { from: page.body });
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe(
      `${PAGE}?done=${encodeURIComponent(`accepted: the next pass of ${MAPPING} from crm goes on without the guard`)}`,
    );
    expect(await rig.store.holds.get(MAPPING)).toMatchObject({ acceptedBy: 'Ada Lovelace' });
    expect((await rig.store.audit.tail(1))[0]).toMatchObject({
      mappingId: MAPPING,
      action: 'accepted',
      details: { by: 'Ada Lovelace', run: pass.runId },
    });
    const after = await client.get(String(accepted.headers.location));
    expect(after.body).toContain(
      'data-flash>accepted: the next pass of contacts-partners from crm goes on without the guard',
    );
    expect(after.body).not.toContain('<section id="hold">');
    const again = await client.post(`${PAGE}/accept`, { run: pass.runId, confirm: 'yes' }, { from: page.body });
    expect(again.statusCode).toBe(409);
  });

  it('queues a plan or a run through the jobs, as the admin, and goes to the run; 503 without jobs', async () => {
    const asked: string[] = [];
    const jobs: ConsoleJobs = {
      plan: async (id, from, by) => (
        asked.push(`plan ${id} ${from} ${by}`),
        [
          { side: 'crm', runId: 'run-plan-1' },
          { side: 'erp', runId: 'run-plan-2' },
        ]
      ),
      runNow: async (id, side, by) => (asked.push(`run ${id} ${side} ${by}`), [{ side: 'erp', runId: 'run/now 1' }]),
    };
    consoleRig = await startConsoleRig({ jobs });
    const client = await signIn(consoleRig.app, ADA_TOKEN);
    const page = await client.get(PAGE);
    expect(page.body).toMatch(
      /<section id="plan-run">[\s\S]*action="\/console\/mappings\/contacts-partners\/plan"[\s\S]*action="\/console\/mappings\/contacts-partners\/run"/,
    );
    const plan = await client.post(`${PAGE}/plan`, { from: 'both' }, { from: page.body });
    expect(plan.statusCode).toBe(303);
    expect(plan.headers.location).toBe('/console/runs/run-plan-1');
    const run = await client.post(`${PAGE}/run`, { from: 'erp' }, { from: page.body });
    expect(run.headers.location).toBe('/console/runs/run%2Fnow%201');
    expect(asked).toEqual([`plan ${MAPPING} both Ada Lovelace`, `run ${MAPPING} erp Ada Lovelace`]);
    const bad = await client.post(`${PAGE}/run`, { from: 'middle' }, { from: page.body });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('from: expected crm, erp or both');
    const noToken = await client.post(`${PAGE}/run`, { from: 'erp' }, { csrf: false });
    expect(noToken.statusCode).toBe(403);
    expect(asked).toHaveLength(2);
    await consoleRig.close();
    consoleRig = undefined;
    consoleRig = await startConsoleRig();
    const other = await signIn(consoleRig.app);
    const without = await other.get(PAGE);
    for (const action of ['plan', 'run']) {
      const refused = await other.post(`${PAGE}/${action}`, { from: 'crm' }, { from: without.body });
      expect(refused.statusCode).toBe(503);
      expect(refused.body).toContain('plans and runs are not available in this process');
    }
  });
});
