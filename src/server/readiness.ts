/**
 * What `/readyz` checks, per role: a process that takes webhooks is ready when its store
 * can write (a write probe: an acknowledged webhook must be kept), whatever Redis does
 * (intake does not need it); a worker is ready when its store answers and its queue
 * answers. The probes are cached a few seconds, so many replicas and frequent probes do
 * not contend with real writes. The answer names what failed.
 */
import type { Store } from '../store/store.ts';
import { cacheFor } from './interval-cache.ts';

/** How long one write probe's outcome is reused, ms. */
export const WRITE_PROBE_CACHE_MS = 5_000;

/** One thing /readyz checks. */
export interface ReadinessCheck {
  /** What is checked, as /readyz names it: `store`, `queue`. */
  readonly name: string;
  /** Resolves with a short word on what holds (the store's kind), rejects with what does not. */
  check(): Promise<string>;
}

/** What /readyz answers. */
export interface Readiness {
  readonly ready: boolean;
  /** Per check: what holds, or what failed. */
  readonly checks: Record<string, string>;
  /** `<name>: <why>` of each failed check. */
  readonly problems: readonly string[];
}

/** The store takes writes (a process that takes webhooks): {@link Store.probeWrite}, cached. */
export function storeWritable(store: Store, options: { cacheMs?: number; clock?: () => number } = {}): ReadinessCheck {
  const probe = cacheFor(options.cacheMs ?? WRITE_PROBE_CACHE_MS, options.clock ?? Date.now, () => store.probeWrite());
  return {
    name: 'store',
    async check() {
      try {
        await probe();
      } catch (err) {
        throw new Error(`cannot write: ${messageOf(err)}`, { cause: err });
      }
      return store.kind;
    },
  };
}

/** The store answers a read (a worker). */
export function storeAnswers(store: Store): ReadinessCheck {
  return {
    name: 'store',
    async check() {
      if (!(await store.ping().catch(() => false))) throw new Error('does not answer');
      return store.kind;
    },
  };
}

/** The queue answers (a worker: no job is taken without it); `ping` rejects with why not. */
export function queueAnswers(kind: string, ping: () => Promise<void>): ReadinessCheck {
  return {
    name: 'queue',
    async check() {
      try {
        await ping();
      } catch (err) {
        throw new Error(`does not answer: ${messageOf(err)}`, { cause: err });
      }
      return kind;
    },
  };
}

/** Runs every check at once. */
export async function readiness(checks: readonly ReadinessCheck[]): Promise<Readiness> {
  const outcomes = await Promise.allSettled(checks.map((c) => c.check()));
  const entries = checks.map((c, i): [string, string, boolean] => {
    const outcome = outcomes[i];
    return outcome?.status === 'fulfilled'
      ? [c.name, outcome.value, true]
      : [c.name, messageOf(outcome?.reason), false];
  });
  const failed = entries.filter(([, , ok]) => !ok);
  return {
    ready: failed.length === 0,
    checks: Object.fromEntries(entries.map(([name, what]) => [name, what])),
    problems: failed.map(([name, why]) => `${name}: ${why}`),
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
