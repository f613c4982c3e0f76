/**
 * `GET /admin/audit` filtered as `audit tail` is (action, mapping, record), after a real
 * pass between the sandboxes; a filter that cannot be is a 400 naming the query field.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMappings } from '../../../src/mapping/load.ts';
import type { CompiledMapping } from '../../../src/mapping/types.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';
import { buildServer } from '../../../src/server/app.ts';
import type { AuditEntry } from '../../../src/store/audit-repository.ts';
import { syncEngine } from '../../../src/sync/engine.ts';
import { projectRoot } from '../../support/env.ts';
import { collectPass, startSyncRig, type SyncRig } from '../sync/support.ts';

const TOKEN = 'admin-token-for-audit-filters-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
let rig: SyncRig;
let mapping: CompiledMapping;

beforeEach(async () => {
  rig = await startSyncRig({ seed: 5, records: 12 });
  const all = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.map((m) => m.mapping);
  mapping = all.find((m) => m.id === 'contacts-partners') as CompiledMapping;
});
afterEach(() => rig.close());

describe('GET /admin/audit, filtered', () => {
  it('by action, mapping and record; an unknown action is a 400 listing the valid ones', async () => {
    const ctx = { mapping, connectors: rig.connectors, store: rig.store, connections: { crm: 'hubspot', erp: 'odoo' } };
    await collectPass(ctx, 'crm', { apply: true });
    await rig.store.audit.append({ action: 'admin', actor: 'admin', mappingId: 'other', crmId: null, erpId: null });
    const [pair] = await rig.store.links.list(mapping.id);
    const app = await buildServer({
      connectors: rig.byName,
      store: rig.store,
      logger: createLogger({ level: 'silent' }),
      metrics: createMetricsRegistry({ defaultMetrics: false }),
      bodyLimitBytes: 1_048_576,
      admin: { token: TOKEN, engine: syncEngine([mapping], rig.byName, rig.store) },
    });
    try {
      const get = async (query: string) =>
        await app.inject({ method: 'GET', url: `/admin/audit?limit=1000&${query}`, headers: auth });
      const all = (await get('')).json().entries as AuditEntry[];
      const mine = (await get(`mapping=${mapping.id}&action=applied,waiting`)).json().entries as AuditEntry[];
      expect(mine.length).toBeGreaterThan(0);
      expect(mine).toEqual(
        all.filter((e) => e.mappingId === mapping.id && (e.action === 'applied' || e.action === 'waiting')),
      );
      const record = (await get(`record=erp:${pair!.erpId}`)).json().entries as AuditEntry[];
      expect(record.map((e) => e.erpId)).toEqual(all.filter((e) => e.erpId === pair!.erpId).map(() => pair!.erpId));
      expect(record.length).toBeGreaterThan(0);
      const bad = await get('action=aplied');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toMatch(/^query\.action: unknown action "aplied"; valid: applied, skipped/);
    } finally {
      await app.close();
    }
  }, 60_000);
});
