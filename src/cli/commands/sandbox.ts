/**
 * `frontback sandbox <kind>`: starts a vendor sandbox on a local port and keeps it
 * running until SIGINT/SIGTERM. Kinds come from {@link SANDBOXES}; adding a sandbox is
 * one entry there.
 */
import type { Command } from 'commander';
import { createHubSpotSandbox, DEFAULT_SANDBOX_TOKEN } from '../../../connectors/hubspot/sandbox/server.ts';
import { createOdooSandbox } from '../../../connectors/odoo/sandbox/server.ts';
import { intOption } from '../int-option.ts';
import { ConfigError } from '../../errors.ts';

/** Options every sandbox kind receives from the command line. */
export interface SandboxCliOptions {
  /** Port to listen on. */
  port: number;
  /** Interface to listen on; default 127.0.0.1 (`0.0.0.0` in a container, so other services reach it). */
  host?: string;
  /** Data seed. */
  seed: number;
  /** Number of main records (HubSpot: contacts). */
  records: number;
  /** Webhook receiver URL. */
  webhookUrl?: string;
  /** Webhook signing secret. */
  webhookSecret?: string;
  /** Requests per rolling window (HubSpot: per 10 s). */
  rateLimit?: number;
  /** How far search lags writes, at most, in ms (HubSpot). */
  searchLagMs?: number;
  /** Database name (Odoo). */
  db?: string;
  /** API key (Odoo). */
  apiKey?: string;
  /** Bearer token accepted instead of the built-in fake (HubSpot). */
  token?: string;
}

/** Default port per kind (4010 for kinds not listed). */
export const SANDBOX_PORTS: Record<string, number> = { hubspot: 4010, odoo: 4020 };

/** A started sandbox, as the command needs it. */
export interface StartedSandbox {
  /** Base URL. */
  url: string;
  /** Lines printed after start (token, seed, counts). */
  summary: string[];
  /** Stops it. */
  close(): Promise<void>;
}

/** The URL with its `token` query parameter masked: the token is frontback's webhook secret, never printed. */
export function maskToken(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/g, '$1***');
}

/** Sandbox kinds: name -> starter. */
export const SANDBOXES: Record<string, (opts: SandboxCliOptions) => Promise<StartedSandbox>> = {
  hubspot: async (opts) => {
    const sandbox = await createHubSpotSandbox({
      seed: opts.seed,
      ...(opts.token === undefined ? {} : { accessTokens: [opts.token] }),
      records: opts.records,
      ...(opts.rateLimit === undefined ? {} : { rateLimits: { max: opts.rateLimit } }),
      ...(opts.searchLagMs === undefined ? {} : { searchLag: opts.searchLagMs }),
      ...(opts.webhookUrl
        ? { webhooks: { url: opts.webhookUrl, secret: opts.webhookSecret ?? 'sandbox-client-secret' } }
        : {}),
    });
    const url = await sandbox.listen(opts.port, opts.host);
    const s = sandbox.seeded;
    return {
      url,
      summary: [
        opts.token === undefined
          ? `access token: ${DEFAULT_SANDBOX_TOKEN} (a sandbox-only fake; send it as "Authorization: Bearer ...")`
          : 'access token: the one given by --token (not printed)',
        `seed: ${opts.seed}; records: ${s.contacts} contacts, ${s.companies} companies, ${s.products} products, ${s.deals} deals, ${s.lineItems} line items`,
        `webhooks: ${opts.webhookUrl ? `to ${opts.webhookUrl} (signed v3)` : 'off'}; control API: ${url}/_sandbox/stats`,
      ],
      close: () => sandbox.close(),
    };
  },
  odoo: async (opts) => {
    const sandbox = createOdooSandbox({
      port: opts.port,
      ...(opts.host === undefined ? {} : { host: opts.host }),
      seed: opts.seed,
      records: opts.records,
      db: opts.db ?? 'odoo',
      apiKey: opts.apiKey ?? 'sandbox-odoo-key',
      ...(opts.webhookUrl ? { webhookUrl: opts.webhookUrl } : {}),
    });
    const url = await sandbox.listen();
    const partners = sandbox.orm.db.table('res.partner').size;
    return {
      url,
      summary: [
        `db: ${sandbox.auth.db}; login: admin; API key: ${
          opts.apiKey === undefined
            ? 'sandbox-odoo-key (a sandbox-only fake, used as the password)'
            : 'the one given by --api-key (not printed)'
        }`,
        `seed: ${opts.seed}; records: ${partners} partners; transports: ${url}/jsonrpc, ${url}/xmlrpc/2/object, ${url}/json/2/<model>/<method>`,
        `webhooks: ${opts.webhookUrl ? `to ${maskToken(opts.webhookUrl)} (unsigned, no retries, as Odoo)` : 'off'}; control API: ${url}/_sandbox/stats`,
      ],
      close: () => sandbox.close(),
    };
  },
};

/** Registers `frontback sandbox <kind>`. */
export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description(`start a local vendor sandbox (${Object.keys(SANDBOXES).join(', ')}) until Ctrl-C`)
    .argument('<kind>', `sandbox kind: ${Object.keys(SANDBOXES).join(' | ')}`)
    .option('--port <n>', 'port to listen on (default 4010 hubspot, 4020 odoo)')
    .option('--host <address>', 'interface to listen on (default 127.0.0.1; 0.0.0.0 in a container)')
    .option('--seed <n>', 'seed of the generated data (default 42)')
    .option('--records <n>', 'number of seeded main records (default 30)')
    .option('--webhook-url <url>', 'deliver webhooks to this URL')
    .option('--webhook-secret <s>', 'webhook signing secret (default sandbox-client-secret)')
    .option('--rate-limit <n>', 'requests allowed per rolling window')
    .option(
      '--search-lag-ms <n>',
      'hubspot: search sees each change up to this many ms late, as the real index does (default 0)',
    )
    .option('--db <name>', 'database name (odoo; default odoo)')
    .option('--api-key <key>', 'API key accepted as the password (odoo; default sandbox-odoo-key)')
    .option('--token <token>', 'bearer token accepted (hubspot; default sandbox-hubspot-token)')
    .action(async (kind: string, raw: Record<string, string | undefined>) => {
      const start = SANDBOXES[kind];
      if (!start) {
        throw new ConfigError([
          {
            file: '(command line)',
            path: 'kind',
            message: `unknown sandbox "${kind}"; expected one of ${Object.keys(SANDBOXES).join(', ')}`,
          },
        ]);
      }
      const rateLimit = intOption('--rate-limit', raw.rateLimit, undefined, 1);
      const searchLagMs = intOption('--search-lag-ms', raw.searchLagMs, undefined, 0);
      const opts: SandboxCliOptions = {
        port: intOption('--port', raw.port, SANDBOX_PORTS[kind] ?? 4010, 0) ?? 4010,
        ...(raw.host ? { host: raw.host } : {}),
        seed: intOption('--seed', raw.seed, 42, 0) ?? 42,
        records: intOption('--records', raw.records, 30, 0) ?? 30,
        ...(raw.webhookUrl ? { webhookUrl: raw.webhookUrl } : {}),
        ...(raw.webhookSecret ? { webhookSecret: raw.webhookSecret } : {}),
        ...(rateLimit === undefined ? {} : { rateLimit }),
        ...(searchLagMs === undefined ? {} : { searchLagMs }),
        ...(raw.db ? { db: raw.db } : {}),
        ...(raw.apiKey ? { apiKey: raw.apiKey } : {}),
        ...(raw.token ? { token: raw.token } : {}),
      };
      const sandbox = await start(opts);
      // Listen for signals before announcing: a reader of the announcement may stop it at once.
      const stopped = new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          sandbox.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      process.stdout.write(
        `${kind} sandbox listening on ${sandbox.url}\n${sandbox.summary.map((l) => `  ${l}\n`).join('')}`,
      );
      await stopped;
      process.stdout.write(`${kind} sandbox stopped\n`);
    });
}
