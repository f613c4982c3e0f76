/**
 * The console's Conflicts page against both sandboxes (contacts-partners with conflicts
 * `manual`): rows with both values, the value last agreed on and when each side changed,
 * a value `<script>` shown as text; one conflict resolved taking the ERP value (written to
 * HubSpot, audited with the admin's name); a bulk "take CRM" for one field, in which a row
 * resolved meanwhile is reported and the others are done; a form without its CSRF token
 * refused with nothing resolved.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Conflict } from '../../../src/store/conflict-repository.ts';
import { runPass } from '../../../src/sync/pass.ts';
import { ADA_TOKEN, signIn, startConsoleRig, type ConsoleRig } from '../../support/console.ts';

let consoleRig: ConsoleRig | undefined;
afterEach(async () => {
  await consoleRig?.close();
  consoleRig = undefined;
});

const MAPPING = 'contacts-partners';
const SCRIPT = '<script>alert(1)</script>';
const LONG = `Head of purchasing & logistics, ${'very '.repeat(20)}long title`;

/** Links the rig's contacts, then makes both sides change `jobtitle` (and `city` on the first pair) differently. */
async function withConflicts(
  rig: ConsoleRig,
  titles: ReadonlyArray<readonly [crm: string, erp: string]>,
): Promise<{ pairs: Array<{ crmId: string; erpId: string }>; conflicts: Conflict[] }> {
  const ctx = rig.engine.context(MAPPING);
  await runPass(ctx, 'crm', { apply: true });
  const pairs = (await rig.rig.store.links.list(MAPPING)).slice(0, titles.length);
  expect(pairs).toHaveLength(titles.length);
  await rig.rig.connectors.crm.write('contacts', [
    ...pairs.map((p, i) => ({ op: 'update' as const, ref: `c${i}`, id: p.crmId, fields: { jobtitle: titles[i]![0] } })),
    { op: 'update', ref: 'city', id: pairs[0]!.crmId, fields: { city: 'Lyon CRM' } },
  ]);
  await rig.rig.connectors.erp.write('res.partner', [
    ...pairs.map((p, i) => ({ op: 'update' as const, ref: `e${i}`, id: p.erpId, fields: { function: titles[i]![1] } })),
    { op: 'update', ref: 'city', id: pairs[0]!.erpId, fields: { city: 'Lyon ERP' } },
  ]);
  await runPass(ctx, 'crm', { apply: true });
  const conflicts = await rig.rig.store.conflicts.list({ status: 'open', mappingId: MAPPING });
  expect(conflicts.map((c) => c.field).sort()).toEqual(['city', ...titles.map(() => 'jobtitle')].sort());
  return { pairs, conflicts };
}

/** The `<tr>` of conflict `id` in a page. */
function rowOf(html: string, id: string): string {
  const found = new RegExp(`<tr id="conflict-${id}"[\\s\\S]*?</tr>`).exec(html)?.[0];
  if (found === undefined) throw new Error(`no row for conflict ${id}`);
  return found;
}

describe('console: conflicts', () => {
  it('lists each conflict with both values, the value last agreed on and the times, values escaped', async () => {
    consoleRig = await startConsoleRig();
    const { conflicts, pairs } = await withConflicts(consoleRig, [
      ['CRM title', SCRIPT],
      ['Buyer (CRM)', LONG],
    ]);
    const client = await signIn(consoleRig.app);
    const page = await client.get(`/console/conflicts?mapping=${MAPPING}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('aria-current="page">Conflicts</a>');
    const scripted = conflicts.find((c) => c.erpValue === SCRIPT)!;
    const row = rowOf(page.body, scripted.id);
    expect(row).toContain(`data-field="jobtitle"`);
    expect(row).toContain(`crm ${pairs[0]!.crmId} · erp ${pairs[0]!.erpId}`);
    expect(row).toMatch(/data-side="crm"><span data-value>CRM title<\/span>/);
    expect(row).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain(SCRIPT);
    // Both sides changed it: the snapshot still holds what they agreed on before.
    const snapshot = await consoleRig.rig.store.snapshots.get(scripted.linkId);
    const agreed = snapshot?.crm.jobtitle;
    expect(row).toContain(
      agreed === null || agreed === undefined ? 'data-value="empty"' : `<span data-value>${String(agreed)}</span>`,
    );
    expect(row).toMatch(/CRM record changed <time datetime="[^"]+" data-changed="crm">/);
    expect(row).toMatch(/ERP record changed <time datetime="[^"]+" data-changed="erp">/);
    expect(row).toContain(`pair last synced <time datetime="${snapshot!.updatedAt}">`);
    expect(row).toContain('data-take="crm"');
    // A long value: cut in the row, whole (escaped) in <details>.
    const long = rowOf(page.body, conflicts.find((c) => c.erpValue === LONG)!.id);
    expect(long).toContain(
      `<td data-side="erp"><details data-value="long"><summary>${LONG.slice(0, 60).replace('&', '&amp;')}…</summary>` +
        `<pre>${LONG.replace('&', '&amp;')}</pre></details>`,
    );

    // Paged by id: one row a page, the next page after it.
    const first = await client.get(`/console/conflicts?field=jobtitle&limit=1`);
    expect(first.body.match(/<tr id="conflict-/g)).toHaveLength(1);
    const next = /<a href="([^"]+)" data-next>/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toMatch(/^\/console\/conflicts\?field=jobtitle&after=[^&]+&limit=1$/);
    const second = await client.get(next!);
    expect(second.body.match(/<tr id="conflict-/g)).toHaveLength(1);
    expect(second.body).not.toContain(/<tr id="conflict-[^"]+"/.exec(first.body)![0]);
    expect(second.body).not.toContain('data-next');
    expect(second.body).toContain('data-first');

    const onlyCity = await client.get(`/console/conflicts?field=city`);
    expect(onlyCity.body.match(/<tr id="conflict-/g)).toHaveLength(1);
    expect(onlyCity.body).toContain('data-field="city"');
    const bad = await client.get('/console/conflicts?status=maybe');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/query\.status/);
  }, 60_000);

  it("takes the ERP value of one conflict: written to HubSpot, audited with the admin's name", async () => {
    consoleRig = await startConsoleRig();
    const { conflicts, pairs } = await withConflicts(consoleRig, [['CRM title', 'ERP title']]);
    const conflict = conflicts.find((c) => c.field === 'jobtitle')!;
    const ada = await signIn(consoleRig.app, ADA_TOKEN);
    const page = await ada.get('/console/conflicts?field=jobtitle');
    const done = await ada.post(
      `/console/conflicts/${conflict.id}/resolve?field=jobtitle`,
      { take: 'erp' },
      { from: page.body },
    );
    expect(done.statusCode).toBe(303);
    const back = String(done.headers.location);
    expect(back).toMatch(/^\/console\/conflicts\?field=jobtitle&done=/);
    expect(new URL(back, 'http://x').searchParams.get('done')).toMatch(
      /^jobtitle \(contacts-partners\): took the ERP value "ERP title"/,
    );
    const [contact] = await consoleRig.rig.connectors.crm.read('contacts', [pairs[0]!.crmId], ['jobtitle']);
    expect(contact?.fields.jobtitle).toBe('ERP title');
    expect(await consoleRig.rig.store.conflicts.get(conflict.id)).toMatchObject({
      status: 'resolved',
      resolvedBy: 'Ada Lovelace',
      resolution: { choice: 'erp' },
    });
    const audited = (await consoleRig.rig.store.audit.tail(5)).find((e) => e.action === 'resolved');
    expect(audited).toMatchObject({ actor: 'admin', details: { by: 'Ada Lovelace' } });
    const shown = await ada.get(back);
    expect(shown.body).toMatch(
      /data-flash="done">jobtitle \(contacts-partners\): took the ERP value &quot;ERP title&quot;/,
    );
    expect(shown.body).not.toContain(`id="conflict-${conflict.id}"`);
  }, 60_000);

  it('takes the CRM value for a selection of one field; a row resolved meanwhile is reported, the others done', async () => {
    consoleRig = await startConsoleRig();
    const { conflicts, pairs } = await withConflicts(consoleRig, [
      ['CRM one', 'ERP one'],
      ['CRM two', 'ERP two'],
      ['CRM three', 'ERP three'],
    ]);
    const titles = conflicts.filter((c) => c.field === 'jobtitle');
    const client = await signIn(consoleRig.app);
    const page = await client.get('/console/conflicts?field=jobtitle');
    expect(page.body).toContain('data-select-all="id"');
    // Someone else resolves one while the page is open.
    const first = titles.find((c) => c.crmValue === 'CRM one')!;
    await client.post(`/console/conflicts/${first.id}/resolve`, { take: 'erp' }, { from: page.body });
    const bulk = await client.post(
      '/console/conflicts/resolve?field=jobtitle',
      { take: 'crm', id: titles.map((c) => c.id) },
      { from: page.body },
    );
    expect(bulk.statusCode).toBe(303);
    const back = new URL(String(bulk.headers.location), 'http://x');
    expect(back.searchParams.get('done')).toBe('Took the CRM value for 2 of 3 selected conflicts.');
    expect(back.searchParams.getAll('failed')).toEqual([
      expect.stringMatching(
        new RegExp(`^jobtitle \\(contacts-partners\\): conflict ${first.id} was already resolved by admin`),
      ),
    ]);
    const odoo = await consoleRig.rig.connectors.erp.read(
      'res.partner',
      pairs.map((p) => p.erpId),
      ['function'],
    );
    expect(new Map(odoo.map((r) => [r.id, r.fields.function]))).toEqual(
      new Map([
        [pairs[0]!.erpId, 'ERP one'],
        [pairs[1]!.erpId, 'CRM two'],
        [pairs[2]!.erpId, 'CRM three'],
      ]),
    );
    expect(await consoleRig.rig.store.conflicts.list({ status: 'open' })).toEqual([
      expect.objectContaining({ field: 'city' }),
    ]);
    const shown = await client.get(`${back.pathname}${back.search}`);
    expect(shown.body).toContain('data-flash="failed"');
    expect(shown.body).toContain(`conflict ${first.id} was already resolved by admin`);
  }, 60_000);

  it('refuses a decision without its CSRF token: 403, nothing resolved', async () => {
    consoleRig = await startConsoleRig();
    const { conflicts } = await withConflicts(consoleRig, [['CRM title', 'ERP title']]);
    const client = await signIn(consoleRig.app);
    const one = await client.post(`/console/conflicts/${conflicts[0]!.id}/resolve`, { take: 'crm' }, { csrf: false });
    expect(one.statusCode).toBe(403);
    const bulk = await client.post(
      '/console/conflicts/resolve',
      { take: 'crm', id: conflicts.map((c) => c.id) },
      { csrf: false },
    );
    expect(bulk.statusCode).toBe(403);
    expect(await consoleRig.rig.store.conflicts.list({ status: 'open' })).toHaveLength(conflicts.length);
    const bad = await client.post('/console/conflicts/resolve', { take: 'both', id: conflicts[0]!.id });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/form\.take/);
  }, 60_000);
});
