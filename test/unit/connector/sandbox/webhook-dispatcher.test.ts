import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/connector/sandbox/clock.ts';
import { WebhookDispatcher } from '../../../../src/connector/sandbox/webhook-dispatcher.ts';

interface Received {
  body: string;
  headers: Record<string, string | string[] | undefined>;
}
let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

async function receiver(statuses: number[]): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ body, headers: req.headers });
      res.statusCode = statuses[got.length - 1] ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

function dispatcher(url: string, clock: ManualClock, maxAttempts = 3): WebhookDispatcher<number> {
  return new WebhookDispatcher<number>({
    url,
    clock,
    batchSize: 2,
    flushIntervalMs: 0,
    maxAttempts,
    backoffMs: (n) => n * 1000,
    timeoutMs: 2000,
    serialize: (events, attempt) => JSON.stringify({ events, attempt }),
    headers: (body, u, ts) => ({ 'x-sig': `${body.length}:${u}:${ts}` }),
  });
}

describe('WebhookDispatcher', () => {
  it('batches, signs and stops at the first 2xx', async () => {
    const { url, got } = await receiver([200, 200]);
    const clock = new ManualClock(5_000);
    const d = dispatcher(url, clock);
    [1, 2, 3].forEach((e) => d.enqueue(e));
    await d.flush();
    expect(got.map((g) => JSON.parse(g.body))).toEqual([
      { events: [1, 2], attempt: 0 },
      { events: [3], attempt: 0 },
    ]);
    expect(got[0]?.headers['x-sig']).toBe(`${got[0]?.body.length}:${url}:5000`);
    expect(d.stats()).toEqual({ delivered: 3, failed: 0, pending: 0, attempts: 2 });
    await d.stop();
  });

  it('retries a refused batch after its backoff, and gives up after maxAttempts', async () => {
    const { url, got } = await receiver([500, 500, 200, 500, 500]);
    const clock = new ManualClock(0);
    const d = dispatcher(url, clock);
    d.enqueue(1);
    await d.flush();
    expect(d.stats()).toMatchObject({ delivered: 0, pending: 1, attempts: 1 });
    await d.flush();
    expect(got).toHaveLength(1); // not due yet
    clock.advance(1_000);
    await d.flush();
    clock.advance(2_000);
    await d.flush();
    expect(got.map((g) => JSON.parse(g.body).attempt)).toEqual([0, 1, 2]);
    expect(d.stats()).toMatchObject({ delivered: 1, pending: 0, attempts: 3 });
    const d2 = dispatcher(url, clock, 2);
    d2.enqueue(9);
    await d2.flush();
    clock.advance(10_000);
    await d2.flush();
    expect(d2.stats()).toMatchObject({ delivered: 0, failed: 1, pending: 0 });
    await d.stop();
    await d2.stop();
  });

  it('counts an unreachable receiver as a failed attempt', async () => {
    const clock = new ManualClock(0);
    const d = dispatcher('http://127.0.0.1:1/nothing', clock, 1);
    d.enqueue(1);
    await d.flush();
    expect(d.stats()).toMatchObject({ failed: 1, attempts: 1 });
    await d.stop();
  });
});
