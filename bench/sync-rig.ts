/**
 * The core of the sync benchmark (bench/sync.bench.ts), shared with its smoke test: the
 * vendors (both sandboxes seeded with a write-heavy first sync, verified afterwards) and the
 * engine (a real pass of contacts-partners from HubSpot, counting every vendor call by
 * route). The two halves run in different processes in the benchmark, so that the engine's
 * peak RSS is the engine's alone (the sandboxes hold every record in memory); the smoke test
 * runs both in one.
 *
 * The workload: `updates` HubSpot customers whose Odoo partner exists with other values (the
 * same person by email, but the Odoo email upper-cased for a third of them and padded with
 * spaces for another third, and a different name, phone, street, city, zip and job), and
 * `creates` customers Odoo lacks, spread evenly among them (one in five for 20,000 + 5,000),
 * so the default create guard (half of the records read, at least 50) never holds the pass.
 * Odoo's partners are written first and HubSpot's contacts after, so on every pair HubSpot's
 * values are the newest and win (the mapping's `conflicts: newest`): every pair is an update
 * of Odoo with values no other pair shares, the worst case for grouping identical writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectorRegistry } from '../connectors/index.ts';
import { createHubSpotSandbox, DEFAULT_SANDBOX_TOKEN } from '../connectors/hubspot/sandbox/server.ts';
import { DEFAULT_API_KEY } from '../connectors/odoo/sandbox/auth.ts';
import { searchRows } from '../connectors/odoo/sandbox/orm/read.ts';
import { create } from '../connectors/odoo/sandbox/orm/records.ts';
import { createOdooSandbox } from '../connectors/odoo/sandbox/server.ts';
import {
  createHttpClient,
  memoryRateLimiterFactory,
  type Connector,
  type ConnectionSettings,
  type RateLimit,
  type RequestEvent,
} from '../src/connector/index.ts';
import { loadMappings } from '../src/mapping/load.ts';
import { createLogger } from '../src/observability/logger.ts';
import { createStore } from '../src/store/sql/create-store.ts';
import { runPass } from '../src/sync/pass.ts';

/** How much data, and how slow the vendors are. */
export interface SyncWorkload {
  /** HubSpot customers whose Odoo partner exists with other values. */
  readonly updates: number;
  /** HubSpot customers Odoo lacks. */
  readonly creates: number;
  /** Added to every vendor request by both sandboxes, ms. */
  readonly latencyMs: number;
}

/** The seeded sandboxes, listening. */
export interface Vendors {
  readonly urls: { readonly hubspot: string; readonly odoo: string };
  /** Requests each sandbox answered so far (every attempt, 429s included), by `METHOD /route`. */
  requests(): { hubspot: Record<string, number>; odoo: Record<string, number> };
  /** Checks Odoo against what the pass should have made of it. */
  verify(): Verification;
  close(): Promise<void>;
}

/** What Odoo holds after the pass, compared with what it should hold. */
export interface Verification {
  /** Odoo people before and after the pass. */
  readonly partnersBefore: number;
  readonly partnersAfter: number;
  /** Existing partners that hold every new value. */
  readonly updated: number;
  /** Customers that had no partner and have one now, with their values. */
  readonly created: number;
  /** Emails held by more than one partner. */
  readonly duplicates: number;
  /** A few partners that are wrong, for the error message. */
  readonly wrong: readonly string[];
}

const email = (i: number): string => `person.${i}@sync.bench`;
const digits = (i: number, n: number): string => String(i).padStart(n, '0');
/** Whether customer `i` of `total` has no partner: `creates` of them, spread evenly. */
const isCreate = (i: number, w: SyncWorkload): boolean => {
  const total = w.updates + w.creates;
  return Math.floor(((i + 1) * w.creates) / total) > Math.floor((i * w.creates) / total);
};

/** HubSpot's values of customer `i` (what Odoo must hold afterwards, as Odoo fields). */
function expected(i: number): Record<string, string> {
  return {
    name: `Person ${i}`,
    phone: `+3314${digits(i, 7)}`,
    street: `${i} rue Neuve`,
    city: 'Lyon',
    zip: `69${digits(i % 1000, 3)}`,
    function: 'Buyer',
  };
}

/** Starts both sandboxes, seeded with the workload, slowed by its latency. */
export async function startVendors(w: SyncWorkload): Promise<Vendors> {
  const hubspot = await createHubSpotSandbox({ records: 0, seed: 13 });
  const odoo = createOdooSandbox({ records: 0, seed: 13 });
  const total = w.updates + w.creates;
  const odooPeople = (): Record<string, unknown>[] =>
    odoo.orm.transaction({ uid: 1, canWrite: false }, (env) =>
      searchRows(env, 'res.partner', [['is_company', '=', false]]),
    ).value as Record<string, unknown>[];
  // The same person, messy keys: a third upper-cased, a third padded with spaces.
  const messy = (i: number): string =>
    i % 3 === 0 ? email(i).toUpperCase() : i % 3 === 1 ? `  ${email(i)} ` : email(i);
  for (let start = 0; start < total; start += 5_000) {
    odoo.orm.transaction({ uid: 1, canWrite: true }, (env) => {
      for (let i = start; i < Math.min(total, start + 5_000); i++)
        if (!isCreate(i, w))
          create(env, 'res.partner', {
            name: `P. ${i}`,
            email: messy(i),
            phone: `+3315${digits(i, 7)}`,
            street: `${i} rue Ancienne`,
            city: 'Paris',
            zip: '75001',
            function: 'Clerk',
            is_company: false,
          });
    });
  }
  const partnersBefore = odooPeople().length;
  // Written after Odoo's partners, so HubSpot's values are the newest of every pair.
  const now = Date.now() + 1_000;
  hubspot.store.bulkInsert(
    hubspot.store.requireType('contacts'),
    Array.from({ length: total }, (_, i) => {
      const v = expected(i);
      return {
        email: email(i),
        firstname: 'Person',
        lastname: String(i),
        phone: v.phone as string,
        address: v.street as string,
        city: v.city as string,
        zip: v.zip as string,
        jobtitle: v.function as string,
        lifecyclestage: 'customer',
      };
    }),
    { createdAt: now, modifiedAt: now },
  );
  for (const kit of [hubspot.kit, odoo.kit]) kit.faults.latencyMs = w.latencyMs;
  const urls = { hubspot: await hubspot.listen(0), odoo: await odoo.listen() };
  return {
    urls,
    requests: () => ({ hubspot: hubspot.kit.counters().requests, odoo: odoo.kit.counters().requests }),
    verify() {
      const people = odooPeople();
      const byEmail = new Map<string, Record<string, unknown>[]>();
      for (const p of people) {
        const key = String(p['email'] ?? '')
          .trim()
          .toLowerCase();
        byEmail.set(key, [...(byEmail.get(key) ?? []), p]);
      }
      let updated = 0;
      let created = 0;
      const wrong: string[] = [];
      for (let i = 0; i < total; i++) {
        const found = byEmail.get(email(i)) ?? [];
        const want = expected(i);
        const bad = Object.entries(want).filter(([f, v]) => found[0]?.[f] !== v);
        if (found.length === 1 && bad.length === 0) {
          if (isCreate(i, w)) created += 1;
          else updated += 1;
        } else if (wrong.length < 5)
          wrong.push(
            `${email(i)}: ${found.length} partners${bad.length > 0 ? `; ${bad.map(([f]) => `${f}=${JSON.stringify(found[0]?.[f])}`).join(', ')}` : ''}`,
          );
      }
      const duplicates = [...byEmail.values()].filter((ps) => ps.length > 1).length;
      return { partnersBefore, partnersAfter: people.length, updated, created, duplicates, wrong };
    },
    async close() {
      await hubspot.close();
      await odoo.close();
    },
  };
}

/** How the engine connects. */
export interface EngineOptions {
  readonly urls: Vendors['urls'];
  /**
   * Each connection's `concurrency` (the connection setting that overrides the connector's
   * declared `limits.concurrency`); unset: the connectors' defaults.
   */
  readonly concurrency?: number;
  /** `default`: the connectors' declared rate limits (the benchmark); `none`: practically unlimited (tests). */
  readonly rateLimits: 'default' | 'none';
}

/** What the engine measured. */
export interface EngineResult {
  /** Wall time of the pass, s. */
  readonly seconds: number;
  readonly read: number;
  readonly counts: {
    sync: number;
    create: number;
    skip: number;
    applied: number;
    failed: number;
    conflicted: number;
    guarded: number;
  };
  readonly guarded: boolean;
  /** Calls seen by the HTTP client, by connection, then by `METHOD route` (429 answers counted apart, `... 429`). */
  readonly calls: Record<string, Record<string, number>>;
  /** The client-side budgets in force: `hubspot`, `hubspot:search`, `odoo`. */
  readonly limits: Record<string, RateLimit>;
  /** Peak resident set size of the process, MB. */
  readonly peakRssMb: number;
}

/** The project's folder, whatever the caller's working directory. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const UNLIMITED: RateLimit = { requests: 1_000_000, perMs: 1_000 };

/** One real pass of contacts-partners from HubSpot (a first sync that writes), in a fresh store. */
export async function runEngine(options: EngineOptions): Promise<EngineResult> {
  const dir = mkdtempSync(join(tmpdir(), 'frontback-bench-sync-'));
  const calls: Record<string, Record<string, number>> = {};
  const count = (e: RequestEvent): void => {
    const byRoute = (calls[e.connection] ??= {});
    const key = `${e.method} ${e.route}${e.status === 429 ? ' 429' : ''}`;
    byRoute[key] = (byRoute[key] ?? 0) + 1;
  };
  const deps = {
    http: (o: Parameters<typeof createHttpClient>[0]) => createHttpClient({ ...o, onRequest: count }),
    logger: createLogger({ level: 'silent' }),
    clock: Date.now,
    rateLimiters: memoryRateLimiterFactory(),
  };
  const unlimited = options.rateLimits === 'none';
  // The concurrency setting is cast: connection settings may not declare it yet.
  const concurrency = options.concurrency === undefined ? {} : { concurrency: options.concurrency };
  const hs = connectorRegistry.create(
    {
      name: 'hubspot',
      kind: 'hubspot',
      baseUrl: options.urls.hubspot,
      auth: { type: 'bearer', token: DEFAULT_SANDBOX_TOKEN },
      ...concurrency,
      ...(unlimited ? { rateLimit: UNLIMITED, options: { searchRateLimit: UNLIMITED } } : {}),
    } as ConnectionSettings,
    deps,
  );
  const od = connectorRegistry.create(
    {
      name: 'odoo',
      kind: 'odoo',
      baseUrl: options.urls.odoo,
      auth: { type: 'api-key', login: 'admin', key: DEFAULT_API_KEY, database: 'odoo' },
      ...concurrency,
      ...(unlimited ? { rateLimit: UNLIMITED } : {}),
    } as ConnectionSettings,
    deps,
  );
  const store = await createStore({ url: join(dir, 'store.db') });
  try {
    const loaded = loadMappings('mappings/hubspot-odoo', { cwd: ROOT }).mappings.find(
      (m) => m.mapping.id === 'contacts-partners',
    );
    if (!loaded) throw new Error('contacts-partners not loaded');
    const started = performance.now();
    const report = await runPass(
      {
        mapping: loaded.mapping,
        connectors: { crm: hs, erp: od },
        store,
        connections: { crm: 'hubspot', erp: 'odoo' },
      },
      'crm',
      { apply: true },
    );
    const seconds = (performance.now() - started) / 1000;
    const { sync, create: creates, skip, applied, failed, conflicted, guarded } = report.counts;
    const searchLimit = (hs.limits as { searchRateLimit?: RateLimit }).searchRateLimit;
    return {
      seconds,
      read: report.read,
      counts: { sync, create: creates, skip, applied, failed, conflicted, guarded },
      guarded: report.guarded,
      calls,
      // What a scheduled pass may spend: the limit in force (HubSpot's announced one, adopted) less the share kept
      // for webhook-driven passes (sync.budgetReserve); the search budget keeps no reserve.
      limits: {
        hubspot: scheduledShare(hs),
        ...(searchLimit === undefined ? {} : { 'hubspot:search': searchLimit }),
        odoo: scheduledShare(od),
      },
      // maxRSS is in kilobytes.
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await hs.close?.();
    await od.close?.();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rate a scheduled pass may use on `connector`: its limit in force, less the webhook reserve. */
function scheduledShare(connector: Connector): RateLimit {
  const budget = connector.budget?.();
  const limit = budget?.rateLimit ?? connector.limits.rateLimit;
  return { requests: limit.requests * (1 - (budget?.reserve ?? 0)), perMs: limit.perMs };
}
