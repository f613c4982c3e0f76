/**
 * The admin API's answers are what its OpenAPI document says (issue #16 part 3). Answers
 * are not serialized through the response schemas (no field may be dropped), so this test
 * is what keeps the two together: after a real pass between the sandboxes with a conflict,
 * dead letters, a failed delivery and a dry run, the 200 answer of each route exercised is
 * parsed with the zod schema the document was generated from.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadMappings } from '../../../src/mapping/load.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import * as S from '../../../src/server/admin-route-schemas.ts';
import type { DescribedResponse } from '../../../src/server/admin-schemas.ts';
import { buildServer } from '../../../src/server/app.ts';
import { syncEngine } from '../../../src/sync/engine.ts';
import { runPass } from '../../../src/sync/pass.ts';
import { projectRoot } from '../../support/env.ts';
import { startSyncRig, type SyncRig } from '../sync/support.ts';

const TOKEN = 'admin-token-for-the-answers-test-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
let rig: SyncRig;
let dir: string;
let app: FastifyInstance;

beforeEach(async () => {
  rig = await startSyncRig({ seed: 7, records: 8 });
  dir = mkdtempSync(join(tmpdir(), 'frontback-admin-answers-'));
  cpSync(join(projectRoot, 'mappings/hubspot-odoo'), dir, { recursive: true });
  const file = join(dir, 'contacts-partners.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^conflicts: newest$/m, 'conflicts: manual'));
  const mappings = loadMappings(dir).mappings.map((m) => m.mapping);
  app = await buildServer({
    connectors: rig.byName,
    store: rig.store,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    bodyLimitBytes: 1_048_576,
    admin: { token: TOKEN, engine: syncEngine(mappings, rig.byName, rig.store) },
  });
});
afterEach(async () => {
  await app.close();
  await rig.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Calls the route and parses its 200 answer with the schema the document shows; answers the body. */
async function answer(
  route: { response: Readonly<Record<number, unknown>> },
  request: { method: 'GET' | 'POST'; url: string; payload?: object },
): Promise<Record<string, unknown>> {
  const res = await app.inject({ ...request, headers: auth });
  expect([request.url, res.statusCode]).toEqual([request.url, 200]);
  const schema = (route.response[200] as DescribedResponse).content['application/json'].schema;
  const parsed = schema.safeParse(res.json());
  expect([request.url, parsed.success ? 'as documented' : z.prettifyError(parsed.error)]).toEqual([
    request.url,
    'as documented',
  ]);
  return res.json() as Record<string, unknown>;
}

describe('the answers of the admin API', () => {
  it('are what the OpenAPI document says', async () => {
    const engine = syncEngine(
      loadMappings(dir).mappings.map((m) => m.mapping),
      rig.byName,
      rig.store,
    );
    const ctx = engine.context('contacts-partners');
    // A record the ERP refuses (no name): a dead letter.
    await rig.connectors.crm.write('contacts', [
      { op: 'create', ref: 'a', fields: { email: 'nameless.one@x.test', lifecyclestage: 'customer' } },
      { op: 'create', ref: 'b', fields: { email: 'nameless.two@x.test', lifecyclestage: 'customer' } },
    ]);
    await runPass(ctx, 'crm', { apply: true });
    // A field changed on both sides: a conflict.
    const [pair] = await rig.store.links.list('contacts-partners');
    await rig.connectors.crm.write('contacts', [
      { op: 'update', ref: 'c', id: pair!.crmId, fields: { jobtitle: 'CRM title' } },
    ]);
    await rig.connectors.erp.write('res.partner', [
      { op: 'update', ref: 'e', id: pair!.erpId, fields: { function: 'ERP title' } },
    ]);
    await runPass(ctx, 'crm', { apply: true });
    const delivery = await rig.store.inbox.accept({
      source: 'hubspot',
      deliveryKey: 'answers-failed',
      payload: { object: 'contacts', id: pair!.crmId },
    });
    await rig.store.inbox.markFailed(delivery.id, 'Odoo was down');

    const mappings = await answer(S.listMappings, { method: 'GET', url: '/admin/mappings' });
    expect(mappings.mappings).not.toEqual([]);
    const dry = await answer(S.dryRun, {
      method: 'POST',
      url: '/admin/mappings/contacts-partners/dry-run',
      payload: { from: 'both' },
    });
    const [pass] = dry.passes as { runId: string }[];
    await answer(S.listRuns, { method: 'GET', url: '/admin/runs' });
    await answer(S.getRun, { method: 'GET', url: `/admin/runs/${pass!.runId}` });
    const plans = await answer(S.listPlans, { method: 'GET', url: `/admin/runs/${pass!.runId}/plans?limit=2` });
    expect(plans.plans).not.toEqual([]);

    const { conflicts } = await answer(S.listConflicts, { method: 'GET', url: '/admin/conflicts' });
    const [conflict] = conflicts as { id: string }[];
    await answer(S.getConflict, { method: 'GET', url: `/admin/conflicts/${conflict!.id}` });
    await answer(S.resolveConflict, {
      method: 'POST',
      url: `/admin/conflicts/${conflict!.id}/resolve`,
      payload: { take: 'crm' },
    });

    const { deadLetters } = await answer(S.listDeadLetters, { method: 'GET', url: '/admin/dead-letters' });
    const [one, two] = deadLetters as { id: string }[];
    await answer(S.getDeadLetter, { method: 'GET', url: `/admin/dead-letters/${one!.id}` });
    await answer(S.replayDeadLetter, { method: 'POST', url: `/admin/dead-letters/${one!.id}/replay` });
    await answer(S.discardDeadLetter, {
      method: 'POST',
      url: `/admin/dead-letters/${two!.id}/discard`,
      payload: { reason: 'a test address' },
    });

    const inbox = await answer(S.listInbox, { method: 'GET', url: '/admin/inbox' });
    expect(inbox.deliveries).not.toEqual([]);
    await answer(S.retryDelivery, { method: 'POST', url: `/admin/inbox/${delivery.id}/retry` });
    await answer(S.listMatches, { method: 'GET', url: '/admin/matches' });
    await answer(S.listProblems, { method: 'GET', url: '/admin/problems' });
    const audit = await answer(S.listAudit, { method: 'GET', url: '/admin/audit?limit=50' });
    expect(audit.entries).not.toEqual([]);
    await answer(S.verifyAudit, { method: 'GET', url: '/admin/audit/verify' });
  }, 60_000);
});
