/**
 * The console's dead letters: records Odoo refused (contacts without a name) listed with
 * Odoo's message and their payload (escaped); a replay still refused says so with the
 * vendor's message; after the fix at the source a replay writes it, audited with the
 * signed-in admin's name; a discard without a reason is refused naming the field, with one
 * it is audited; several replayed at once, each row's outcome shown.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/store/audit-repository.ts';
import { runPass } from '../../../src/sync/pass.ts';
import { ADA_TOKEN, signIn, startConsoleRig, type ConsoleRig } from '../../support/console.ts';

let consoleRig: ConsoleRig | undefined;
afterEach(async () => {
  await consoleRig?.close();
  consoleRig = undefined;
});

const SCRIPT = '<script>alert(1)</script>';

/** Two contacts Odoo refuses (no name), one with a hostile job title; a pass dead-letters both. */
async function refusedTwice(c: ConsoleRig) {
  await c.rig.connectors.crm.write('contacts', [
    { op: 'create', ref: 'a', fields: { email: 'nameless.one@x.test', lifecyclestage: 'customer', jobtitle: SCRIPT } },
    { op: 'create', ref: 'b', fields: { email: 'nameless.two@x.test', lifecyclestage: 'customer' } },
  ]);
  await runPass(c.engine.context('contacts-partners'), 'crm', { apply: true, actor: 'poll' });
  const letters = await c.rig.store.deadLetters.list({ mappingId: 'contacts-partners' });
  const byEmail = (email: string) =>
    letters.find((l) => (l.payload as { fields: { email?: string } }).fields.email === email)!;
  return { one: byEmail('nameless.one@x.test'), two: byEmail('nameless.two@x.test') };
}

async function entries(c: ConsoleRig): Promise<AuditEntry[]> {
  return c.rig.store.audit.tail(1000);
}

describe('console dead letters', () => {
  it('lists them, message and payload escaped; replays (refused, then written) audited by name', async () => {
    consoleRig = await startConsoleRig();
    const c = consoleRig;
    const { one, two } = await refusedTwice(c);
    const admin = await signIn(c.app, ADA_TOKEN);

    const list = await admin.get('/console/dead-letters?mapping=contacts-partners&side=&status=open');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`data-dead-letter="${one.id}"`);
    expect(list.body).toContain(`data-dead-letter="${two.id}"`);
    expect(list.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(list.body).not.toContain(SCRIPT);
    expect(list.body).toMatch(/data-message>[^<]*name/i);
    expect(list.body).toContain('<a href="/console/dead-letters" aria-current="page">Dead letters</a>');
    expect((await admin.get('/console/dead-letters?side=erp')).body).toContain('data-empty');
    const bad = await admin.get('/console/dead-letters?status=gone');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('query.status');

    // Still nameless: refused again, with Odoo's message, one more attempt, still open.
    const again = await admin.post(`/console/dead-letters/${one.id}/replay`, {}, { from: list.body });
    expect(again.statusCode).toBe(303);
    const refusedPage = await admin.get(String(again.headers.location));
    expect(refusedPage.body).toMatch(
      /class="flash bad"[^>]*>Dead letter [^:]+: crm \d+ refused again by odoo \(attempt 2\): [^<]*name/i,
    );
    expect((await c.rig.store.deadLetters.get(one.id))?.attempts).toBe(2);

    await c.rig.connectors.crm.write('contacts', [
      { op: 'update', ref: 'fix', id: one.recordId, fields: { firstname: 'One' } },
    ]);
    const replay = await admin.post(`/console/dead-letters/${one.id}/replay`, {}, { from: list.body });
    expect(replay.statusCode).toBe(303);
    const replayed = await admin.get(String(replay.headers.location));
    expect(replayed.body).toMatch(/class="flash"[^>]*>Dead letter [^:]+: crm \d+ written to odoo/);
    expect(replayed.body).not.toContain(`data-dead-letter="${one.id}"`);
    expect((await c.rig.store.deadLetters.get(one.id))?.status).toBe('replayed');
    const audited = (await entries(c)).find((e) => e.actor === 'replay' && e.action === 'applied');
    expect(audited?.details).toMatchObject({ by: 'Ada Lovelace', deadLettersSettled: [one.id] });

    // Without the form's token: refused.
    expect((await admin.post(`/console/dead-letters/${two.id}/replay`, {}, { csrf: false })).statusCode).toBe(403);
  }, 60_000);

  it('discards only with a reason (400 naming the field), audited with the admin and the reason', async () => {
    consoleRig = await startConsoleRig();
    const c = consoleRig;
    const { two } = await refusedTwice(c);
    const admin = await signIn(c.app, ADA_TOKEN);
    const list = await admin.get('/console/dead-letters');
    const noReason = await admin.post(`/console/dead-letters/${two.id}/discard`, { reason: '  ' }, { from: list.body });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('form.reason');
    expect((await c.rig.store.deadLetters.get(two.id))?.status).toBe('open');

    const discard = await admin.post(
      `/console/dead-letters/${two.id}/discard`,
      { reason: 'a test address <b>never</b> a customer' },
      { from: list.body },
    );
    expect(discard.statusCode).toBe(303);
    const after = await admin.get(String(discard.headers.location));
    expect(after.body).toContain('discarded: a test address &lt;b&gt;never&lt;/b&gt; a customer');
    expect((await c.rig.store.deadLetters.get(two.id))?.status).toBe('discarded');
    const entry = (await entries(c)).find((e) => e.action === 'discarded');
    expect(entry).toMatchObject({
      actor: 'admin',
      rule: 'a test address <b>never</b> a customer',
      details: { by: 'Ada Lovelace', deadLetter: two.id },
    });
    const discarded = await admin.get('/console/dead-letters?status=discarded');
    expect(discarded.body).toContain(`data-dead-letter="${two.id}"`);
    expect(discarded.body).not.toContain('data-action="discard"');
  }, 60_000);

  it('replays the selected ones at once, each row with its outcome', async () => {
    consoleRig = await startConsoleRig();
    const c = consoleRig;
    const { one, two } = await refusedTwice(c);
    await c.rig.connectors.crm.write('contacts', [
      { op: 'update', ref: 'fix', id: two.recordId, fields: { lastname: 'Two' } },
    ]);
    const admin = await signIn(c.app);
    const list = await admin.get('/console/dead-letters');
    expect(list.body).toContain('data-select-all="ids"');
    const none = await admin.post('/console/dead-letters/replay', {}, { from: list.body });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('form.ids');
    const bulk = await admin.post('/console/dead-letters/replay', { ids: [one.id, two.id] }, { from: list.body });
    expect(bulk.statusCode).toBe(200);
    expect(bulk.body).toContain('1 of 2 written.');
    expect(bulk.body).toMatch(new RegExp(`data-replayed="${one.id}" data-outcome="refused"`));
    expect(bulk.body).toMatch(new RegExp(`data-replayed="${two.id}" data-outcome="written"`));
    expect((await c.rig.store.deadLetters.get(two.id))?.status).toBe('replayed');
    const audited = (await entries(c)).find((e) => e.actor === 'replay' && e.action === 'applied');
    expect(audited?.details).toMatchObject({ by: 'admin', deadLettersSettled: [two.id] });
  }, 60_000);
});
