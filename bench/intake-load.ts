/**
 * The load generator of the intake benchmark (bench/intake.bench.ts), run in a process of
 * its own so that it does not share the servers' event loop: `connections` keep-alive
 * connections (node:http), each sending one single-event HubSpot delivery after another,
 * signed v3 as HubSpot signs (HMAC-SHA256 of method + URL + body + timestamp with the
 * client secret), for `warmupMs` then `durationMs`. Answers one line of JSON: deliveries
 * answered 200 in the measured window, their rate, p50/p99 latency in ms, and any other
 * answer counted by status.
 *
 * Input: one {@link LoadOptions} object per line on stdin; output: one {@link LoadResult} per line.
 */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

/** What one run of the generator does. */
export interface LoadOptions {
  /** Where to post, e.g. `http://127.0.0.1:4321/webhooks/hubspot`. */
  url: string;
  /** The URL the signature covers (the server's public base URL + path). */
  signedUrl: string;
  /** HubSpot client secret that signs. */
  secret: string;
  /** Connections at once, each with one request in flight. */
  connections: number;
  /** Unmeasured run-in, ms. */
  warmupMs: number;
  /** Measured window, ms. */
  durationMs: number;
  /** First event id (distinct per run so every delivery is new). */
  firstId: number;
}

/** What one run measured. */
export interface LoadResult {
  deliveries: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than 200, by status (`error` for a failed request). */
  others: Record<string, number>;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function post(agent: Agent, url: URL, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

async function run(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  let next = options.firstId;
  const latencies: number[] = [];
  const others: Record<string, number> = {};
  const start = Date.now();
  const measureFrom = start + options.warmupMs;
  const end = measureFrom + options.durationMs;
  const loop = async (): Promise<void> => {
    while (Date.now() < end) {
      const id = next++;
      const now = Date.now();
      const body = JSON.stringify([
        {
          eventId: id,
          subscriptionId: 7,
          portalId: 62515,
          appId: 1,
          occurredAt: now,
          subscriptionType: 'contact.propertyChange',
          attemptNumber: 0,
          objectId: id,
          propertyName: 'email',
          propertyValue: `p${id}@bench.test`,
          changeSource: 'CRM_UI',
        },
      ]);
      const signature = createHmac('sha256', options.secret)
        .update(`POST${options.signedUrl}${body}${now}`)
        .digest('base64');
      const sent = process.hrtime.bigint();
      const status = await post(agent, url, body, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': String(now),
      });
      const ms = Number(process.hrtime.bigint() - sent) / 1e6;
      const at = Date.now();
      if (at < measureFrom || at > end) continue;
      if (status === 200) latencies.push(ms);
      else {
        const key = status === 0 ? 'error' : String(status);
        others[key] = (others[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    deliveries: latencies.length,
    perSecond: latencies.length / (options.durationMs / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    others,
  };
}

// One run per line of JSON options on stdin, one line of JSON results on stdout per run:
// the process stays up between runs, so alternating targets costs no start-up.
let pending = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) {
  pending += chunk as string;
  for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
    const line = pending.slice(0, nl).trim();
    pending = pending.slice(nl + 1);
    if (line !== '') process.stdout.write(`${JSON.stringify(await run(JSON.parse(line) as LoadOptions))}\n`);
  }
}
