/**
 * Pages handled at once (each connection's `concurrency`), against both sandboxes with
 * 50 ms of latency on every request, HubSpot companies into Odoo (companies-partners,
 * matched by domain, then by name without legal form):
 * - the pass keeps its guarantees: every record handled once, the companies Odoo already
 *   has linked and updated (never twinned), the others created once, duplicated HubSpot
 *   companies (one domain written three ways, on different pages) create one partner and
 *   the others wait for a person instead of making twins; requests did overlap;
 * - a page that fails while later pages succeed holds the cursor back: the next pass reads
 *   the failed page again and nothing is lost or doubled.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError, type Connector, type RequestEvent, type WriteOp } from '../../../src/connector/index.ts';
import { loadMappings } from '../../../src/mapping/load.ts';
import type { CompiledMapping } from '../../../src/mapping/types.ts';
import { cursorKey, pagesAtOnce, runPass } from '../../../src/sync/pass.ts';
import { prepareMapping } from '../../../src/sync/prepare.ts';
import { projectRoot } from '../../support/env.ts';
import { startSyncRig, type SyncRig } from './support.ts';
import { join } from 'node:path';

let rig: SyncRig;
/** Answered requests, with when each ended (performance.now()). */
let requests: (RequestEvent & { end: number })[];
const loaded = loadMappings(join(projectRoot, 'mappings/hubspot-odoo')).mappings.find(
  (m) => m.mapping.id === 'companies-partners',
)!;
// A first sync creating most of what it reads: the guard is set above it (guard.ts is tested on its own).
const mapping: CompiledMapping = { ...loaded.mapping, guard: { maxCreates: 1_000 } };

beforeEach(async () => {
  requests = [];
  rig = await startSyncRig({
    seed: 11,
    records: 0,

    onRequest: (e) => requests.push({ ...e, end: performance.now() }),
  });
  await prepareMapping(loaded, rig.connectors);
});
afterEach(async () => {
  await rig.close();
});

/** HubSpot companies, all changed at the same time (listed in id order); answers their ids. */
function companies(rows: { name: string; domain: string }[]): string[] {
  return rig.hubspot.store
    .bulkInsert(
      rig.hubspot.store.requireType('companies'),
      rows.map((r) => ({ ...r, city: 'Lyon' })),
      { createdAt: Date.now() - 60_000, modifiedAt: Date.now() - 60_000 },
    )
    .map((r) => r.id);
}

/** Odoo company partners, through the connector (before anything is measured). */
async function partners(rows: { name: string; website: string; city: string }[]): Promise<void> {
  const results = await rig.connectors.erp.write(
    'res.partner',
    rows.map((r, i): WriteOp => ({ op: 'create', ref: String(i), fields: { ...r, is_company: true } })),
  );
  expect(results.every((r) => r.ok)).toBe(true);
}

/** The most requests that were on the wire at once (from each answered request's start and end). */
function mostAtOnce(events: readonly (RequestEvent & { end: number })[]): number {
  const edges = events.flatMap((e) => [
    { t: e.end - e.durationMs, d: 1 },
    { t: e.end, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let most = 0;
  for (const edge of edges) {
    now += edge.d;
    most = Math.max(most, now);
  }
  return most;
}

const ctx = (connectors: { crm: Connector; erp: Connector } = rig.connectors) => ({
  mapping,
  connectors,
  store: rig.store,
  connections: { crm: 'hubspot', erp: 'odoo' },
});

const slow = (): void => {
  rig.hubspot.kit.faults.latencyMs = 50;
  rig.odoo.kit.faults.latencyMs = 50;
};

describe('pages handled at once', () => {
  it('keeps every guarantee: existing partners linked and updated, the rest created once, duplicates wait', async () => {
    // 120 companies in HubSpot; Odoo has 40 of them already (website as a URL, name in capitals, another city).
    const rows = Array.from({ length: 120 }, (_, i) => ({
      name: `Concurrent ${i} SARL`,
      domain: `concurrent-${i}.test`,
    }));
    // One firm entered three times in HubSpot, in three forms of its domain, far apart (different pages).
    rows[11] = { name: 'Twin Works', domain: 'twin-works.test' };
    rows[56] = { name: 'Twin Works Ltd', domain: 'WWW.Twin-Works.test' };
    rows[101] = { name: 'twin works', domain: 'twin-works.test ' };
    companies(rows);
    await partners(
      Array.from({ length: 40 }, (_, i) => ({
        name: `CONCURRENT ${i * 3 + 1}`,
        website: `https://www.concurrent-${i * 3 + 1}.test/`,
        city: 'Paris',
      })),
    );
    const before = await rig.connectors.erp.find('res.partner', { field: 'is_company', values: ['true'] });
    slow();
    requests.length = 0;
    expect(pagesAtOnce({ connectors: rig.connectors })).toBe(2);
    const seen = new Set<string>();
    const report = await runPass(ctx(), 'crm', {
      apply: true,
      pageSize: 10,
      onPage: ({ plans }) => plans.forEach((p) => seen.add(p.id)),
    });
    // Every company read (the ones written back in the pass are listed again, as echoes to skip).
    expect(seen.size).toBe(120);
    expect(report.counts.failed).toBe(0);
    // Requests overlapped: pages and chunks were in flight together.
    expect(mostAtOnce(requests)).toBeGreaterThan(1);
    // 40 linked to the partner Odoo had (and their city written), 77 created, the two twins wait.
    const links = await rig.store.links.list(mapping.id);
    expect(links).toHaveLength(118);
    expect(new Set(links.map((l) => l.erpId)).size).toBe(118);
    const after = await rig.connectors.erp.find('res.partner', { field: 'is_company', values: ['true'] });
    expect(after.length - before.length).toBe(78);
    const twins = (
      await rig.connectors.erp.find('res.partner', { field: 'website', values: ['twin-works.test'], match: 'contains' })
    ).length;
    expect(twins).toBe(1);
    const open = await rig.store.matches.list({ mappingId: mapping.id, status: 'open' });
    expect(open.map((m) => m.kind)).toEqual(['waiting', 'waiting']);
    // Each pair agrees afterwards (Odoo's partners are newer: their city won and was written to HubSpot).
    const erpCity = new Map(
      (
        await rig.connectors.erp.read(
          'res.partner',
          links.map((l) => l.erpId),
        )
      ).map((p) => [p.id, p.fields.city]),
    );
    const crmCity = new Map(
      (
        await rig.connectors.crm.read(
          'companies',
          links.map((l) => l.crmId),
        )
      ).map((c) => [c.id, c.fields.city]),
    );
    const disagree = links.filter((l) => erpCity.get(l.erpId) !== crmCity.get(l.crmId));
    expect(disagree).toEqual([]);
    expect([...crmCity.values()].filter((c) => c === 'Paris')).toHaveLength(40);
    // The cursor is at the end: a second pass reads again only its overlap window and writes nothing.
    const again = await runPass(ctx(), 'crm', { apply: true, pageSize: 10 });
    expect(again.counts.create + again.counts.failed).toBe(0);
  });

  it('a page that fails while later ones succeed holds the cursor back; the next pass reads it again', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({ name: `Held ${i}`, domain: `held-${i}.test` }));
    const ids = companies(rows);
    slow();
    // Odoo's writes for the page holding "Held 12" fail (after the others of their time are answered).
    let failing = true;
    const erp: Connector = Object.create(rig.connectors.erp) as Connector;
    erp.write = async (object, ops, ...rest) => {
      if (failing && ops.some((op) => op.fields?.name === 'Held 12')) {
        await new Promise((resolve) => setTimeout(resolve, 400));
        throw new ConnectorError('network down after retries', { connection: 'odoo', retryable: true });
      }
      return rig.connectors.erp.write(object, ops, ...rest);
    };
    const connectors = { crm: rig.connectors.crm, erp };
    await expect(runPass(ctx(connectors), 'crm', { apply: true, pageSize: 10 })).rejects.toThrow(/network down/);
    const linked = await rig.store.links.list(mapping.id);
    // Pages after the failed one were written and linked...
    expect(linked.length).toBeGreaterThan(10);
    expect(linked.length).toBeLessThan(60);
    // ...but the cursor does not pass the failed page (records 10-19).
    const saved = await rig.store.cursors.get(cursorKey(mapping.id, 'crm'));
    expect(saved?.id).toBe(ids[9]);
    failing = false;
    const failures: string[] = [];
    const next = await runPass(ctx(connectors), 'crm', {
      apply: true,
      pageSize: 10,
      onPage: ({ applied }) =>
        void failures.push(...applied.flatMap((a) => (a.status === 'failed' ? [a.message ?? ''] : []))),
    });
    expect(failures).toEqual([]);
    expect(next.counts.failed).toBe(0);
    const links = await rig.store.links.list(mapping.id);
    expect(links).toHaveLength(60);
    const made = await rig.connectors.erp.find('res.partner', { field: 'name', values: ['Held'], match: 'contains' });
    expect(made).toHaveLength(60);
  });
});
