/**
 * Issue #13's promise through a whole pass (contacts-partners, both sandboxes): HubSpot
 * edits of three linked contacts become one Odoo batch update of different values (one
 * `load`); the partner of one of them is deleted in Odoo just before the write, so Odoo
 * refuses that row. The other two are written and recorded; that one is dead-lettered
 * with Odoo's own message, and it cost three `load` calls, not one per record.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { OdooConnector } from '../../../connectors/odoo/index.ts';
import type { Connector, WriteOp } from '../../../src/connector/index.ts';
import { loadMappings } from '../../../src/mapping/load.ts';
import type { CompiledMapping } from '../../../src/mapping/types.ts';
import { runPass } from '../../../src/sync/pass.ts';
import { projectRoot } from '../../support/env.ts';
import { collectPass, startSyncRig, type SyncRig } from './support.ts';

let rig: SyncRig;
let mapping: CompiledMapping;

beforeEach(async () => {
  rig = await startSyncRig({ seed: 5, records: 0 });
  const loaded = loadMappings('mappings/hubspot-odoo', { cwd: projectRoot }).mappings.find(
    (m) => m.mapping.id === 'contacts-partners',
  );
  if (!loaded) throw new Error('contacts-partners not loaded');
  mapping = loaded.mapping;
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rig.close();
});

const ctx = (connectors: { crm: Connector; erp: Connector } = rig.connectors) => ({
  mapping,
  connectors,
  store: rig.store,
  connections: { crm: 'hubspot', erp: 'odoo' },
});

it("a batch update with one bad row writes the others and dead-letters that one with Odoo's message", async () => {
  const emails = ['ann@batch.test', 'bob@batch.test', 'cid@batch.test'];
  const contacts = rig.hubspot.store.requireType('contacts');
  rig.hubspot.store.bulkInsert(
    contacts,
    emails.map((email, i) => ({ email, firstname: 'Person', lastname: String(i), lifecyclestage: 'customer' })),
    { createdAt: Date.now(), modifiedAt: Date.now() },
  );
  await rig.connectors.erp.write(
    'res.partner',
    emails.map((email, i): WriteOp => ({ op: 'create', ref: `p${i}`, fields: { name: `Person ${i}`, email } })),
  );
  await runPass(ctx(), 'crm', { apply: true });
  const links = await rig.store.links.list(mapping.id);
  expect(links).toHaveLength(3);
  for (const l of links) {
    const record = rig.hubspot.store.get(contacts, l.crmId)!;
    rig.hubspot.store.update(contacts, record, { jobtitle: `Buyer ${l.crmId}` }, 'CRM_UI');
  }
  const victim = links[1]!;
  const erp = rig.connectors.erp as OdooConnector;
  const loads: { rows: number; victim: boolean }[] = [];
  const call = erp.client.call.bind(erp.client);
  vi.spyOn(erp.client, 'call').mockImplementation((model, method, args, ...rest) => {
    if (method === 'load') {
      const rows = (args[1] as unknown[][] | undefined) ?? [];
      loads.push({ rows: rows.length, victim: rows.some((row) => row.includes(victim.erpId)) });
    }
    return call(model, method, args, ...rest);
  });
  // Deleted in Odoo after the pass read it, before its write.
  // (Only the write of its own page: the listing may bring the three edits in more than one page.)
  const write: Connector['write'] = (object, ops) => {
    if (ops.some((op) => op.id === victim.erpId)) rig.odoo.orm.db.remove('res.partner', Number(victim.erpId));
    return erp.write(object, ops);
  };
  const pass = await collectPass(ctx({ crm: rig.connectors.crm, erp: { ...erp, write } as Connector }), 'crm', {
    apply: true,
  });

  const applied = pass.applied.filter((a) => a.status === 'applied').map((a) => a.plan.id);
  expect(applied.sort()).toEqual(
    links
      .filter((l) => l !== victim)
      .map((l) => l.crmId)
      .sort(),
  );
  const failed = pass.applied.filter((a) => a.status === 'failed');
  expect(failed.map((a) => [a.plan.id, a.message])).toEqual([
    [victim.crmId, `Unknown database identifier '${victim.erpId}'`],
  ]);
  const letters = await rig.store.deadLetters.list({ mappingId: mapping.id, status: 'open' });
  expect(letters.map((d) => [d.recordId, d.connection, d.message])).toEqual([
    [victim.crmId, 'odoo', `Unknown database identifier '${victim.erpId}'`],
  ]);
  // The victim's rows went in one load with the others of its page (refused), then alone; the others of the page
  // together. The listing brings the three edits in one page, or in two when they carry two timestamps.
  const withVictim = loads.filter((l) => l.victim).map((l) => l.rows);
  expect(withVictim).toHaveLength(2);
  expect(withVictim[0]).toBeGreaterThan(1);
  expect(withVictim[1]).toBe(1);
  expect(loads.reduce((n, l) => n + l.rows, 0)).toBe(3 + withVictim[0]! - 1 + 1);
  expect(loads.length).toBeLessThanOrEqual(4);
  const others = links.filter((l) => l !== victim);
  const partners = await rig.connectors.erp.read(
    'res.partner',
    others.map((l) => l.erpId),
    ['function'],
  );
  expect(partners.map((p) => p.fields.function).sort()).toEqual(others.map((l) => `Buyer ${l.crmId}`).sort());
}, 60_000);
