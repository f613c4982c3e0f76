/**
 * Problems an admin can list, with messy data on the sandboxes: a HubSpot customer whose
 * country is "Narnia" (the `country-code` transform refuses it) and contacts whose company
 * is not synced (the lookup finds nothing). The passes write what they can and keep each
 * field left out as a problem of its record; fixing the country and syncing again settles
 * it; a deleted contact takes its problems with it. The admin API lists them.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMappings } from '../../../src/mapping/load.ts';
import type { CompiledMapping } from '../../../src/mapping/types.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { buildServer } from '../../../src/server/app.ts';
import type { Problem } from '../../../src/store/problem-repository.ts';
import { syncEngine } from '../../../src/sync/engine.ts';
import { projectRoot } from '../../support/env.ts';
import { collectPass, startSyncRig, type SyncRig } from './support.ts';

const TOKEN = 'admin-token-for-problems-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
let rig: SyncRig;
let mapping: CompiledMapping;
let app: FastifyInstance | undefined;

beforeEach(async () => {
  rig = await startSyncRig({ seed: 7, records: 24 });
  const all = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.map((m) => m.mapping);
  mapping = all.find((m) => m.id === 'contacts-partners') as CompiledMapping;
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await rig.close();
});

const ctx = () => ({
  mapping,
  connectors: rig.connectors,
  store: rig.store,
  connections: { crm: 'hubspot', erp: 'odoo' },
});
const problemsOf = async (recordId: string): Promise<Problem[]> =>
  (await rig.store.problems.list({ mappingId: mapping.id, limit: 1000 })).filter(
    (p) => p.side === 'crm' && p.recordId === recordId,
  );

describe('problems: fields left out of a write', () => {
  it('are kept per record, listed, and settled when the field is fixed and synced, or the record deleted', async () => {
    const [made] = await rig.connectors.crm.write('contacts', [
      {
        op: 'create',
        ref: 'n',
        fields: {
          email: 'lucy@narnia.test',
          firstname: 'Lucy',
          lastname: 'Pevensie',
          lifecyclestage: 'customer',
          country: 'Narnia',
        },
      },
    ]);
    const lucy = made?.ok ? made.id : '';
    const first = await collectPass(ctx(), 'crm', { apply: true });
    expect(first.applied.filter((a) => a.status === 'failed')).toEqual([]);
    // Created in Odoo without its country; the problem says which field, where, and why.
    const created = first.applied.find((a) => a.plan.id === lucy);
    expect(created?.status).toBe('applied');
    expect(await problemsOf(lucy)).toMatchObject([
      { field: 'country', target: 'erp', runId: first.runId, reason: expect.stringContaining('Narnia') },
    ]);
    // The contacts whose company is not synced: linked and written, their company left out.
    const lookups = await rig.store.problems.list({ mappingId: mapping.id, field: 'associatedcompanyid' });
    expect(lookups.length).toBeGreaterThan(0);
    for (const p of lookups) expect(p.reason).toMatch(/lookup companies-partners .*nothing found/);
    const counted = await rig.store.problems.counts(mapping.id);
    expect(counted.reduce((n, c) => n + c.count, 0)).toBe(lookups.length + 1);

    // A second pass over the same records: still open, first seen kept.
    const [before] = await problemsOf(lucy);
    await collectPass(ctx(), 'crm', { apply: true });
    expect((await problemsOf(lucy))[0]?.firstSeen).toBe(before?.firstSeen);

    // The admin API lists them, by mapping and field, paged.
    app = await server();
    const listed = await app.inject({
      method: 'GET',
      url: `/admin/problems?mapping=${mapping.id}&field=country`,
      headers: auth,
    });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().problems.map((p: Problem) => [p.recordId, p.field])).toEqual([[lucy, 'country']]);
    expect(listed.json().counts).toMatchObject([{ mappingId: mapping.id, field: 'country', count: 1 }]);
    const page = await app.inject({ method: 'GET', url: '/admin/problems?limit=1', headers: auth });
    const next = await app.inject({
      method: 'GET',
      url: `/admin/problems?limit=1&after=${page.json().problems[0].id}`,
      headers: auth,
    });
    expect(next.json().problems).toHaveLength(1);
    expect(next.json().problems[0].id).not.toBe(page.json().problems[0].id);
    const bad = await app.inject({ method: 'GET', url: '/admin/problems?feild=country', headers: auth });
    expect(bad.statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/admin/problems' })).statusCode).toBe(401);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain(`frontback_problems_open{mapping="contacts-partners"} ${lookups.length + 1}`);

    // The country fixed in HubSpot and synced: written to Odoo, the problem settled.
    const contacts = rig.hubspot.store.requireType('contacts');
    rig.hubspot.store.update(contacts, rig.hubspot.store.get(contacts, lucy)!, { country: 'France' }, 'CRM_UI');
    await collectPass(ctx(), 'crm', { apply: true });
    expect(await problemsOf(lucy)).toEqual([]);
    const partner = (await rig.store.links.findBySide(mapping.id, 'crm', lucy))?.erpId ?? '';
    expect(
      (await rig.connectors.erp.read('res.partner', [partner], ['country_id']))[0]?.fields.country_id,
    ).toBeTruthy();

    // A contact with a problem deleted in HubSpot: its partner archived, its problems gone with it.
    const gone = lookups[0]!.recordId;
    expect((await problemsOf(gone)).length).toBeGreaterThan(0);
    await rig.connectors.crm.write('contacts', [{ op: 'archive', ref: 'd', id: gone }]);
    await collectPass(ctx(), 'crm', { apply: true });
    expect(await problemsOf(gone)).toEqual([]);
  }, 60_000);
});

async function server(): Promise<FastifyInstance> {
  const engine = syncEngine([mapping], rig.byName, rig.store);
  return buildServer({
    connectors: rig.byName,
    store: rig.store,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    bodyLimitBytes: 1_048_576,
    admin: { token: TOKEN, engine },
  });
}
