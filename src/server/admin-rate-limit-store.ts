/**
 * The admin API's rate-limit store: shared through Redis when the queue runs on Redis (N
 * copies of `serve` share one budget), and kept in this process while Redis does not
 * answer, so the admin API keeps answering, still limited (issue #15: with Redis down it
 * answered 500 throughout, its Redis store throwing). The switch is logged once each way
 * (redis-outage-log.ts). @fastify/rate-limit's own stores do the counting.
 */
import { createRequire } from 'node:module';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { RedisOutageLog } from '../observability/redis-outage-log.ts';

type Callback = Parameters<FastifyRateLimitStore['incr']>[1];
/** What the plugin hands a store: its settings, and a route's on `child`. */
interface StoreParams {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
  cache?: number;
}
type RedisStoreCtor = new (
  continueExceeding: boolean | undefined,
  exponentialBackoff: boolean | undefined,
  redis: Redis,
  key: string,
) => FastifyRateLimitStore;
type LocalStoreCtor = new (
  continueExceeding: boolean | undefined,
  exponentialBackoff: boolean | undefined,
  cache?: number,
) => FastifyRateLimitStore;

// The plugin's stores are CommonJS files without type declarations (it has no `exports` map).
const require = createRequire(import.meta.url);
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as RedisStoreCtor;
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as LocalStoreCtor;

/** Redis's counts while it answers, this process's otherwise. */
class FallbackStore implements FastifyRateLimitStore {
  readonly #redis: Redis;
  readonly #shared: FastifyRateLimitStore;
  readonly #local: FastifyRateLimitStore;
  readonly #outage: RedisOutageLog;

  constructor(redis: Redis, outage: RedisOutageLog, shared: FastifyRateLimitStore, local: FastifyRateLimitStore) {
    this.#redis = redis;
    this.#outage = outage;
    this.#shared = shared;
    this.#local = local;
  }

  incr(key: string, callback: Callback, timeWindow: number, max: number): void {
    // Not connected: local at once (a command would wait for ioredis's reconnection before failing).
    if (this.#redis.status !== 'ready') {
      this.#local.incr(key, callback, timeWindow, max);
      return;
    }
    this.#shared.incr(
      key,
      (err, result) => {
        if (err === null && result !== undefined) {
          this.#outage.recovered();
          callback(null, result);
          return;
        }
        this.#outage.error(err);
        this.#local.incr(key, callback, timeWindow, max);
      },
      timeWindow,
      max,
    );
  }

  child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
    return new FallbackStore(
      this.#redis,
      this.#outage,
      this.#shared.child(routeOptions),
      this.#local.child(routeOptions),
    );
  }
}

/**
 * The store class to give @fastify/rate-limit (`store`): counts in `redis` under
 * `nameSpace` while it answers, else in this process. `outage` logs the switches.
 */
export function fallbackRateLimitStore(
  redis: Redis,
  nameSpace: string,
  outage: RedisOutageLog,
): FastifyRateLimitStoreCtor {
  return class extends FallbackStore {
    constructor(params: StoreParams) {
      super(
        redis,
        outage,
        new RedisStore(params.continueExceeding, params.exponentialBackoff, redis, nameSpace),
        new LocalStore(params.continueExceeding, params.exponentialBackoff, params.cache),
      );
    }
  } as unknown as FastifyRateLimitStoreCtor;
}
