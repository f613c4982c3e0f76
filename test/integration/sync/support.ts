/**
 * Both sandboxes on free ports, a SQLite store in a temporary folder and a connector for
 * each side, as the sync tests need them; `close()` undoes it all.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectorRegistry } from '../../../connectors/index.ts';
import {
  createHubSpotSandbox,
  DEFAULT_SANDBOX_TOKEN,
  type HubSpotSandbox,
  type HubSpotSandboxOptions,
} from '../../../connectors/hubspot/sandbox/server.ts';
import { DEFAULT_API_KEY } from '../../../connectors/odoo/sandbox/auth.ts';
import { createOdooSandbox, type OdooSandbox } from '../../../connectors/odoo/sandbox/server.ts';
import {
  createHttpClient,
  memoryRateLimiterFactory,
  type Connector,
  type ConnectionSettings,
  type RequestEvent,
} from '../../../src/connector/index.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { createStore } from '../../../src/store/sql/create-store.ts';
import type { Store } from '../../../src/store/store.ts';
import type { Side } from '../../../src/mapping/spec.ts';
import type { AppliedRecord } from '../../../src/sync/apply.ts';
import { runPass, type PassOptions, type PassReport } from '../../../src/sync/pass.ts';
import type { PlannedRecord } from '../../../src/sync/plan.ts';

/** A running pair of sandboxes with a store and connectors. */
export interface SyncRig {
  hubspot: HubSpotSandbox;
  odoo: OdooSandbox;
  store: Store;
  /** By side, and by connection name (`hubspot`, `odoo`) in `byName`. */
  connectors: { crm: Connector; erp: Connector };
  byName: Map<string, Connector>;
  /** The sandboxes' base URLs and the store's file, for a configuration file of the CLI. */
  urls: { hubspot: string; odoo: string };
  storePath: string;
  /** A temporary folder removed by `close()`. */
  dir: string;
  close(): Promise<void>;
}

const withHook =
  (onRequest: (event: RequestEvent) => void) =>
  (o: Parameters<typeof createHttpClient>[0]): ReturnType<typeof createHttpClient> =>
    createHttpClient({ ...o, onRequest });

const sharedDeps = {
  http: (o: Parameters<typeof createHttpClient>[0]) => createHttpClient(o),
  logger: createLogger({ level: 'silent' }),
  clock: Date.now,
  rateLimiters: memoryRateLimiterFactory(),
};

/** Starts the rig: both sandboxes seeded alike (`seed`, `records`). */
export async function startSyncRig(options: {
  seed: number;
  records: number;
  hubspot?: HubSpotSandboxOptions;
  webhookSecret?: string;
  /** Each connection's `concurrency` (default: the connectors' own). */
  concurrency?: number;
  /** Sees every vendor request answered (both connections). */
  onRequest?: (event: RequestEvent) => void;
}): Promise<SyncRig> {
  const deps = options.onRequest === undefined ? sharedDeps : { ...sharedDeps, http: withHook(options.onRequest) };
  const concurrency = options.concurrency === undefined ? {} : { concurrency: options.concurrency };
  const dir = mkdtempSync(join(tmpdir(), 'frontback-sync-'));
  const hubspot = await createHubSpotSandbox({ seed: options.seed, records: options.records, ...options.hubspot });
  const odoo = createOdooSandbox({ seed: options.seed, records: options.records });
  const [hubspotUrl, odooUrl] = [await hubspot.listen(0), await odoo.listen()];
  const storePath = join(dir, 'store.db');
  const store = await createStore({ url: storePath });
  const crm = connectorRegistry.create(
    {
      name: 'hubspot',
      kind: 'hubspot',
      baseUrl: hubspotUrl,
      auth: { type: 'bearer', token: DEFAULT_SANDBOX_TOKEN },
      ...(options.webhookSecret ? { webhook: { secret: options.webhookSecret } } : {}),
      rateLimit: { requests: 10_000, perMs: 1_000 },
      ...concurrency,
      options: { searchRateLimit: { requests: 1_000, perMs: 1_000 } },
    } as ConnectionSettings,
    deps,
  );
  const erp = connectorRegistry.create(
    {
      name: 'odoo',
      kind: 'odoo',
      baseUrl: odooUrl,
      auth: { type: 'api-key', login: 'admin', key: DEFAULT_API_KEY, database: 'odoo' },
      rateLimit: { requests: 10_000, perMs: 1_000 },
      ...concurrency,
    } as ConnectionSettings,
    deps,
  );
  return {
    hubspot,
    odoo,
    store,
    connectors: { crm, erp },
    urls: { hubspot: hubspotUrl, odoo: odooUrl },
    storePath,
    dir,
    byName: new Map([
      ['hubspot', crm],
      ['odoo', erp],
    ]),
    async close() {
      await crm.close?.();
      await erp.close?.();
      await store.close();
      await hubspot.close();
      await odoo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Writes a configuration file for the CLI in the rig's folder: both sandboxes as the
 * connections `hubspot` and `odoo`, the rig's store, then `extra` lines; answers its path.
 */
export function writeCliConfig(rig: SyncRig, extra: readonly string[] = []): string {
  const path = join(rig.dir, 'frontback.yaml');
  writeFileSync(
    path,
    [
      // The sandboxes' published credentials are accepted only in a demo configuration (docs/security.md).
      'demo: true',
      'connections:',
      `  hubspot: { kind: hubspot, baseUrl: "${rig.urls.hubspot}", auth: { type: bearer, token: ${DEFAULT_SANDBOX_TOKEN} } }`,
      `  odoo: { kind: odoo, baseUrl: "${rig.urls.odoo}", auth: { type: api-key, login: admin, key: ${DEFAULT_API_KEY}, database: odoo } }`,
      `store: { url: ${JSON.stringify(rig.storePath)} }`,
      ...extra,
    ].join('\n'),
  );
  return path;
}

/**
 * `runPass` with every page's plans and outcomes collected, as the tests look at them (a
 * pass itself keeps counts and the page in hand, never every plan).
 */
export async function collectPass(
  ctx: Parameters<typeof runPass>[0],
  from: Side,
  options: PassOptions,
): Promise<PassReport & { plans: PlannedRecord[]; applied: AppliedRecord[] }> {
  const plans: PlannedRecord[] = [];
  const applied: AppliedRecord[] = [];
  const report = await runPass(ctx, from, {
    ...options,
    onPage: async (page) => {
      plans.push(...page.plans);
      applied.push(...page.applied);
      await options.onPage?.(page);
    },
  });
  return { ...report, plans, applied };
}
