/**
 * A dry run's memory: `frontback plan contacts-partners` over 2,000 and 20,000 HubSpot
 * customers (half of them already in Odoo, so both matches and creates are planned),
 * with the plans stored page by page. The process's heap during the pass, above what it
 * was before (the sandboxes hold their data throughout), is sampled after a full
 * collection every few pages; the figure is the peak. Target: bounded, i.e. the 20,000
 * run within 50 MB of the 2,000 run. Baseline in the same run: the 20,000 run with every
 * plan kept in memory, as passes did before plans were stored. Also reported: records
 * planned per second.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connectorRegistry } from '../connectors/index.ts';
import { createHubSpotSandbox, DEFAULT_SANDBOX_TOKEN } from '../connectors/hubspot/sandbox/server.ts';
import { DEFAULT_API_KEY } from '../connectors/odoo/sandbox/auth.ts';
import { createOdooSandbox } from '../connectors/odoo/sandbox/server.ts';
import {
  createHttpClient,
  memoryRateLimiterFactory,
  type ConnectionSettings,
  type WriteOp,
} from '../src/connector/index.ts';
import { loadMappings } from '../src/mapping/load.ts';
import { createLogger } from '../src/observability/logger.ts';
import { createStore } from '../src/store/sql/create-store.ts';
import { runPass } from '../src/sync/pass.ts';
import type { PlannedRecord } from '../src/sync/plan.ts';
import type { BenchSuite, CaseResult } from './harness.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MB = 1024 * 1024;
const SIZES = process.env.FRONTBACK_BENCH_QUICK === '1' ? [500, 2_000] : [2_000, 20_000];

interface Measured {
  peakMb: number;
  perSecond: number;
}

/** One dry run of `count` customers; with `keep`, every plan is also held (the old way). */
async function dryRun(count: number, keep: boolean): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'frontback-bench-dry-'));
  const hubspot = await createHubSpotSandbox({ records: 0, seed: 3 });
  const odoo = createOdooSandbox({ records: 0, seed: 3 });
  const deps = {
    http: createHttpClient,
    logger: createLogger({ level: 'silent' }),
    clock: Date.now,
    rateLimiters: memoryRateLimiterFactory(),
  };
  const crm = connectorRegistry.create(
    {
      name: 'hubspot',
      kind: 'hubspot',
      baseUrl: await hubspot.listen(0),
      auth: { type: 'bearer', token: DEFAULT_SANDBOX_TOKEN },
      rateLimit: { requests: 1_000_000, perMs: 1_000 },
      options: { searchRateLimit: { requests: 1_000_000, perMs: 1_000 } },
    } as ConnectionSettings,
    deps,
  );
  const erp = connectorRegistry.create(
    {
      name: 'odoo',
      kind: 'odoo',
      baseUrl: await odoo.listen(),
      auth: { type: 'api-key', login: 'admin', key: DEFAULT_API_KEY, database: 'odoo' },
      rateLimit: { requests: 1_000_000, perMs: 1_000 },
    } as ConnectionSettings,
    deps,
  );
  const store = await createStore({ url: join(dir, 'store.db') });
  try {
    const emails = Array.from({ length: count }, (_, i) => `bench.${i}@dry.test`);
    hubspot.store.bulkInsert(
      hubspot.store.requireType('contacts'),
      emails.map((email, i) => ({
        email,
        firstname: 'Bench',
        lastname: String(i),
        lifecyclestage: 'customer',
        country: 'France',
        jobtitle: 'Buyer',
      })),
      { createdAt: Date.now(), modifiedAt: Date.now() },
    );
    const partners: WriteOp[] = emails
      .filter((_, i) => i % 2 === 0)
      .map((email, i) => ({ op: 'create', ref: `p${i}`, fields: { name: `Bench ${i}`, email, is_company: false } }));
    for (let i = 0; i < partners.length; i += 100) await erp.write('res.partner', partners.slice(i, i + 100));
    const loaded = loadMappings('mappings/hubspot-odoo').mappings.find((m) => m.mapping.id === 'contacts-partners');
    if (!loaded) throw new Error('contacts-partners not loaded');
    const kept: PlannedRecord[] = [];
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = Number.NEGATIVE_INFINITY;
    let pages = 0;
    const started = performance.now();
    const report = await runPass(
      { mapping: loaded.mapping, connectors: { crm, erp }, store, connections: { crm: 'hubspot', erp: 'odoo' } },
      'crm',
      {
        apply: false,
        onPage(page) {
          if (keep) kept.push(...page.plans);
          if (++pages % 10 === 0) {
            gc();
            peak = Math.max(peak, process.memoryUsage().heapUsed - base);
          }
        },
      },
    );
    const seconds = (performance.now() - started) / 1000;
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    if (report.read !== count) throw new Error(`read ${report.read} of ${count}`);
    return { peakMb: peak / MB, perSecond: count / seconds };
  } finally {
    await crm.close?.();
    await erp.close?.();
    await store.close();
    await hubspot.close();
    await odoo.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(): Promise<CaseResult[]> {
  const name = 'dry-run';
  const [small, large] = SIZES as [number, number];
  const a = await dryRun(small, false);
  const b = await dryRun(large, false);
  const old = await dryRun(large, true);
  const growth = b.peakMb - a.peakMb;
  return [
    {
      benchmark: name,
      case: `heap above start, ${large} kept in memory (old way)`,
      median: old.peakMb,
      unit: 'MB',
      rounds: [old.peakMb],
    },
    { benchmark: name, case: `heap above start, ${small} stored`, median: a.peakMb, unit: 'MB', rounds: [a.peakMb] },
    {
      benchmark: name,
      case: `heap above start, ${large} stored`,
      median: b.peakMb,
      unit: 'MB',
      rounds: [b.peakMb],
      baseline: `heap above start, ${large} kept in memory (old way)`,
      note: 'lower is better',
    },
    {
      benchmark: name,
      case: `growth ${small} -> ${large} (target < 50)`,
      median: growth,
      unit: 'MB',
      rounds: [growth],
      note: growth < 50 ? 'bounded: ok' : 'MISSED',
    },
    {
      benchmark: name,
      case: `planned, ${large} stored`,
      median: b.perSecond,
      unit: 'records/s',
      rounds: [b.perSecond],
    },
  ];
}

/** The dry-run memory suite. */
export const dryRunSuite: BenchSuite = { name: 'dry-run', run };
