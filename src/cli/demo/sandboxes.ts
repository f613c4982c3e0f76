/**
 * Starts the sandboxes a demo configuration points at: every connection whose kind
 * has a sandbox and whose base URL is on this machine gets one on that port, with
 * the connection's own (fake) credentials, so config and sandbox always agree.
 */
import { createHubSpotSandbox } from '../../../connectors/hubspot/sandbox/server.ts';
import { createOdooSandbox } from '../../../connectors/odoo/sandbox/server.ts';
import type { Config } from '../../config/types.ts';
import { ConfigError } from '../../errors.ts';

/** A sandbox the demo started. */
export interface DemoSandbox {
  connection: string;
  kind: string;
  url: string;
  /** One line saying what it holds. */
  holds: string;
  /** Where it delivers webhooks (without the token), when it does. */
  webhooksTo?: string;
  close(): Promise<void>;
}

function localPort(name: string, baseUrl: string | undefined): number {
  const url = new URL(baseUrl ?? 'http://invalid');
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) || url.port === '') {
    throw new ConfigError([
      {
        file: 'demo',
        path: `connections.${name}.baseUrl`,
        message: `the demo starts sandboxes on this machine: expected http://127.0.0.1:<port>, got ${baseUrl ?? 'nothing'}`,
      },
    ]);
  }
  return Number(url.port);
}

/** Options of {@link startDemoSandboxes}. */
export interface DemoSandboxOptions {
  /** Delay of every vendor request, ms (the sandboxes' latency fault). Default 0. */
  latencyMs?: number;
  /**
   * Base URL of frontback's server: each sandbox whose connection has a webhook secret
   * delivers its webhooks to `<base>/webhooks/<connection>`, signed (HubSpot) or with the
   * token in the URL (Odoo). Default: no webhooks.
   */
  webhooksTo?: string;
}

/** Starts one sandbox per sandboxable connection. */
export async function startDemoSandboxes(
  config: Config,
  seed: number,
  records: number,
  options: DemoSandboxOptions = {},
): Promise<DemoSandbox[]> {
  const started: DemoSandbox[] = [];
  const latencyMs = options.latencyMs ?? 0;
  const faults = latencyMs > 0 ? { faults: { latencyMs } } : {};
  try {
    for (const [name, connection] of Object.entries(config.connections)) {
      const auth = connection.auth;
      const secret = connection.webhook?.secret;
      const hook = options.webhooksTo && secret ? { url: `${options.webhooksTo}/webhooks/${name}`, secret } : undefined;
      if (connection.kind === 'hubspot') {
        const port = localPort(name, connection.baseUrl);
        const sandbox = await createHubSpotSandbox({
          seed,
          records,
          ...faults,
          ...(hook ? { webhooks: { url: hook.url, secret: hook.secret } } : {}),
          ...(auth.type === 'bearer' ? { accessTokens: [auth.token] } : {}),
        });
        const url = await sandbox.listen(port);
        const s = sandbox.seeded;
        started.push({
          connection: name,
          kind: 'hubspot',
          url,
          ...(hook ? { webhooksTo: hook.url } : {}),
          holds: `${s.contacts} contacts, ${s.companies} companies, ${s.products} products, ${s.deals} deals`,
          close: () => sandbox.close(),
        });
      } else if (connection.kind === 'odoo') {
        const port = localPort(name, connection.baseUrl);
        const sandbox = createOdooSandbox({
          port,
          seed,
          records,
          ...faults,
          ...(hook ? { webhookUrl: `${hook.url}?token=${encodeURIComponent(hook.secret)}` } : {}),
          ...(auth.type === 'api-key' ? { apiKey: auth.key, ...(auth.database ? { db: auth.database } : {}) } : {}),
        });
        const url = await sandbox.listen();
        const count = (model: string): number => sandbox.orm.db.table(model).size;
        started.push({
          connection: name,
          kind: 'odoo',
          url,
          ...(hook ? { webhooksTo: hook.url } : {}),
          holds:
            `${count('res.partner')} partners, ${count('product.product')} products, ` +
            `${count('sale.order')} sale orders, ${count('account.move')} invoices`,
          close: () => sandbox.close(),
        });
      }
    }
  } catch (err) {
    await Promise.allSettled(started.map((s) => s.close()));
    const code = (err as { code?: unknown }).code;
    if (code === 'EADDRINUSE') {
      throw new ConfigError([
        {
          file: 'demo',
          path: 'connections',
          message: `a sandbox port is already in use (${(err as Error).message}); stop the other process or change the port in the demo config`,
        },
      ]);
    }
    throw err;
  }
  return started;
}
