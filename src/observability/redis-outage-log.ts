/**
 * Redis connection errors through the JSON logger, once per outage. ioredis emits an
 * `error` at every reconnection attempt, and one without a listener is printed to stderr
 * with its stack outside the JSON log (issue #15: 38 traces in one outage). Every Redis
 * client frontback creates (the admin rate limit, the shared API budgets, the BullMQ
 * queue and worker) reports here instead: the first connection error of an outage is
 * logged at warn, the rest are counted, and the recovery is logged at info with the count.
 * Other errors are logged at warn each time.
 */
import type { Redis } from 'ioredis';
import type { Logger } from './logger.ts';

/** Error codes and messages of a connection that failed or was lost (not a command's own failure). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
const CONNECTION_MESSAGE = /connection is closed|connect ETIMEDOUT|max retries|stream isn't writeable|ECONNREFUSED/i;

/** True when `err` says the connection to Redis failed or was lost. */
export function isRedisConnectionError(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return CONNECTION_CODES.has(String(code)) || CONNECTION_MESSAGE.test(String(message));
}

/** One Redis connection's outages, logged once each. */
export class RedisOutageLog {
  readonly #logger: Logger | undefined;
  readonly #what: string;
  #down = false;
  #errors = 0;

  /** `what` names the connection in the log (`admin rate limit`, `queue`). */
  constructor(logger: Logger | undefined, what: string) {
    this.#logger = logger;
    this.#what = what;
  }

  /** True between the first connection error and the recovery. */
  get down(): boolean {
    return this.#down;
  }

  /** An `error` event (bound: pass it as the listener). */
  readonly error = (err: unknown): void => {
    const summary = {
      error: err instanceof Error ? err.message : String(err),
      code: (err as { code?: unknown })?.code,
    };
    if (!isRedisConnectionError(err)) {
      this.#logger?.warn({ redis: this.#what, ...summary }, `${this.#what}: Redis error`);
      return;
    }
    this.#errors += 1;
    if (this.#down) return;
    this.#down = true;
    this.#logger?.warn(
      { redis: this.#what, ...summary },
      `${this.#what}: Redis unreachable; retrying (logged once until it answers again)`,
    );
  };

  /** The connection answers again (a `ready` event, a command that succeeded). */
  readonly recovered = (): void => {
    if (!this.#down) return;
    this.#down = false;
    this.#logger?.info({ redis: this.#what, errors: this.#errors }, `${this.#what}: Redis answers again`);
    this.#errors = 0;
  };

  /** Listens to an ioredis client: its `error` events, and `ready` as the recovery. */
  watch(client: Pick<Redis, 'on'>): void {
    client.on('error', this.error);
    client.on('ready', this.recovered);
  }
}
