/**
 * The console's Matches page against both sandboxes: HubSpot contacts whose email two
 * Odoo partners share are parked as ambiguous on the first sync; the page shows each with
 * its candidates side by side (the compared fields, the shared key marked, a partner named
 * `<script>` shown as text); linking one to a chosen candidate creates the link, audited
 * with the admin's name; a bulk "never link" in which a row was decided meanwhile reports
 * it and does the others; a form without its CSRF token is refused with nothing decided.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Match } from '../../../src/store/match-repository.ts';
import { resolveMatch } from '../../../src/sync/matches.ts';
import { runPass } from '../../../src/sync/pass.ts';
import { ADA_TOKEN, signIn, startConsoleRig, type ConsoleRig } from '../../support/console.ts';

let consoleRig: ConsoleRig | undefined;
afterEach(async () => {
  await consoleRig?.close();
  consoleRig = undefined;
});

const MAPPING = 'contacts-partners';
const SCRIPT = '<script>alert(1)</script>';

/**
 * Parks one HubSpot customer per email as an ambiguous match: two Odoo partners share
 * each email (the first of the first pair named `<script>…`). Answers the open matches of
 * those contacts by email, with their candidates' ids.
 */
async function ambiguous(rig: ConsoleRig, emails: readonly string[]): Promise<Map<string, Match>> {
  const { hubspot, connectors, store } = rig.rig;
  hubspot.store.bulkInsert(
    hubspot.store.requireType('contacts'),
    emails.map((email, i) => ({ email, firstname: 'Twin', lastname: `Contact ${i}`, lifecyclestage: 'customer' })),
    { createdAt: Date.now(), modifiedAt: Date.now() },
  );
  await connectors.erp.write(
    'res.partner',
    emails.flatMap((email, i) => [
      { op: 'create' as const, ref: `${i}a`, fields: { name: i === 0 ? SCRIPT : `Twin ${i} A`, email } },
      { op: 'create' as const, ref: `${i}b`, fields: { name: `Twin ${i} B`, email: ` ${email.toUpperCase()} ` } },
    ]),
  );
  await runPass(rig.engine.context(MAPPING), 'crm', { apply: true });
  const open = await store.matches.list({ mappingId: MAPPING, status: 'open', kind: 'ambiguous' });
  const contacts = await rig.rig.connectors.crm.find('contacts', { field: 'email', values: [...emails] });
  const byEmail = new Map<string, Match>();
  for (const c of contacts) {
    const match = open.find((m) => m.side === 'crm' && m.recordId === c.id);
    if (match) byEmail.set(String(c.fields.email), match);
  }
  expect([...byEmail.keys()].sort()).toEqual([...emails].sort());
  for (const m of byEmail.values()) expect(m.candidates).toHaveLength(2);
  return byEmail;
}

function rowOf(html: string, id: string): string {
  const found = new RegExp(`<tr id="match-${id}"[\\s\\S]*?<td>\\s*<button`).exec(html)?.[0];
  if (found === undefined) throw new Error(`no row for match ${id}`);
  return found;
}

describe('console: matches', () => {
  it('shows each ambiguous record with its candidates side by side, the shared key marked, values escaped', async () => {
    consoleRig = await startConsoleRig();
    const matches = await ambiguous(consoleRig, ['twin.zero@shared.test', 'twin.one@shared.test']);
    const client = await signIn(consoleRig.app);
    const page = await client.get(`/console/matches?mapping=${MAPPING}&kind=ambiguous`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('aria-current="page">Matches</a>');
    const zero = matches.get('twin.zero@shared.test')!;
    const row = rowOf(page.body, zero.id);
    expect(row).toContain(`data-record="${zero.recordId}"`);
    for (const c of zero.candidates) {
      expect(row).toContain(`<th data-candidate="${c.id}">erp ${c.id}`);
      expect(row).toContain(`data-link="${c.id}"`);
    }
    // The email rule: the record's and both candidates' emails, each candidate marked as sharing the key.
    const email = /<tr><th scope="row">email<br><small>crm email · erp email<\/small><\/th>[\s\S]*?<\/tr>/.exec(
      row,
    )?.[0];
    expect(email).toContain('<td><span data-value>twin.zero@shared.test</span></td>');
    expect(email).toContain('<td class="good" data-same><span data-value> TWIN.ZERO@SHARED.TEST </span></td>');
    expect(email?.match(/data-same/g)).toHaveLength(2);
    expect(row).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(row).toContain('<small>crm firstname, lastname · erp name</small>');
    expect(page.body).not.toContain(SCRIPT);
    expect(page.body).toContain('data-select-all="id"');

    const none = await client.get('/console/matches?kind=waiting');
    expect(none.body).toContain('data-empty');
    const bad = await client.get('/console/matches?kind=maybe');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/query\.kind/);
  }, 60_000);

  it("links a record to the candidate chosen: the link exists, audited with the admin's name", async () => {
    consoleRig = await startConsoleRig();
    const matches = await ambiguous(consoleRig, ['twin.zero@shared.test', 'twin.one@shared.test']);
    const ada = await signIn(consoleRig.app, ADA_TOKEN);
    const page = await ada.get('/console/matches?kind=ambiguous');
    const zero = matches.get('twin.zero@shared.test')!;
    const chosen = zero.candidates[1]!.id;
    const linked = await ada.post(
      `/console/matches/${zero.id}/resolve?kind=ambiguous`,
      { partner: chosen, id: [zero.id] },
      { from: page.body },
    );
    expect(linked.statusCode).toBe(303);
    const back = new URL(String(linked.headers.location), 'http://x');
    expect(back.pathname + back.search).toMatch(/^\/console\/matches\?kind=ambiguous&done=/);
    expect(back.searchParams.get('done')).toMatch(
      new RegExp(`^crm ${zero.recordId} \\(contacts-partners\\): linked with erp ${chosen} \\(applied, run `),
    );
    const store = consoleRig.rig.store;
    expect(await store.links.findBySide(MAPPING, 'erp', chosen)).toMatchObject({ crmId: zero.recordId });
    expect(await store.matches.get(zero.id)).toMatchObject({ status: 'closed', decidedBy: 'Ada Lovelace' });
    const decided = (await store.audit.tail(10)).find((e) => e.action === 'resolved' && e.crmId === zero.recordId);
    expect(decided).toMatchObject({
      actor: 'admin',
      details: { by: 'Ada Lovelace', decision: { choice: 'link', partnerId: chosen } },
    });
    const after = await ada.get(back.pathname + back.search);
    expect(after.body).toContain('data-flash="done"');
    expect(after.body).not.toContain(`id="match-${zero.id}"`);

    // A record id typed in (its own form): the other contact linked to its first candidate.
    const one = matches.get('twin.one@shared.test')!;
    const typed = await ada.post(
      `/console/matches/${one.id}/resolve`,
      { partner: ` ${one.candidates[0]!.id} ` },
      { from: after.body },
    );
    expect(typed.statusCode).toBe(303);
    expect(await store.links.findBySide(MAPPING, 'crm', one.recordId)).toMatchObject({
      erpId: one.candidates[0]!.id,
    });
  }, 60_000);

  it('never links a selection row by row: a row decided meanwhile is reported, the others done', async () => {
    consoleRig = await startConsoleRig();
    const emails = ['twin.zero@shared.test', 'twin.one@shared.test', 'twin.two@shared.test'];
    const matches = await ambiguous(consoleRig, emails);
    const client = await signIn(consoleRig.app);
    const page = await client.get('/console/matches');
    const [zero, one, two] = emails.map((e) => matches.get(e)!);
    // Decided by someone else while the page is open.
    await resolveMatch(consoleRig.engine.context(MAPPING), two!.id, { choice: 'create' }, 'zoe');
    const bulk = await client.post(
      '/console/matches/resolve',
      { choice: 'never', id: [zero!.id, one!.id, two!.id] },
      { from: page.body },
    );
    expect(bulk.statusCode).toBe(303);
    const back = new URL(String(bulk.headers.location), 'http://x');
    expect(back.searchParams.get('done')).toBe('Never link: done for 2 of 3 selected records.');
    expect(back.searchParams.getAll('failed')).toEqual([
      expect.stringMatching(new RegExp(`^crm ${two!.recordId} \\(contacts-partners\\): .*not open`)),
    ]);
    const store = consoleRig.rig.store;
    for (const m of [zero!, one!])
      expect(await store.matches.get(m.id)).toMatchObject({
        status: 'resolved',
        decision: { choice: 'never' },
        decidedBy: 'admin',
      });
    expect((await store.matches.get(two!.id))?.decidedBy).toBe('zoe');
    const shown = await client.get(back.pathname + back.search);
    expect(shown.body).toContain('data-flash="failed"');
    expect(shown.body).toContain('Never link: done for 2 of 3 selected records.');
  }, 60_000);

  it('refuses decisions without the CSRF token (403, nothing decided) and a form without a choice (400)', async () => {
    consoleRig = await startConsoleRig();
    const matches = await ambiguous(consoleRig, ['twin.zero@shared.test']);
    const zero = matches.get('twin.zero@shared.test')!;
    const client = await signIn(consoleRig.app);
    const one = await client.post(
      `/console/matches/${zero.id}/resolve`,
      { partner: zero.candidates[0]!.id },
      { csrf: false },
    );
    expect(one.statusCode).toBe(403);
    const bulk = await client.post('/console/matches/resolve', { choice: 'never', id: zero.id }, { csrf: false });
    expect(bulk.statusCode).toBe(403);
    expect(await consoleRig.rig.store.matches.get(zero.id)).toMatchObject({ status: 'open', decision: null });
    const empty = await client.post(`/console/matches/${zero.id}/resolve`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toMatch(/form\.choice/);
    const noRows = await client.post('/console/matches/resolve', { choice: 'never' });
    expect(noRows.statusCode).toBe(400);
    expect(noRows.body).toMatch(/form\.id: select at least one row/);
  }, 60_000);
});
