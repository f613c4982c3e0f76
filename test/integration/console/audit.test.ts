/**
 * The console's audit log: searched by record, by action and by time; an entry opens to
 * its field changes (a hostile value shown as text) and who decided; Verify says the chain
 * is intact (with the caveat of having no checkpoints), where it breaks after a row was
 * tampered with, and, with signed checkpoints, what they anchor and which one is refused.
 */
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { buildServer } from '../../../src/server/app.ts';
import { CONSOLE_PAGES } from '../../../src/server/console/pages/index.ts';
import { appendCheckpoint, checkpointPath, readCheckpointFile } from '../../../src/store/audit/checkpoint-file.ts';
import { keyIdOf, signCheckpoint } from '../../../src/store/audit/checkpoint.ts';
import { takeCheckpoint } from '../../../src/store/audit/checkpoint-writer.ts';
import { discardDeadLetter } from '../../../src/sync/replay.ts';
import { runPass } from '../../../src/sync/pass.ts';
import { ADA_TOKEN, signIn, startConsoleRig, type ConsoleRig } from '../../support/console.ts';

let consoleRig: ConsoleRig | undefined;
afterEach(async () => {
  await consoleRig?.close();
  consoleRig = undefined;
});

const SCRIPT = '<script>alert(1)</script>';
const seqs = (html: string) => [...html.matchAll(/data-audit-seq="(\d+)"/g)].map((m) => Number(m[1]));
const actions = (html: string) => [...html.matchAll(/data-audit-action="([^"]+)"/g)].map((m) => m[1]);

/** A contact with a hostile job title written to Odoo by a pass, then a dead letter discarded by Ada a little later. */
async function history(c: ConsoleRig) {
  await c.rig.connectors.crm.write('contacts', [
    {
      op: 'create',
      ref: 'h',
      fields: {
        email: 'hostile@x.test',
        firstname: 'Hos',
        lastname: 'Tile',
        lifecyclestage: 'customer',
        jobtitle: SCRIPT,
      },
    },
  ]);
  await runPass(c.engine.context('contacts-partners'), 'crm', { apply: true, actor: 'poll' });
  const all = await c.rig.store.audit.tail(1000);
  const hostile = all.find((e) => e.action === 'applied' && JSON.stringify(e.changes).includes('alert(1)'));
  if (!hostile) throw new Error('the hostile contact was not audited');
  await new Promise((resolve) => setTimeout(resolve, 20));
  const letter = await c.rig.store.deadLetters.add({
    mappingId: 'contacts-partners',
    connection: 'odoo',
    side: 'crm',
    recordId: 'dl-1',
    payload: {},
    message: 'refused',
    attempts: 1,
  });
  await discardDeadLetter(c.rig.store, letter.id, 'Ada Lovelace', 'a test record');
  const discarded = (await c.rig.store.audit.tail(1, { actions: ['discarded'] }))[0]!;
  return { hostile, discarded, total: (await c.rig.store.audit.head())!.seq };
}

describe('console audit', () => {
  it('searches by record, action and time; an entry opens to its field changes, escaped, and who decided', async () => {
    consoleRig = await startConsoleRig();
    const c = consoleRig;
    const { hostile, discarded, total } = await history(c);
    const admin = await signIn(c.app, ADA_TOKEN);

    const all = await admin.get('/console/audit');
    expect(all.statusCode).toBe(200);
    expect(seqs(all.body)).toEqual(
      Array.from({ length: Math.min(total, 50) }, (_, i) => total - Math.min(total, 50) + i + 1),
    );
    expect(all.body).toContain('<a href="/console/audit" aria-current="page">Audit</a>');

    const byRecord = await admin.get(`/console/audit?record=crm:${hostile.crmId}`);
    expect(seqs(byRecord.body)).toEqual([hostile.seq]);
    const row = byRecord.body.slice(byRecord.body.indexOf(`id="audit-${hostile.seq}"`));
    expect(row).toMatch(/<details data-audit-details><summary>\d+ fields? changed<\/summary>/);
    const escaped = '&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;';
    expect(row).toContain(
      `data-field="jobtitle"><td>jobtitle</td><td data-before>—</td><td data-after>${escaped}</td>`,
    );
    expect(byRecord.body).not.toContain(SCRIPT);

    const byAction = await admin.get('/console/audit?action=discarded&mapping=contacts-partners');
    expect(seqs(byAction.body)).toEqual([discarded.seq]);
    expect(byAction.body).toContain('<small data-by>Ada Lovelace</small>');
    expect(byAction.body).toContain('<span data-rule>a test record</span>');
    expect(byAction.body).toContain('&quot;by&quot;: &quot;Ada Lovelace&quot;');
    expect((await admin.get('/console/audit?action=nope')).body).toContain('query.action: unknown action');

    const from = await admin.get(`/console/audit?from=${encodeURIComponent(discarded.at)}`);
    expect(seqs(from.body)).toEqual([discarded.seq]);
    const to = await admin.get(`/console/audit?to=${encodeURIComponent(discarded.at)}&record=crm:${hostile.crmId}`);
    expect(seqs(to.body)).toEqual([hostile.seq]);
    expect(actions((await admin.get(`/console/audit?to=${encodeURIComponent(discarded.at)}`)).body)).not.toContain(
      'discarded',
    );
    const badTime = await admin.get('/console/audit?from=yesterday');
    expect(badTime.statusCode).toBe(400);
    expect(badTime.body).toContain('query.from');
  }, 60_000);

  it('pages forward from the start', async () => {
    consoleRig = await startConsoleRig();
    const c = consoleRig;
    await c.rig.store.audit.appendMany(
      Array.from({ length: 60 }, (_, i) => ({ action: 'applied', actor: 'poll' as const, crmId: `p${i}` })),
    );
    const total = (await c.rig.store.audit.head())!.seq;
    const admin = await signIn(c.app);
    const newest = await admin.get('/console/audit');
    expect(seqs(newest.body).at(-1)).toBe(total);
    const start = /href="([^"]+)" data-page="start"/.exec(newest.body)?.[1]!.replaceAll('&amp;', '&');
    const first = await admin.get(start!);
    expect(seqs(first.body)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const next = /href="([^"]+)" data-page="next"/.exec(first.body)?.[1]!.replaceAll('&amp;', '&');
    expect(next).toBe('/console/audit?after=50');
    expect(seqs((await admin.get(next!)).body)[0]).toBe(51);
  }, 60_000);

  it('verifies the chain: intact (no checkpoints: the caveat), then where a tampered row breaks it', async () => {
    consoleRig = await startConsoleRig();
    const c = consoleRig;
    await history(c);
    const admin = await signIn(c.app);
    const page = await admin.get('/console/audit');
    expect(page.body).toContain('hx-get="/console/audit/verify" hx-target="#audit-verify"');
    const ok = await admin.get('/console/audit/verify', { 'hx-request': 'true' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('data-verify="ok"');
    expect(ok.body).toMatch(/data-caveat>Checkpoints: none configured/);
    expect(ok.body).not.toContain('<html');
    expect((await admin.get('/console/audit/verify')).body).toContain('<title>Audit log verification');

    const raw = new BetterSqlite3(c.rig.storePath);
    raw.exec('drop trigger audit_log_no_update; drop trigger audit_log_no_delete; drop trigger audit_log_no_rewrite;');
    raw.exec(
      "update audit_log set canonical = replace(canonical, 'a test record', 'nothing to see') " +
        "where action = 'discarded'",
    );
    raw.close();
    const discarded = (await c.rig.store.audit.tail(1, { actions: ['discarded'] }))[0]!;
    const broken = await admin.get('/console/audit/verify', { 'hx-request': 'true' });
    expect(broken.body).toContain('data-verify="broken"');
    expect(broken.body).toContain(`Broken at entry #${discarded.seq}</strong>: hash mismatch`);
    expect(broken.body).toContain(`The ${discarded.seq - 1} entries before it are intact.`);
  }, 60_000);

  it('verifies against signed checkpoints when configured: what they anchor, and a refused one', async () => {
    consoleRig = await startConsoleRig();
    const c = consoleRig;
    await history(c);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signer = { keyId: keyIdOf(publicKey), key: privateKey };
    const dir = join(c.rig.dir, 'checkpoints');
    expect(await takeCheckpoint(c.rig.store.audit, signer, dir)).toMatchObject({ written: true });
    const anchored = (await c.rig.store.audit.head())!.seq;
    await c.rig.store.audit.append({ action: 'applied', actor: 'poll', crmId: 'after-checkpoint' });
    const app = await buildServer({
      connectors: c.rig.byName,
      store: c.rig.store,
      logger: createLogger({ level: 'silent' }),
      metrics: createMetricsRegistry({ defaultMetrics: false }),
      bodyLimitBytes: 1_048_576,
      admin: { token: c.directory.tokens(), engine: c.engine },
      console: {
        directory: c.directory,
        queueKind: 'memory',
        pages: CONSOLE_PAGES,
        checkpoints: {
          lines: () => readCheckpointFile(checkpointPath(dir)),
          trusted: new Map([[signer.keyId, publicKey]]),
        },
      },
    });
    try {
      const admin = await signIn(app);
      const ok = await admin.get('/console/audit/verify', { 'hx-request': 'true' });
      expect(ok.body).toContain('data-verify="ok"');
      expect(ok.body).toContain(`Checkpoints: 1 valid; ${anchored} entries anchored by them, 1 after the last one`);
      expect(ok.body).not.toContain('none configured');

      const stranger = generateKeyPairSync('ed25519');
      appendCheckpoint(
        dir,
        signCheckpoint(
          { keyId: keyIdOf(stranger.publicKey), key: stranger.privateKey },
          (await c.rig.store.audit.head())!,
          new Date().toISOString(),
        ),
      );
      const refused = await admin.get('/console/audit/verify', { 'hx-request': 'true' });
      expect(refused.body).toContain('data-verify="broken"');
      expect(refused.body).toMatch(/<li class="bad">checkpoint at .*checkpoints\.jsonl:2 is refused/);
    } finally {
      await app.close();
    }
  }, 60_000);
});
