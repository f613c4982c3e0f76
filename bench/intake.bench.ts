/**
 * Webhook intake (issue #15, "Bounded intake"): single-event HubSpot deliveries, signed v3
 * as HubSpot signs them, posted over HTTP by {@link CONNECTIONS} keep-alive connections
 * (bench/intake-load.ts, a process of its own) to
 * - `frontback`: the real server (src/server/app.ts `buildServer`) on a port, with a
 *   file-backed SQLite store and everything on: the signature check, the depth check, the
 *   connection's intake rate limit (set above the offered load, so it counts every delivery
 *   and refuses none), the metrics token, a trusted proxy list, request logging at `info`
 *   (into a sink), the inbox write in its transaction before the 200;
 * - `bare route` (the baseline): fastify with one route that does one durable SQLite
 *   insert per request (better-sqlite3, the same WAL and `synchronous = FULL` as the
 *   store) and answers 200: the floor any durable intake pays on this machine.
 * Rounds alternate between the two (bare, frontback, bare, ...) so that load from other
 * processes hits both alike; each run has a warm-up the figures leave out. Reported per
 * case: deliveries/s (the frontback one with its ratio to the bare route; target 0.36,
 * 0.9 of the 0.40 measured when the issue was filed), and p50 / p99 latency in ms.
 * FRONTBACK_BENCH_QUICK=1 runs 4 rounds of 1 s (12 of 2 s otherwise).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { connectorRegistry } from '../connectors/index.ts';
import { createHttpClient, memoryRateLimiterFactory, type ConnectionSettings } from '../src/connector/index.ts';
import { createLogger } from '../src/observability/logger.ts';
import { createMetricsRegistry } from '../src/observability/metrics.ts';
import { buildServer } from '../src/server/app.ts';
import { createStore } from '../src/store/sql/create-store.ts';
import type { Store } from '../src/store/store.ts';
import { median, type BenchSuite, type CaseResult } from './harness.ts';
import type { LoadOptions, LoadResult } from './intake-load.ts';

const QUICK = process.env.FRONTBACK_BENCH_QUICK === '1';
const ROUNDS = QUICK ? 4 : 12;
const DURATION_MS = QUICK ? 1_000 : 2_000;
const WARMUP_MS = 500;
/** Keep-alive connections of the load generator, each with one delivery in flight. */
const CONNECTIONS = 16;
const SECRET = 'bench-hubspot-client-secret';
const PUBLIC_BASE = 'https://sync.bench.test';
/** Deliveries per second allowed to the connection: far above what one process takes, so none is refused. */
const RATE_LIMIT = 100_000;
/** The figure: frontback at 0.40 of the bare route; the goal is 0.9 of that. */
const RATIO_TARGET = 0.36;

const sink = (): Writable => new Writable({ write: (_chunk, _enc, done) => done() });

interface Target {
  url: string;
  close(): Promise<void>;
}

/** The real server, with a file-backed SQLite store. */
async function frontback(dir: string): Promise<Target> {
  const store: Store = await createStore({ url: join(dir, 'frontback.db') });
  const logger = createLogger({ level: 'info', destination: sink() });
  const settings = {
    name: 'hubspot',
    kind: 'hubspot',
    auth: { type: 'bearer', token: 'bench-token' },
    webhook: { secret: SECRET, publicBaseUrl: PUBLIC_BASE, signatureVersion: 'v3', rateLimit: RATE_LIMIT },
  } as ConnectionSettings;
  const hubspot = connectorRegistry.create(settings, {
    http: (o) => createHttpClient(o),
    logger,
    clock: Date.now,
    rateLimiters: memoryRateLimiterFactory(),
  });
  const app = await buildServer({
    connectors: new Map([['hubspot', hubspot]]),
    store,
    logger,
    metrics: createMetricsRegistry({ defaultLabels: { role: 'serve' } }),
    bodyLimitBytes: 1_048_576,
    publicBaseUrl: PUBLIC_BASE,
    trustProxy: ['127.0.0.1'],
    metricsToken: 'bench-metrics-token-0123456789abcdef',
    webhookRateLimits: new Map([['hubspot', RATE_LIMIT]]),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: `${url}/webhooks/hubspot`,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** The baseline: one durable insert per request, nothing else. */
async function bareRoute(dir: string): Promise<Target> {
  const db = new BetterSqlite3(join(dir, 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'create table inbox (id text primary key, source text not null, delivery_key text not null, payload text not null, ' +
      'status text not null, received_at text not null, unique (source, delivery_key))',
  );
  const insert = db.prepare(
    "insert into inbox (id, source, delivery_key, payload, status, received_at) values (?, 'hubspot', ?, ?, 'pending', ?)",
  );
  const app: FastifyInstance = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/webhooks/hubspot', async (request) => {
    const body = request.body as Buffer;
    insert.run(randomUUID(), randomUUID(), body.toString('utf8'), new Date().toISOString());
    return { accepted: 1, duplicates: 0 };
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: `${url}/webhooks/hubspot`,
    async close() {
      await app.close();
      db.close();
    },
  };
}

let firstId = 1;

/** The load generator, in a process of its own, taking one run at a time. */
class LoadGenerator {
  readonly #child = spawn(process.execPath, ['bin/run-ts.js', 'bench/intake-load.ts'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  #out = '';
  #waiting: ((line: string) => void) | undefined;

  constructor() {
    this.#child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.#out += chunk;
      const nl = this.#out.indexOf('\n');
      if (nl < 0) return;
      const line = this.#out.slice(0, nl);
      this.#out = this.#out.slice(nl + 1);
      this.#waiting?.(line);
    });
  }

  /** One run against `target`. */
  run(target: Target): Promise<LoadResult> {
    const options: LoadOptions = {
      url: target.url,
      signedUrl: `${PUBLIC_BASE}/webhooks/hubspot`,
      secret: SECRET,
      connections: CONNECTIONS,
      warmupMs: WARMUP_MS,
      durationMs: DURATION_MS,
      firstId,
    };
    firstId += 10_000_000;
    return new Promise((resolve, reject) => {
      const exit = (code: number | null): void => reject(new Error(`load generator exited ${code}`));
      this.#child.once('exit', exit);
      this.#waiting = (line) => {
        this.#child.off('exit', exit);
        resolve(JSON.parse(line) as LoadResult);
      };
      this.#child.stdin.write(`${JSON.stringify(options)}\n`);
    });
  }

  close(): void {
    this.#child.stdin.end();
  }
}

function results(label: string, runs: readonly LoadResult[], baseline?: string): CaseResult[] {
  const refused = runs.flatMap((r) => Object.entries(r.others)).map(([status, n]) => `${n} x ${status}`);
  const note = refused.length > 0 ? { note: `answers other than 200: ${refused.join(', ')}` } : {};
  const rate = runs.map((r) => r.perSecond);
  const p50 = runs.map((r) => r.p50Ms);
  const p99 = runs.map((r) => r.p99Ms);
  return [
    {
      benchmark: 'intake',
      case: `${label}: deliveries/s`,
      median: median(rate),
      unit: 'deliveries/s',
      rounds: rate,
      ...(baseline === undefined ? {} : { baseline: `${baseline}: deliveries/s`, ratioTarget: RATIO_TARGET }),
      ...note,
    },
    { benchmark: 'intake', case: `${label}: p50 latency`, median: median(p50), unit: 'ms', rounds: p50 },
    { benchmark: 'intake', case: `${label}: p99 latency`, median: median(p99), unit: 'ms', rounds: p99 },
  ];
}

export const intakeSuite: BenchSuite = {
  name: 'intake',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'frontback-intake-bench-'));
    const bare = await bareRoute(dir);
    const real = await frontback(dir);
    const generator = new LoadGenerator();
    try {
      const runs: { bare: LoadResult[]; frontback: LoadResult[] } = { bare: [], frontback: [] };
      for (let round = 0; round < ROUNDS; round++) {
        runs.bare.push(await generator.run(bare));
        runs.frontback.push(await generator.run(real));
        const [b, f] = [runs.bare.at(-1), runs.frontback.at(-1)] as [LoadResult, LoadResult];
        process.stderr.write(
          `intake round ${round + 1}/${ROUNDS}: bare ${Math.round(b.perSecond)}/s p99 ${b.p99Ms.toFixed(1)} ms, ` +
            `frontback ${Math.round(f.perSecond)}/s p99 ${f.p99Ms.toFixed(1)} ms (${(f.perSecond / b.perSecond).toFixed(2)}x)\n`,
        );
      }
      return [...results('bare route', runs.bare), ...results('frontback', runs.frontback, 'bare route')];
    } finally {
      generator.close();
      await real.close();
      await bare.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
