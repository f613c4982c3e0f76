/**
 * What needs a person, as Prometheus gauges read from the store (RELIABILITY promise 5:
 * every failure visible in /metrics): open dead letters and open conflicts per mapping,
 * matches waiting for a person, mappings held by their create guard, inbox rows not done
 * per status. Any `serve` or `worker` answers the same numbers, since the store is
 * shared; alert on them, e.g. `frontback_dead_letters_open > 0` for 15 minutes.
 *
 * The counts are read at most once per `server.storeGaugeSeconds` (default 15 s), however
 * often /metrics is scraped, and concurrent scrapes share one read: counting costs the
 * store, and webhook intake shares it. A read that fails keeps the last values, sets
 * `frontback_store_gauges_failed` to 1 and is logged once until a read succeeds again.
 */
import type { Logger } from '../observability/logger.ts';
import { Gauge, type Registry } from '../observability/metrics.ts';
import type { InboxStatus, Store } from '../store/store.ts';
import { cacheFor } from './interval-cache.ts';

/** How the store's gauges are read. */
export interface StoreGaugeOptions {
  /** Read the store at most once per this many ms (`server.storeGaugeSeconds` × 1,000). */
  readonly everyMs: number;
  /** Epoch ms; default Date.now. */
  readonly clock?: () => number;
  /** Where a failed read is logged (once per failing streak). */
  readonly logger?: Logger;
}

/** The store's counts, as one read. */
interface StoreCounts {
  deadLetters: Record<string, number>;
  conflicts: Record<string, number>;
  held: Record<string, number>;
  matches: readonly { mappingId: string; kind: string; count: number }[];
  inbox: Partial<Record<InboxStatus, number>>;
  problems: Record<string, number>;
}

/** The counts read at most once per interval; the last good ones when a read fails. */
function cachedCounts(store: Store, options: StoreGaugeOptions, failed: Gauge): () => Promise<StoreCounts | undefined> {
  let last: StoreCounts | undefined;
  let failing = false;
  return cacheFor(options.everyMs, options.clock ?? Date.now, async () => {
    try {
      const [deadLetters, conflicts, held, matches, inbox, problems] = await Promise.all([
        store.deadLetters.countOpen(),
        store.conflicts.countOpen(),
        store.holds.listHeld(),
        store.matches.countOpen(),
        store.inbox.countOpen(),
        store.problems.countByMapping(),
      ]);
      last = {
        deadLetters,
        conflicts,
        held: Object.fromEntries(held.map((h) => [h.mappingId, 1])),
        matches,
        inbox,
        problems: Object.fromEntries(problems.map((c) => [c.mappingId, c.count])),
      };
      if (failing) options.logger?.info('store gauges: the store answers again');
      failing = false;
    } catch (err) {
      if (!failing)
        options.logger?.warn({ err }, 'store gauges: reading the store failed; /metrics keeps the last values');
      failing = true;
    }
    failed.set(failing ? 1 : 0);
    return last;
  });
}

/** Registers the store's gauges on `registry`. */
export function registerStoreGauges(registry: Registry, store: Store, options: StoreGaugeOptions): void {
  const failed = new Gauge({
    name: 'frontback_store_gauges_failed',
    help: "1 when the last read of the store's counts failed (the store gauges then show the last values read)",
    registers: [registry],
  });
  const counts = cachedCounts(store, options, failed);
  const perMapping = (name: string, help: string, pick: (c: StoreCounts) => Record<string, number>): void => {
    new Gauge({
      name,
      help,
      labelNames: ['mapping'] as const,
      registers: [registry],
      async collect() {
        const read = await counts();
        this.reset();
        for (const [mapping, n] of Object.entries(read ? pick(read) : {})) this.set({ mapping }, n);
      },
    });
  };
  perMapping(
    'frontback_dead_letters_open',
    'Changes a target refused, waiting for a replay or a discard, per mapping',
    (c) => c.deadLetters,
  );
  perMapping(
    'frontback_conflicts_open',
    'Fields parked for a person to decide (rule manual), per mapping',
    (c) => c.conflicts,
  );
  perMapping(
    'frontback_mappings_held',
    'Mappings held by their create guard until a person accepts (1 per held mapping)',
    (c) => c.held,
  );
  perMapping(
    'frontback_problems_open',
    'Fields left out of a write, per record, until synced, per mapping',
    (c) => c.problems,
  );
  new Gauge({
    name: 'frontback_matches_open',
    help: 'Records waiting for a person (ambiguous) or for their partner (waiting), per mapping and kind',
    labelNames: ['mapping', 'kind'] as const,
    registers: [registry],
    async collect() {
      const read = await counts();
      this.reset();
      for (const row of read?.matches ?? []) this.set({ mapping: row.mappingId, kind: row.kind }, row.count);
    },
  });
  new Gauge({
    name: 'frontback_inbox_open',
    help: 'Webhook deliveries not done yet, per status (pending, processing, failed)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const read = await counts();
      this.reset();
      for (const status of ['pending', 'processing', 'failed'] as const) this.set({ status }, read?.inbox[status] ?? 0);
    },
  });
}
