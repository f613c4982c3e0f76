/**
 * Per-connection intake rate limits (issue #15, "Bounded intake"): a token bucket per
 * connection in this process, holding at most one second's deliveries and refilled at
 * `connections.<name>.webhook.rateLimit` deliveries per second. A delivery takes one token
 * (an HTTP request, whatever number of events it carries); without one it is refused, and
 * the connector says how (its `overLimit` declaration). Each copy of `frontback serve`
 * counts alone: behind a load balancer over N copies a connection gets up to N times the
 * limit. Nothing is shared through Redis, as intake must not depend on it.
 */

/** The answer of {@link IntakeRateLimiter.take}. */
export type IntakeRoom =
  | {
      /** There was room: the delivery goes on. */
      ok: true;
    }
  | {
      /** Over the limit: refuse the delivery. */
      ok: false;
      /** Seconds until the bucket holds a token again (at least 1), for `Retry-After`. */
      retryAfterSeconds: number;
      /** The connection's limit, deliveries per second (for the message). */
      perSecond: number;
    };

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets by connection name. Connections without a limit are never refused. */
export class IntakeRateLimiter {
  readonly #limits: ReadonlyMap<string, number>;
  readonly #clock: () => number;
  readonly #buckets = new Map<string, Bucket>();

  /**
   * @param limits deliveries per second by connection name (positive; a burst of one
   *   second's worth is allowed)
   * @param clock epoch ms
   */
  constructor(limits: ReadonlyMap<string, number>, clock: () => number) {
    for (const [name, perSecond] of limits)
      if (!(perSecond > 0) || !Number.isFinite(perSecond))
        throw new RangeError(`webhook rate limit of connection "${name}" must be a positive number, got ${perSecond}`);
    this.#limits = limits;
    this.#clock = clock;
  }

  /** Takes one delivery's token from `connection`'s bucket, or says when there will be one. */
  take(connection: string): IntakeRoom {
    const perSecond = this.#limits.get(connection);
    if (perSecond === undefined) return { ok: true };
    const now = this.#clock();
    const bucket = this.#buckets.get(connection) ?? { tokens: perSecond, at: now };
    const elapsed = Math.max(0, now - bucket.at);
    bucket.tokens = Math.min(perSecond, bucket.tokens + (elapsed * perSecond) / 1000);
    bucket.at = now;
    this.#buckets.set(connection, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)), perSecond };
  }
}
