import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/connector/sandbox/clock.ts';
import {
  WebhookDispatcher,
  type WebhookDispatcherOptions,
} from '../../../../src/connector/sandbox/webhook-dispatcher.ts';
import { startReceiver, type Receiver } from '../../connectors/salesforce/sandbox/push-receiver.ts';

// The optional hooks Outbound Messages need: content type, acceptance check, batch order.
describe('WebhookDispatcher options', () => {
  let receiver: Receiver;
  const clock = new ManualClock(1_000);
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  const make = (extra: Partial<WebhookDispatcherOptions<number>>) =>
    new WebhookDispatcher<number>({
      url: receiver.url,
      clock,
      batchSize: 1,
      flushIntervalMs: 0,
      maxAttempts: 3,
      backoffMs: () => 0,
      timeoutMs: 2000,
      serialize: (events) => String(events[0]),
      headers: () => ({}),
      ...extra,
    });

  it('keeps JSON, 2xx acceptance and queue order by default', async () => {
    receiver.respond(() => ({ status: 200, body: 'no' }));
    const d = make({});
    [1, 2, 3].forEach((e) => d.enqueue(e));
    await d.flush();
    expect(receiver.requests.map((r) => r.body)).toEqual(['1', '2', '3']);
    expect(receiver.requests[0]!.headers['content-type']).toBe('application/json');
    expect(d.stats()).toMatchObject({ delivered: 3, attempts: 3 });
    await d.stop();
  });

  it('uses the given content type, acceptance check and order', async () => {
    receiver.respond((req) => ({ status: 200, body: req.body === '2' ? 'ack' : 'nope' }));
    const d = make({
      contentType: 'text/xml; charset=utf-8',
      accepted: (status, body) => status === 200 && body === 'ack',
      order: <T>(batches: T[]) => [...batches].reverse(),
    });
    [1, 2, 3].forEach((e) => d.enqueue(e));
    await d.flush();
    expect(receiver.requests.map((r) => r.body)).toEqual(['3', '2', '1']);
    expect(receiver.requests[0]!.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(d.stats()).toMatchObject({ delivered: 1, pending: 2, attempts: 3 });
    await d.stop();
  });
});
