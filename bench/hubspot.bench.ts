/**
 * HubSpot rate-limit pacing: a 5,000-record upsert (50 batch requests of 100) against the
 * sandbox limited to 20 requests per rolling 10 s. Reports the request rate achieved
 * against that ceiling (target: at least 90 %) and how many requests HubSpot refused
 * with 429 (target: 0). Takes about 26 s; skip it with `--only audit`, or set
 * FRONTBACK_BENCH_QUICK=1 to report it as skipped.
 */
import { createHttpClient, memoryRateLimiterFactory, type WriteOp } from '../src/connector/index.ts';
import { createLogger } from '../src/observability/logger.ts';
import hubspot from '../connectors/hubspot/index.ts';
import { createHubSpotSandbox, DEFAULT_SANDBOX_TOKEN } from '../connectors/hubspot/sandbox/server.ts';
import type { BenchSuite, CaseResult } from './harness.ts';

const CEILING = 20;
const INTERVAL_MS = 10_000;
const RECORDS = 5_000;

async function run(): Promise<CaseResult[]> {
  const name = 'hubspot';
  if (process.env.FRONTBACK_BENCH_QUICK === '1') {
    return [
      {
        benchmark: name,
        case: `upsert ${RECORDS} @ ${CEILING} req/10 s`,
        median: null,
        unit: 'req/10 s',
        rounds: [],
        note: 'FRONTBACK_BENCH_QUICK=1',
      },
    ];
  }
  const sandbox = await createHubSpotSandbox({ records: 0, rateLimits: { max: CEILING, intervalMs: INTERVAL_MS } });
  const url = await sandbox.listen(0);
  const answered: { at: number; status: number | 'network' }[] = [];
  const connector = hubspot.create(
    {
      name: 'bench-hubspot',
      kind: 'hubspot',
      baseUrl: url,
      auth: { type: 'bearer', token: DEFAULT_SANDBOX_TOKEN },
      rateLimit: { requests: CEILING, perMs: INTERVAL_MS },
    },
    {
      http: (options) =>
        createHttpClient({ ...options, onRequest: (e) => answered.push({ at: performance.now(), status: e.status }) }),
      logger: createLogger({ level: 'silent' }),
      clock: () => Date.now(),
      rateLimiters: memoryRateLimiterFactory(),
    },
  );
  try {
    const ops: WriteOp[] = Array.from({ length: RECORDS }, (_, i) => ({
      op: 'upsert',
      ref: `r${i}`,
      idempotencyKey: { field: 'email', value: `bench.${i}@acme.test` },
      fields: { firstname: `B${i}` },
    }));
    const results = await connector.write('contacts', ops);
    const written = results.filter((r) => r.ok).length;
    const first = answered[0]?.at ?? 0;
    const last = answered.at(-1)?.at ?? first;
    // Requests per 10 s between the first and the last answer (n - 1 gaps).
    const rate = last > first ? ((answered.length - 1) / (last - first)) * INTERVAL_MS : 0;
    const refused = answered.filter((a) => a.status === 429).length;
    const note = `${answered.length} requests in ${((last - first) / 1000).toFixed(1)} s, ${written}/${RECORDS} written`;
    return [
      {
        benchmark: name,
        case: `upsert ${RECORDS} @ ${CEILING} req/10 s: rate`,
        median: rate,
        unit: 'req/10 s',
        rounds: [rate],
        target: CEILING * 0.9,
        note,
      },
      {
        benchmark: name,
        case: 'rate / ceiling',
        median: rate / CEILING,
        unit: 'ratio',
        rounds: [rate / CEILING],
        target: 0.9,
      },
      { benchmark: name, case: '429 answers (target 0)', median: refused, unit: 'responses', rounds: [refused] },
    ];
  } finally {
    await connector.close?.();
    await sandbox.close();
  }
}

/** The HubSpot pacing suite. */
export const hubspotSuite: BenchSuite = { name: 'hubspot', run };
