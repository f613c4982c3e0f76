/**
 * Starts a HubSpot sandbox on a real port (in-process) and a connector pointed at it,
 * recording every request the connector sends (method, path, body, status).
 */
import {
  createHttpClient,
  memoryRateLimiterFactory,
  type ConnectionSettings,
  type HttpClient,
  type HttpRequest,
} from '../../../../src/connector/index.ts';
import { createLogger } from '../../../../src/observability/logger.ts';
import hubspot, { type HubSpotConnector } from '../../../../connectors/hubspot/index.ts';
import {
  createHubSpotSandbox,
  DEFAULT_SANDBOX_TOKEN,
  type HubSpotSandbox,
  type HubSpotSandboxOptions,
} from '../../../../connectors/hubspot/sandbox/server.ts';

/** One request the connector sent. */
export interface SentRequest {
  /** HTTP method. */
  method: HttpRequest['method'];
  /** Path as the connector built it. */
  path: string;
  /** JSON body, if any. */
  body: unknown;
}

/** A running sandbox plus a connector on it. */
export interface SandboxRig {
  sandbox: HubSpotSandbox;
  connector: HubSpotConnector;
  /** Requests as sent (one per call, not per retry). */
  sent: SentRequest[];
  /** HTTP status of every exchange (per attempt). */
  statuses: (number | 'network')[];
  /** The sandbox's base URL. */
  url: string;
  close(): Promise<void>;
}

function recording(client: HttpClient, sent: SentRequest[]): HttpClient {
  return {
    connection: client.connection,
    request(req, schema) {
      sent.push({ method: req.method, path: req.path, body: req.body });
      return client.request(req, schema);
    },
    requestRaw(req) {
      sent.push({ method: req.method, path: req.path, body: req.body });
      return client.requestRaw(req);
    },
    close: () => client.close(),
  };
}

/** A connector for the sandbox at `url`, recording what it sends into `sent` and `statuses`. */
export function sandboxConnector(
  url: string,
  connection: Partial<ConnectionSettings> = {},
  sent: SentRequest[] = [],
  statuses: (number | 'network')[] = [],
): HubSpotConnector {
  return hubspot.create(
    {
      name: 'hs-sandbox',
      kind: 'hubspot',
      baseUrl: url,
      auth: { type: 'bearer', token: DEFAULT_SANDBOX_TOKEN },
      rateLimit: { requests: 10_000, perMs: 1_000 },
      options: { searchRateLimit: { requests: 1_000, perMs: 1_000 } },
      ...connection,
    },
    {
      http: (options) =>
        recording(
          createHttpClient({
            ...options,
            retry: { retries: 3, minTimeoutMs: 10, maxTimeoutMs: 50, randomize: false },
            onRequest: (e) => statuses.push(e.status),
          }),
          sent,
        ),
      logger: createLogger({ level: 'silent' }),
      clock: () => Date.now(),
      rateLimiters: memoryRateLimiterFactory(),
    },
  ) as HubSpotConnector;
}

/** Starts a sandbox (no seed data unless asked) and a connector for it. */
export async function startRig(
  sandboxOptions: HubSpotSandboxOptions = {},
  connection: Partial<ConnectionSettings> = {},
): Promise<SandboxRig> {
  const sandbox = await createHubSpotSandbox({ records: 0, ...sandboxOptions });
  const url = await sandbox.listen(0);
  const sent: SentRequest[] = [];
  const statuses: (number | 'network')[] = [];
  const connector = sandboxConnector(url, connection, sent, statuses);
  return {
    sandbox,
    connector,
    sent,
    statuses,
    url,
    async close() {
      await connector.close?.();
      await sandbox.close();
    },
  };
}
