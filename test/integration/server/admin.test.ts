/**
 * The admin API against the two sandboxes: bearer token or 401 (missing, wrong, wrong
 * length), 404 with how to turn it on when no token is configured, strict input (400
 * naming the field), a dry run that writes nothing, conflicts listed and resolved (409 the
 * second time), dead letters listed, replayed and discarded, audit entries and verify,
 * and 429 past the rate limit.
 */
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMappings } from '../../../src/mapping/load.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import type { AdminOptions } from '../../../src/server/admin-routes.ts';
import { buildServer } from '../../../src/server/app.ts';
import { appendCheckpoint, checkpointPath, readCheckpointFile } from '../../../src/store/audit/checkpoint-file.ts';
import { keyIdOf, signCheckpoint } from '../../../src/store/audit/checkpoint.ts';
import { takeCheckpoint } from '../../../src/store/audit/checkpoint-writer.ts';
import { syncEngine } from '../../../src/sync/engine.ts';
import { runPass } from '../../../src/sync/pass.ts';
import { projectRoot } from '../../support/env.ts';
import { startSyncRig, type SyncRig } from '../sync/support.ts';

const TOKEN = 'admin-token-for-this-test-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
let rig: SyncRig;
let dir: string;

beforeEach(async () => {
  rig = await startSyncRig({ seed: 5, records: 12 });
  dir = mkdtempSync(join(tmpdir(), 'frontback-admin-'));
  cpSync(join(projectRoot, 'mappings/hubspot-odoo'), dir, { recursive: true });
  const file = join(dir, 'contacts-partners.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^conflicts: newest$/m, 'conflicts: manual'));
});
afterEach(async () => {
  await rig.close();
  rmSync(dir, { recursive: true, force: true });
});

async function server(
  options: { token?: string; requestsPerMinute?: number; checkpoints?: AdminOptions['checkpoints'] } = {
    token: TOKEN,
  },
): Promise<{ app: FastifyInstance; ctx: ReturnType<ReturnType<typeof syncEngine>['context']> }> {
  const mappings = loadMappings(dir).mappings.map((m) => m.mapping);
  const engine = syncEngine(mappings, rig.byName, rig.store);
  const app = await buildServer({
    connectors: rig.byName,
    store: rig.store,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    bodyLimitBytes: 1_048_576,
    admin: {
      token: options.token,
      engine,
      ...(options.requestsPerMinute ? { requestsPerMinute: options.requestsPerMinute } : {}),
      ...(options.checkpoints ? { checkpoints: options.checkpoints } : {}),
    },
  });
  return { app, ctx: engine.context('contacts-partners') };
}

describe('the admin API', () => {
  it('needs the bearer token, and answers 404 with how to turn it on when none is configured', async () => {
    const { app } = await server();
    const missing = await app.inject({ method: 'GET', url: '/admin/conflicts' });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(missing.json()).toMatchObject({
      error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/Authorization: Bearer/) },
    });
    for (const wrong of [
      `Bearer ${TOKEN.slice(0, -1)}x`,
      'Bearer short',
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN}${TOKEN}`,
    ]) {
      const res = await app.inject({ method: 'GET', url: '/admin/conflicts', headers: { authorization: wrong } });
      expect([wrong, res.statusCode]).toEqual([wrong, 401]);
    }
    expect((await app.inject({ method: 'GET', url: '/admin/conflicts', headers: auth })).statusCode).toBe(200);
    await app.close();

    const { app: off } = await server({});
    const res = await off.inject({ method: 'GET', url: '/admin/conflicts', headers: auth });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toMatch(/admin API is off: set server.adminToken/);
    await off.close();
  });

  it('refuses unknown or bad input with a 400 that names it', async () => {
    const { app } = await server();
    const unknown = await app.inject({ method: 'GET', url: '/admin/conflicts?stauts=open', headers: auth });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toMatch(/query: Unrecognized key.*stauts/);
    const side = await app.inject({
      method: 'POST',
      url: '/admin/conflicts/x/resolve',
      headers: auth,
      payload: { take: 'both' },
    });
    expect(side.statusCode).toBe(400);
    expect(side.json().error.message).toMatch(/body\.take/);
    const proto = await app.inject({
      method: 'POST',
      url: '/admin/dead-letters/x/discard',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"reason":"r","__proto__":{"x":1}}',
    });
    expect(proto.statusCode).toBe(400);
    const mapping = await app.inject({
      method: 'POST',
      url: '/admin/mappings/contact-partners/dry-run',
      headers: auth,
      payload: {},
    });
    expect(mapping.statusCode).toBe(404);
    expect(mapping.json().error.message).toMatch(/no mapping "contact-partners".*contacts-partners/);
    await app.close();
  });

  it('a dry run shows the plan and writes nothing; conflicts are listed and resolved once', async () => {
    const { app, ctx } = await server();
    const dry = await app.inject({
      method: 'POST',
      url: '/admin/mappings/contacts-partners/dry-run',
      headers: auth,
      payload: { from: 'crm' },
    });
    expect(dry.statusCode).toBe(200);
    const [pass] = dry.json().passes;
    expect(pass.counts.sync + pass.counts.create).toBeGreaterThan(0);
    expect(await rig.store.links.list('contacts-partners')).toEqual([]);

    await runPass(ctx, 'crm', { apply: true });
    const [pair] = await rig.store.links.list('contacts-partners');
    await rig.connectors.crm.write('contacts', [
      { op: 'update', ref: 'c', id: pair!.crmId, fields: { jobtitle: 'CRM title' } },
    ]);
    await rig.connectors.erp.write('res.partner', [
      { op: 'update', ref: 'e', id: pair!.erpId, fields: { function: 'ERP title' } },
    ]);
    await runPass(ctx, 'crm', { apply: true });

    const listed = await app.inject({
      method: 'GET',
      url: '/admin/conflicts?mapping=contacts-partners',
      headers: auth,
    });
    const [conflict] = listed.json().conflicts;
    expect(conflict).toMatchObject({ field: 'jobtitle', crmValue: 'CRM title', erpValue: 'ERP title', status: 'open' });
    const resolved = await app.inject({
      method: 'POST',
      url: `/admin/conflicts/${conflict.id}/resolve`,
      headers: auth,
      payload: { take: 'crm', by: 'dana' },
    });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({
      conflict: { status: 'resolved', resolvedBy: 'dana' },
      written: { erp: { function: 'CRM title' } },
    });
    const [partner] = await rig.connectors.erp.read('res.partner', [pair!.erpId], ['function']);
    expect(partner?.fields.function).toBe('CRM title');
    const twice = await app.inject({
      method: 'POST',
      url: `/admin/conflicts/${conflict.id}/resolve`,
      headers: auth,
      payload: { take: 'erp' },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toMatch(/already resolved by dana/);

    const row = await rig.store.inbox.accept({
      source: 'hubspot',
      deliveryKey: 'admin-failed',
      payload: { object: 'contacts', id: pair!.crmId },
    });
    await rig.store.inbox.markFailed(row.id, 'Odoo was down');
    const inbox = await app.inject({ method: 'GET', url: '/admin/inbox?status=failed', headers: auth });
    expect(inbox.json().deliveries.map((d: { id: string; lastError: string }) => [d.id, d.lastError])).toEqual([
      [row.id, 'Odoo was down'],
    ]);
    const retried = await app.inject({ method: 'POST', url: `/admin/inbox/${row.id}/retry`, headers: auth });
    expect(retried.json()).toMatchObject({ was: 'failed', delivery: { status: 'pending' } });

    const audit = await app.inject({ method: 'GET', url: '/admin/audit?limit=5', headers: auth });
    expect(audit.json().entries.some((e: { action: string }) => e.action === 'resolved')).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/admin/audit/verify', headers: auth })).json()).toMatchObject({
      ok: true,
    });
    const runs = await app.inject({ method: 'GET', url: '/admin/runs?mapping=contacts-partners', headers: auth });
    expect(runs.json().runs[0]).toMatchObject({ trigger: `resolve:${conflict.id}`, status: 'succeeded' });
    await app.close();
  });

  it("shows a running pass's progress: its counts so far and where each stream is, page by page", async () => {
    const { app, ctx } = await server();
    const seen: { stream: string; status: string; read: number; pages: number; total: unknown }[] = [];
    const report = await runPass(ctx, 'crm', {
      apply: true,
      pageSize: 5,
      // Read through the API while the pass is still running, after each page is recorded.
      async onPage(page) {
        const runs = (await app.inject({ method: 'GET', url: '/admin/runs', headers: auth })).json().runs;
        const running = runs.find((r: { status: string }) => r.status === 'running');
        const { run } = (await app.inject({ method: 'GET', url: `/admin/runs/${running.id}`, headers: auth })).json();
        const stream = run.progress.streams.find((s: { stream: string }) => s.stream === page.stream);
        seen.push({
          stream: page.stream,
          status: run.status,
          read: run.counts.read,
          pages: stream.pages,
          total: stream.total,
        });
      },
    });
    // 12 contacts, at most 5 a page (HubSpot's listing holds back ties of the newest time: some pages are shorter):
    // each page seen while the run was running, with its counts so far and the total HubSpot's search said.
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.every((s) => s.stream === 'changes' && s.status === 'running' && s.total === 12)).toBe(true);
    expect(seen.map((s) => s.pages)).toEqual(seen.map((_, i) => i + 1));
    const reads = seen.map((s) => s.read);
    expect(reads).toEqual([...reads].sort((a, b) => a - b));
    expect(reads[0]).toBeGreaterThan(0);
    expect(reads.at(-1)).toBe(12);
    const done = (await app.inject({ method: 'GET', url: `/admin/runs/${report.runId}`, headers: auth })).json().run;
    expect(done).toMatchObject({ status: 'succeeded', counts: { read: 12 } });
    expect(done.progress.streams[0]).toMatchObject({ stream: 'changes', pages: seen.length, read: 12 });
  });

  it('dead letters: listed with the target message, replayed after the fix, discarded with a reason', async () => {
    const { app, ctx } = await server();
    await rig.connectors.crm.write('contacts', [
      { op: 'create', ref: 'a', fields: { email: 'nameless.one@x.test', lifecyclestage: 'customer' } },
      { op: 'create', ref: 'b', fields: { email: 'nameless.two@x.test', lifecyclestage: 'customer' } },
    ]);
    await runPass(ctx, 'crm', { apply: true });
    const listed = (await app.inject({ method: 'GET', url: '/admin/dead-letters', headers: auth })).json()
      .deadLetters as {
      id: string;
      side: string;
      recordId: string;
      message: string;
      payload: { fields: { email: string } };
    }[];
    expect(listed).toHaveLength(2);
    expect(listed.map((d) => d.side)).toEqual(['crm', 'crm']);
    const bySide = (side: string) =>
      app.inject({ method: 'GET', url: `/admin/dead-letters?mapping=contacts-partners&side=${side}`, headers: auth });
    expect((await bySide('crm')).json().deadLetters).toHaveLength(2);
    expect((await bySide('erp')).json().deadLetters).toEqual([]);
    expect((await bySide('both')).statusCode).toBe(400);
    const one = listed.find((d) => d.payload.fields.email === 'nameless.one@x.test')!;
    const two = listed.find((d) => d.payload.fields.email === 'nameless.two@x.test')!;
    expect(one.message).toMatch(/name/i);

    await rig.connectors.crm.write('contacts', [
      { op: 'update', ref: 'fix', id: one.recordId, fields: { firstname: 'One' } },
    ]);
    const replay = await app.inject({ method: 'POST', url: `/admin/dead-letters/${one.id}/replay`, headers: auth });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ status: 'applied', deadLetter: { status: 'replayed' } });
    const still = await app.inject({
      method: 'POST',
      url: `/admin/dead-letters/${two.id}/replay`,
      headers: auth,
      payload: { by: 'erin' },
    });
    expect(still.json()).toMatchObject({ status: 'failed', deadLetter: { status: 'open', attempts: 2 } });
    const noReason = await app.inject({
      method: 'POST',
      url: `/admin/dead-letters/${two.id}/discard`,
      headers: auth,
      payload: {},
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.message).toMatch(/body\.reason/);
    const discard = await app.inject({
      method: 'POST',
      url: `/admin/dead-letters/${two.id}/discard`,
      headers: auth,
      payload: { reason: 'a test address', by: 'erin' },
    });
    expect(discard.json()).toMatchObject({ deadLetter: { status: 'discarded' } });
    expect((await app.inject({ method: 'GET', url: '/admin/dead-letters', headers: auth })).json().deadLetters).toEqual(
      [],
    );
    await app.close();
  });

  it('answers 429 past the rate limit, wrong tokens included', async () => {
    const { app } = await server({ token: TOKEN, requestsPerMinute: 3 });
    const answers = [];
    for (let i = 0; i < 5; i++)
      answers.push(
        await app.inject({
          method: 'GET',
          url: '/admin/runs',
          headers: i % 2 === 0 ? auth : { authorization: 'Bearer guess' },
        }),
      );
    expect(answers.map((a) => a.statusCode)).toEqual([200, 401, 200, 429, 429]);
    expect(answers[4]?.json()).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/^too many admin requests: 3 a minute; try again in \d+ (?:seconds?|minutes?)$/),
        details: {},
      },
    });
    expect(answers[4]?.headers['retry-after']).toBeDefined();
    await app.close();
  });

  it('verifies the audit log against the signed checkpoints, and says what it cannot prove without them', async () => {
    const entries = (n: number, from: number) =>
      Array.from({ length: n }, (_, i) => ({
        action: 'applied' as const,
        actor: 'poll' as const,
        mappingId: 'contacts-partners',
        crmId: `admin-${from + i}`,
      }));
    await rig.store.audit.appendMany(entries(5, 0));
    const bare = await server();
    expect((await bare.app.inject({ method: 'GET', url: '/admin/audit/verify', headers: auth })).json()).toMatchObject({
      ok: true,
      checkpoints: expect.stringMatching(/^none configured/),
    });
    await bare.app.close();

    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signer = { keyId: keyIdOf(publicKey), key: privateKey };
    const ckdir = join(dir, 'checkpoints');
    expect(await takeCheckpoint(rig.store.audit, signer, ckdir)).toMatchObject({ written: true });
    await rig.store.audit.appendMany(entries(2, 5));
    const { app } = await server({
      token: TOKEN,
      checkpoints: {
        lines: () => readCheckpointFile(checkpointPath(ckdir)),
        trusted: new Map([[signer.keyId, publicKey]]),
      },
    });
    const count = (await rig.store.audit.head())!.seq;
    expect((await app.inject({ method: 'GET', url: '/admin/audit/verify', headers: auth })).json()).toMatchObject({
      ok: true,
      checkpoints: 1,
      anchored: count - 2,
      unanchored: 2,
    });
    // A checkpoint signed by a key nobody trusts is refused, read afresh at the next request.
    const stranger = generateKeyPairSync('ed25519');
    appendCheckpoint(
      ckdir,
      signCheckpoint(
        { keyId: keyIdOf(stranger.publicKey), key: stranger.privateKey },
        (await rig.store.audit.head())!,
        new Date().toISOString(),
      ),
    );
    const refused = (await app.inject({ method: 'GET', url: '/admin/audit/verify', headers: auth })).json();
    expect(refused.ok).toBe(false);
    expect(refused.problems.join('\n')).toMatch(/checkpoint at .*checkpoints\.jsonl:2 is refused/);
    await app.close();
  });
});
