/**
 * `frontback sandbox <kind>`: starts a vendor sandbox on a local port and keeps it
 * running until SIGINT/SIGTERM. Kinds come from {@link SANDBOXES}; adding a sandbox is
 * one entry there.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createHubSpotSandbox, DEFAULT_SANDBOX_TOKEN } from '../../../connectors/hubspot/sandbox/server.ts';
import { createOdooSandbox } from '../../../connectors/odoo/sandbox/server.ts';
import {
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  SANDBOX_PASSWORD,
  SANDBOX_REFRESH_TOKEN,
  SANDBOX_SECURITY_TOKEN,
} from '../../../connectors/salesforce/sandbox/auth.ts';
import { SANDBOX_CALLOUT_SECRET } from '../../../connectors/salesforce/sandbox/push/callout.ts';
import { INTEGRATION_USERNAME } from '../../../connectors/salesforce/sandbox/seed.ts';
import { createSalesforceSandbox } from '../../../connectors/salesforce/sandbox/server.ts';
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
  /** Outbound Messages receiver URL (Salesforce). */
  outboundUrl?: string;
  /** File holding the connected app's public key (PEM) that verifies JWT bearer assertions (Salesforce). */
  jwtPublicKeyFile?: string;
  /** Requests per rolling window (HubSpot: per 10 s; Salesforce: per 24 h). */
  rateLimit?: number;
  /** How far search lags writes, at most, in ms (HubSpot). */
  searchLagMs?: number;
  /** Database name (Odoo). */
  db?: string;
  /** API key (Odoo). */
  apiKey?: string;
  /** Bearer token accepted instead of the built-in fake (HubSpot), or besides OAuth (Salesforce). */
  token?: string;
}

/** Default port per kind (4010 for kinds not listed). */
export const SANDBOX_PORTS: Record<string, number> = { hubspot: 4010, odoo: 4020, salesforce: 4030 };

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

/** The text of a key file named on the command line; a clear error naming the flag and file when unreadable. */
function readKeyFile(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ConfigError([{ file: '(command line)', path: flag, message: `cannot read ${file} (${reason})` }]);
  }
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
  salesforce: async (opts) => {
    const jwtPublicKeyPem =
      opts.jwtPublicKeyFile === undefined ? undefined : readKeyFile('--jwt-public-key', opts.jwtPublicKeyFile);
    const sandbox = await createSalesforceSandbox({
      seed: opts.seed,
      records: opts.records,
      ...(opts.token === undefined ? {} : { accessTokens: [opts.token] }),
      ...(opts.rateLimit === undefined ? {} : { dailyApiLimit: opts.rateLimit }),
      ...(jwtPublicKeyPem === undefined ? {} : { jwtPublicKeyPem }),
      ...(opts.outboundUrl ? { outboundMessages: { url: opts.outboundUrl } } : {}),
      ...(opts.webhookUrl
        ? { callout: { url: opts.webhookUrl, secret: opts.webhookSecret ?? SANDBOX_CALLOUT_SECRET } }
        : {}),
    });
    const url = await sandbox.listen(opts.port, opts.host);
    const s = sandbox.seeded;
    return {
      url,
      summary: [
        `org: ${sandbox.orgId}; API: ${url}/services/data/v60.0; token URL: ${url}/services/oauth2/token`,
        `connected app (sandbox-only fakes): client id ${SANDBOX_CLIENT_ID}, client secret ${SANDBOX_CLIENT_SECRET}`,
        `user ${INTEGRATION_USERNAME}, password ${SANDBOX_PASSWORD} + security token ${SANDBOX_SECURITY_TOKEN}; ` +
          `refresh token ${SANDBOX_REFRESH_TOKEN}`,
        `JWT bearer: ${jwtPublicKeyPem === undefined ? 'off (start with --jwt-public-key <file>)' : 'on, verified with the --jwt-public-key file'}; ` +
          `static access token: ${opts.token === undefined ? 'none (--token)' : 'the one given by --token (not printed)'}`,
        `seed: ${opts.seed}; records: Account ${s.accounts}, Contact ${s.contacts}, Product2 ${s.products}, ` +
          `Opportunity ${s.opportunities}, OpportunityLineItem ${s.lineItems}, Order ${s.orders}`,
        `outbound messages: ${opts.outboundUrl ? `to ${maskToken(opts.outboundUrl)}` : 'off'}; ` +
          `signed callouts: ${opts.webhookUrl ? `to ${maskToken(opts.webhookUrl)} (HMAC-SHA256)` : 'off'}; ` +
          `control API: ${url}/_sandbox/stats`,
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
    .option('--port <n>', 'port to listen on (default 4010 hubspot, 4020 odoo, 4030 salesforce)')
    .option('--host <address>', 'interface to listen on (default 127.0.0.1; 0.0.0.0 in a container)')
    .option('--seed <n>', 'seed of the generated data (default 42)')
    .option('--records <n>', 'number of seeded main records (default 30)')
    .option('--webhook-url <url>', 'deliver webhooks to this URL (salesforce: signed JSON callouts)')
    .option(
      '--webhook-secret <s>',
      'webhook signing secret (default sandbox-client-secret; salesforce: sandbox-callout-secret)',
    )
    .option('--outbound-url <url>', 'salesforce: send Outbound Messages (SOAP) for Account and Contact to this URL')
    .option('--jwt-public-key <file>', "salesforce: the connected app's public key (PEM) for the JWT bearer grant")
    .option('--rate-limit <n>', 'requests allowed per rolling window (hubspot: 10 s; salesforce: 24 h)')
    .option(
      '--search-lag-ms <n>',
      'hubspot: search sees each change up to this many ms late, as the real index does (default 0)',
    )
    .option('--db <name>', 'database name (odoo; default odoo)')
    .option('--api-key <key>', 'API key accepted as the password (odoo; default sandbox-odoo-key)')
    .option(
      '--token <token>',
      'bearer token accepted (hubspot; default sandbox-hubspot-token; salesforce: a static session besides OAuth)',
    )
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
        ...(raw.outboundUrl ? { outboundUrl: raw.outboundUrl } : {}),
        ...(raw.jwtPublicKey ? { jwtPublicKeyFile: raw.jwtPublicKey } : {}),
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
