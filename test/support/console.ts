/**
 * The admin console for tests: both sandboxes (test/integration/sync/support.ts), the
 * shipped HubSpot/Odoo mappings (conflicts `manual`, so conflicts park for a person), a
 * server with the console and every page, and admins: "admin" (server.adminToken) and
 * "Ada Lovelace" (a token file). `signIn` signs in through the real form (CSRF included)
 * and answers a client that keeps the cookie, for `inject` tests; `listen` serves it on a
 * port for the browser tests.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { connectorRegistry } from '../../connectors/index.ts';
import type { ConnectorCatalog } from '../../src/mapping/check-connectors.ts';
import { loadMappings } from '../../src/mapping/load.ts';
import { createLogger, type Logger } from '../../src/observability/logger.ts';
import { createMetricsRegistry } from '../../src/observability/metrics.ts';
import { adminDirectory, type AdminDirectory } from '../../src/server/admins.ts';
import { buildServer, type ServerOptions } from '../../src/server/app.ts';
import type { ConsoleJobs } from '../../src/server/console/index.ts';
import { CONSOLE_PAGES } from '../../src/server/console/pages/index.ts';
import { syncEngine, type SyncEngine } from '../../src/sync/engine.ts';
import { startSyncRig, type SyncRig } from '../integration/sync/support.ts';
import { projectRoot } from './env.ts';

/** The token of the admin "admin" (server.adminToken). */
export const ADMIN_TOKEN = 'Zq8vN3pL6rT1xW4yB7cE0fH2jK5mP9sU';
/** The token of "Ada Lovelace" (in her token file). */
export const ADA_TOKEN = 'Vb4nM8qR2tY6uI0oP3aS7dF1gH5jK9lZ';

/** What `frontback validate` checks the rig's mappings against: its two connections. */
const SANDBOX_CATALOG: ConnectorCatalog = {
  connections: new Map([
    ['hubspot', 'hubspot'],
    ['odoo', 'odoo'],
  ]),
  objectsOf: (kind) => connectorRegistry.get(kind)?.objects,
};

/** A console ready for tests. */
export interface ConsoleRig {
  readonly rig: SyncRig;
  readonly app: FastifyInstance;
  readonly engine: SyncEngine;
  readonly directory: AdminDirectory;
  /** The folder of the mappings the server loaded (a copy of mappings/hubspot-odoo). */
  readonly mappingsDir: string;
  /** Ada's token file (rewrite it to rotate her token). */
  readonly adaTokenFile: string;
  close(): Promise<void>;
}

/** Starts the sandboxes and builds the server with the console (not listening: `app.listen` for a browser). */
export async function startConsoleRig(
  options: {
    seed?: number;
    records?: number;
    /** Re-read token files at most this often, ms (default 0: at every request). */
    rereadMs?: number;
    logger?: Logger;
    server?: Partial<ServerOptions>;
    /** Edits the copied mappings (in `mappingsDir`) before the server loads them, e.g. to add a create guard. */
    editMappings?: (dir: string) => void;
    /** Plans and runs queued by the mapping page's forms (absent: they answer 503). */
    jobs?: ConsoleJobs;
  } = {},
): Promise<ConsoleRig> {
  const rig = await startSyncRig({ seed: options.seed ?? 11, records: options.records ?? 10 });
  const dir = mkdtempSync(join(tmpdir(), 'frontback-console-'));
  const mappingsDir = join(dir, 'mappings');
  cpSync(join(projectRoot, 'mappings/hubspot-odoo'), mappingsDir, { recursive: true });
  const file = join(mappingsDir, 'contacts-partners.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^conflicts: newest$/m, 'conflicts: manual'));
  options.editMappings?.(mappingsDir);
  const adaTokenFile = join(dir, 'ada.token');
  writeFileSync(adaTokenFile, `${ADA_TOKEN}\n`);
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const directory = adminDirectory({
    adminTokens: [ADMIN_TOKEN],
    admins: [{ name: 'Ada Lovelace', tokenFile: adaTokenFile }],
    rereadMs: options.rereadMs ?? 0,
    logger,
  });
  const mappings = loadMappings(mappingsDir).mappings.map((m) => m.mapping);
  const engine = syncEngine(mappings, rig.byName, rig.store);
  const app = await buildServer({
    connectors: rig.byName,
    store: rig.store,
    logger,
    metrics: createMetricsRegistry({ defaultMetrics: false }),
    bodyLimitBytes: 1_048_576,
    admin: { token: directory.tokens(), directory, engine },
    console: {
      directory,
      queueKind: 'memory',
      mappingFiles: { dir: mappingsDir, catalog: SANDBOX_CATALOG },
      ...(options.jobs ? { jobs: options.jobs } : {}),
      pages: CONSOLE_PAGES,
    },
    ...options.server,
  });
  return {
    rig,
    app,
    engine,
    directory,
    mappingsDir,
    adaTokenFile,
    async close() {
      await app.close();
      await rig.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The CSRF token of a page's forms. */
export function csrfOf(html: string): string {
  const found = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (found === undefined) throw new Error(`no CSRF token in the page:\n${html.slice(0, 500)}`);
  return found;
}

/** A signed-in client: `inject` with the session cookie, and form posts with the CSRF token of a page. */
export interface ConsoleClient {
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** POSTs `form` (urlencoded) with the CSRF token read from `from` (a console page) unless `csrf: false`. */
  post(
    url: string,
    form: Record<string, string | string[]>,
    options?: { from?: string; csrf?: boolean },
  ): Promise<LightMyRequestResponse>;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  readonly cookie: string;
}

/** Urlencodes a form (repeated keys for arrays). */
export function formBody(form: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  return params.toString();
}

/** The session cookie a response sets (name=value), if any. */
export function sessionCookieOf(response: LightMyRequestResponse): string | undefined {
  const raw = response.headers['set-cookie'];
  const all = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const found = all.find((c) => c.startsWith('frontback_console='));
  return found?.split(';')[0];
}

/** Signs in with `token` through the sign-in form; throws when it does not work. */
export async function signIn(app: FastifyInstance, token: string = ADMIN_TOKEN): Promise<ConsoleClient> {
  const form = await app.inject({ method: 'GET', url: '/console/sign-in' });
  let cookie = sessionCookieOf(form) ?? '';
  const signedIn = await app.inject({
    method: 'POST',
    url: '/console/sign-in',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: formBody({ token, _csrf: csrfOf(form.body), next: '/console' }),
  });
  if (signedIn.statusCode !== 303) throw new Error(`sign-in answered ${signedIn.statusCode}: ${signedIn.body}`);
  cookie = sessionCookieOf(signedIn) ?? cookie;
  // The session cookie changes when the session does (a CSRF secret made, a sign-out): kept like a browser.
  const inject = async (o: InjectOptions): Promise<LightMyRequestResponse> => {
    const response = await app.inject({ ...o, headers: { ...o.headers, cookie } });
    cookie = sessionCookieOf(response) ?? cookie;
    return response;
  };
  return {
    get cookie() {
      return cookie;
    },
    inject,
    get: (url, headers = {}) => inject({ method: 'GET', url, headers }),
    async post(url, form, options = {}) {
      const withToken =
        options.csrf === false
          ? form
          : { ...form, _csrf: csrfOf(options.from ?? (await inject({ method: 'GET', url: '/console' })).body) };
      return inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: formBody(withToken),
      });
    },
  };
}
