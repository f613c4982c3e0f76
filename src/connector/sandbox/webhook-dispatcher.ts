/**
 * Delivers a sandbox's webhook events to a receiver the way vendors do: in batches,
 * signed, retried with backoff until acknowledged (a 2xx unless the sandbox says
 * otherwise) or the attempt budget runs out, in the order the sandbox chooses. Due times
 * come from the sandbox clock, so a test with a ManualClock advances the clock and
 * calls {@link WebhookDispatcher.flush} instead of sleeping.
 */
import type { Logger } from '../../observability/logger.ts';
import type { SandboxClock } from './clock.ts';

/** Options of a {@link WebhookDispatcher}. */
export interface WebhookDispatcherOptions<E> {
  /** Receiver URL (the full public URL; signatures cover it). */
  url: string;
  /** Clock for signing timestamps and retry due times. */
  clock: SandboxClock;
  /** Events per delivery (HubSpot: up to 100; Odoo: 1). */
  batchSize: number;
  /** Real-time interval of the background flush, milliseconds; 0 disables the timer (tests call flush). */
  flushIntervalMs: number;
  /** Attempts per batch including the first (HubSpot: 10; Odoo: 1, no retries). */
  maxAttempts: number;
  /** Delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed, milliseconds of sandbox clock. */
  backoffMs: (attempt: number) => number;
  /** Per-delivery timeout, milliseconds (Odoo: 1000). */
  timeoutMs: number;
  /** Renders a batch as the request body (HubSpot: JSON array; Odoo: one object). `attempt` is 0-based. */
  serialize: (events: E[], attempt: number) => string;
  /** Signing and other headers for one delivery; `timestampMs` is the clock's now. */
  headers: (body: string, url: string, timestampMs: number) => Record<string, string>;
  /** Where delivery failures are logged; silent when absent. */
  logger?: Logger;
  /** Content-Type of the deliveries; default `application/json`. */
  contentType?: string;
  /** Whether an answer acknowledges the delivery; default: any 2xx (Outbound Messages also need `<Ack>true</Ack>`). */
  accepted?: (status: number, body: string) => boolean;
  /** Orders the batches due in one flush (a permutation of them); default: retries first, then new, oldest first. */
  order?: <T>(batches: T[]) => T[];
}

/** Delivery counters. */
export interface WebhookDispatcherStats {
  /** Events delivered and acknowledged (a 2xx unless `accepted` says otherwise). */
  delivered: number;
  /** Events dropped after their batch used every attempt. */
  failed: number;
  /** Events queued or waiting for a retry. */
  pending: number;
  /** HTTP delivery attempts made (each batch POST counts once). */
  attempts: number;
}

interface Batch<E> {
  events: E[];
  /** Attempts already made. */
  attempts: number;
  /** Sandbox-clock time when the next attempt is due, epoch ms. */
  dueAt: number;
}

/** Batched, signed, retried webhook delivery for sandboxes. */
export class WebhookDispatcher<E> {
  private readonly options: WebhookDispatcherOptions<E>;
  private queued: E[] = [];
  private retries: Batch<E>[] = [];
  private counters = { delivered: 0, failed: 0, attempts: 0 };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(options: WebhookDispatcherOptions<E>) {
    this.options = options;
    if (options.flushIntervalMs > 0) {
      this.timer = setInterval(() => {
        this.flush().catch((err: unknown) => this.options.logger?.error({ err }, 'webhook flush failed'));
      }, options.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Queues one event for the next delivery. Ignored after {@link stop}. */
  enqueue(event: E): void {
    if (this.stopped) return;
    this.queued.push(event);
  }

  /** Delivers everything due now (new events and retries whose backoff has passed). */
  flush(): Promise<void> {
    // Serialise flushes: the timer and a test may call at once; one batch must not go twice.
    const next = this.running.then(() => this.deliverDue());
    this.running = next.catch(() => undefined);
    return next;
  }

  /** Stops the timer and drops anything still pending. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    this.queued = [];
    this.retries = [];
  }

  /** Delivery counters. */
  stats(): WebhookDispatcherStats {
    const pending = this.queued.length + this.retries.reduce((n, b) => n + b.events.length, 0);
    return { ...this.counters, pending };
  }

  private async deliverDue(): Promise<void> {
    const now = this.options.clock.now();
    const size = Math.max(1, this.options.batchSize);
    const due = this.retries.filter((b) => b.dueAt <= now);
    this.retries = this.retries.filter((b) => b.dueAt > now);
    const fresh = this.queued;
    this.queued = [];
    for (let i = 0; i < fresh.length; i += size) {
      due.push({ events: fresh.slice(i, i + size), attempts: 0, dueAt: now });
    }
    const ordered = this.options.order ? this.options.order(due) : due;
    for (const batch of ordered) {
      if (this.stopped) return;
      await this.attempt(batch);
    }
  }

  private async attempt(batch: Batch<E>): Promise<void> {
    const { url, clock } = this.options;
    const body = this.options.serialize(batch.events, batch.attempts);
    const contentType = this.options.contentType ?? 'application/json';
    const headers = { 'content-type': contentType, ...this.options.headers(body, url, clock.now()) };
    batch.attempts += 1;
    this.counters.attempts += 1;
    let ok = false;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      // Read (or at least drain) the body so the connection can be reused.
      const accepted = this.options.accepted;
      const text = accepted ? await res.text().catch(() => '') : '';
      if (!accepted) await res.arrayBuffer().catch(() => undefined);
      ok = accepted ? accepted(res.status, text) : res.ok;
      if (!ok)
        this.options.logger?.warn(
          { status: res.status, attempt: batch.attempts },
          'webhook receiver refused a delivery',
        );
    } catch (err) {
      this.options.logger?.warn({ err, attempt: batch.attempts }, 'webhook delivery failed');
    }
    if (ok) {
      this.counters.delivered += batch.events.length;
    } else if (batch.attempts >= this.options.maxAttempts) {
      this.counters.failed += batch.events.length;
    } else {
      batch.dueAt = clock.now() + this.options.backoffMs(batch.attempts);
      this.retries.push(batch);
    }
  }
}
