/**
 * Identity matching at real latency: the matching phase of a first sync of HubSpot contacts
 * against Odoo partners (contacts-partners, `frontback plan`), both sandboxes at their
 * default rate limits with 50 ms added to every vendor request. Keys are messy on purpose:
 * of the overlapping people, a third have their Odoo email upper-cased and a third padded
 * with spaces. Cases: 10,000 contacts against 10,000 partners with 60% overlap, and 1,000
 * against 100,000 (sides of very different sizes). Reported: Odoo calls of the matching
 * phase (the key index built and refreshed, candidates read, lookups) per 1,000 records of
 * both sides (deterministic; target <= 50, i.e. 0.05 a record), records matched per second,
 * and how many pairs it found (must equal the overlap). Baseline in the same run: one search per record, the
 * way passes matched before, on 500 records. About 3-5 minutes (the default rate limits
 * dominate); FRONTBACK_BENCH_QUICK=1 runs 2,000 x 2,000 and 200 x 10,000.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectorRegistry } from '../connectors/index.ts';
import { createHubSpotSandbox, DEFAULT_SANDBOX_TOKEN } from '../connectors/hubspot/sandbox/server.ts';
import { DEFAULT_API_KEY } from '../connectors/odoo/sandbox/auth.ts';
import { create } from '../connectors/odoo/sandbox/orm/records.ts';
import { createOdooSandbox } from '../connectors/odoo/sandbox/server.ts';
import { createHttpClient, memoryRateLimiterFactory, type ConnectionSettings } from '../src/connector/index.ts';
import { loadMappings } from '../src/mapping/load.ts';
import { createLogger } from '../src/observability/logger.ts';
import { createStore } from '../src/store/sql/create-store.ts';
import { runPass } from '../src/sync/pass.ts';
import type { BenchSuite, CaseResult } from './harness.ts';

const LATENCY_MS = 50;
const QUICK = process.env.FRONTBACK_BENCH_QUICK === '1';

interface Measured {
  callsPerRecord: number;
  perSecond: number;
  matched: number;
  overlap: number;
  calls: number;
}

/** `crm` HubSpot customers and `erp` Odoo people; the first `overlap` of them are the same people. */
async function firstSync(crm: number, erp: number, overlap: number, baseline: boolean): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'frontback-bench-identity-'));
  const hubspot = await createHubSpotSandbox({ records: 0, seed: 5 });
  const odoo = createOdooSandbox({ records: 0, seed: 5 });
  const deps = {
    http: createHttpClient,
    logger: createLogger({ level: 'silent' }),
    clock: Date.now,
    rateLimiters: memoryRateLimiterFactory(),
  };
  // Default limits: no rateLimit on the connections.
  const hs = connectorRegistry.create(
    {
      name: 'hubspot',
      kind: 'hubspot',
      baseUrl: await hubspot.listen(0),
      auth: { type: 'bearer', token: DEFAULT_SANDBOX_TOKEN },
    } as ConnectionSettings,
    deps,
  );
  const od = connectorRegistry.create(
    {
      name: 'odoo',
      kind: 'odoo',
      baseUrl: await odoo.listen(),
      auth: { type: 'api-key', login: 'admin', key: DEFAULT_API_KEY, database: 'odoo' },
    } as ConnectionSettings,
    deps,
  );
  const store = await createStore({ url: join(dir, 'store.db') });
  try {
    const email = (i: number): string => `person.${i}@bench.test`;
    hubspot.store.bulkInsert(
      hubspot.store.requireType('contacts'),
      Array.from({ length: crm }, (_, i) => ({
        email: email(i),
        firstname: 'Person',
        lastname: String(i),
        lifecyclestage: 'customer',
      })),
      { createdAt: Date.now(), modifiedAt: Date.now() },
    );
    // ERP people: the overlap with messy emails, then people the CRM does not have.
    const messy = (i: number): string =>
      i % 3 === 0 ? email(i).toUpperCase() : i % 3 === 1 ? `  ${email(i)} ` : email(i);
    for (let start = 0; start < erp; start += 5_000) {
      odoo.orm.transaction({ uid: 1, canWrite: true }, (env) => {
        for (let i = start; i < Math.min(erp, start + 5_000); i++)
          create(env, 'res.partner', {
            name: `Person ${i}`,
            email: i < overlap ? messy(i) : `erp.only.${i}@bench.test`,
            is_company: false,
          });
      });
    }
    for (const kit of [hubspot.kit, odoo.kit]) kit.faults.latencyMs = LATENCY_MS;
    const odooCalls = (): number => Object.values(odoo.kit.counters().requests).reduce((a, b) => a + b, 0);
    const loaded = loadMappings('mappings/hubspot-odoo').mappings.find((m) => m.mapping.id === 'contacts-partners');
    if (!loaded) throw new Error('contacts-partners not loaded');
    const before = odooCalls();
    const started = performance.now();
    let matched = 0;
    if (baseline) {
      // The old way: one search per record, with the key as written.
      for (let i = 0; i < crm; i++)
        if ((await od.find('res.partner', { field: 'email', values: [email(i)] })).length > 0) matched += 1;
    } else {
      const report = await runPass(
        {
          mapping: loaded.mapping,
          connectors: { crm: hs, erp: od },
          store,
          connections: { crm: 'hubspot', erp: 'odoo' },
        },
        'crm',
        { apply: false },
      );
      matched = Object.values(report.counts.identity.matched).reduce((a, b) => a + b, 0);
    }
    const seconds = (performance.now() - started) / 1000;
    const calls = odooCalls() - before;
    return {
      callsPerRecord: (1000 * calls) / (crm + (baseline ? 0 : erp)),
      perSecond: crm / seconds,
      matched,
      overlap,
      calls,
    };
  } finally {
    await hs.close?.();
    await od.close?.();
    await store.close();
    await hubspot.close();
    await odoo.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(): Promise<CaseResult[]> {
  const name = 'identity';
  const [a, b] = QUICK ? [2_000, 200] : [10_000, 1_000];
  const [bigErp] = QUICK ? [10_000] : [100_000];
  const base = await firstSync(500, 500, 300, true);
  const even = await firstSync(a, a, Math.round(a * 0.6), false);
  const skewed = await firstSync(b, bigErp, Math.round(b * 0.6), false);
  const note = (m: Measured): string => `${m.calls} Odoo calls; matched ${m.matched} of ${m.overlap} overlapping`;
  const baseName = 'one search per record, 500 (old way)';
  return [
    {
      benchmark: name,
      case: `${baseName}: calls per 1,000 records`,
      median: base.callsPerRecord,
      unit: 'calls/1000 rec',
      rounds: [base.callsPerRecord],
      note: note(base),
    },
    {
      benchmark: name,
      case: `${baseName}: matched/s`,
      median: base.perSecond,
      unit: 'records/s',
      rounds: [base.perSecond],
    },
    {
      benchmark: name,
      case: `${a} x ${a}: calls per 1,000 records (target <= 50)`,
      median: even.callsPerRecord,
      unit: 'calls/1000 rec',
      rounds: [even.callsPerRecord],
      note: `${note(even)}; ${even.callsPerRecord <= 50 ? 'ok' : 'MISSED'}`,
    },
    {
      benchmark: name,
      case: `${a} x ${a}: matched/s`,
      median: even.perSecond,
      unit: 'records/s',
      rounds: [even.perSecond],
      baseline: `${baseName}: matched/s`,
    },
    {
      benchmark: name,
      case: `${b} x ${bigErp}: calls per 1,000 records (target <= 50)`,
      median: skewed.callsPerRecord,
      unit: 'calls/1000 rec',
      rounds: [skewed.callsPerRecord],
      note: `${note(skewed)}; ${skewed.callsPerRecord <= 50 ? 'ok' : 'MISSED'}`,
    },
    {
      benchmark: name,
      case: `${b} x ${bigErp}: matched/s`,
      median: skewed.perSecond,
      unit: 'records/s',
      rounds: [skewed.perSecond],
      baseline: `${baseName}: matched/s`,
    },
    {
      benchmark: name,
      case: `${a} x ${a}: pairs found / overlap`,
      median: even.matched / even.overlap,
      unit: 'ratio',
      rounds: [even.matched / even.overlap],
      target: 1,
    },
    {
      benchmark: name,
      case: `${b} x ${bigErp}: pairs found / overlap`,
      median: skewed.matched / skewed.overlap,
      unit: 'ratio',
      rounds: [skewed.matched / skewed.overlap],
      target: 1,
    },
  ];
}

/** The identity matching suite. */
export const identitySuite: BenchSuite = { name: 'identity', run };
