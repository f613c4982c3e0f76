/**
 * What needs a person, as Prometheus gauges read from the store when /metrics is scraped
 * (RELIABILITY promise 5: every failure visible in /metrics): open dead letters and open
 * conflicts per mapping, matches waiting for a person, mappings held by their create
 * guard, inbox rows not done per status. Any `serve` or `worker` answers
 * the same numbers, since the store is shared; alert on them, e.g.
 * `frontback_dead_letters_open > 0` for 15 minutes.
 */
import { Gauge, type Registry } from '../observability/metrics.ts';
import type { Store } from '../store/store.ts';

/** Registers the store's gauges on `registry`. */
export function registerStoreGauges(registry: Registry, store: Store): void {
  const perMapping = (name: string, help: string, read: () => Promise<Record<string, number>>): void => {
    new Gauge({
      name,
      help,
      labelNames: ['mapping'] as const,
      registers: [registry],
      async collect() {
        const counts = await read().catch(() => undefined);
        this.reset();
        for (const [mapping, n] of Object.entries(counts ?? {})) this.set({ mapping }, n);
      },
    });
  };
  perMapping(
    'frontback_dead_letters_open',
    'Changes a target refused, waiting for a replay or a discard, per mapping',
    () => store.deadLetters.countOpen(),
  );
  perMapping('frontback_conflicts_open', 'Fields parked for a person to decide (rule manual), per mapping', () =>
    store.conflicts.countOpen(),
  );
  perMapping(
    'frontback_mappings_held',
    'Mappings held by their create guard until a person accepts (1 per held mapping)',
    async () => Object.fromEntries((await store.holds.listHeld()).map((h) => [h.mappingId, 1])),
  );
  new Gauge({
    name: 'frontback_matches_open',
    help: 'Records waiting for a person (ambiguous) or for their partner (waiting), per mapping and kind',
    labelNames: ['mapping', 'kind'] as const,
    registers: [registry],
    async collect() {
      const rows = await store.matches.countOpen().catch(() => undefined);
      this.reset();
      for (const row of rows ?? []) this.set({ mapping: row.mappingId, kind: row.kind }, row.count);
    },
  });
  new Gauge({
    name: 'frontback_inbox_open',
    help: 'Webhook deliveries not done yet, per status (pending, processing, failed)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const counts = await store.inbox.countOpen().catch(() => undefined);
      this.reset();
      for (const status of ['pending', 'processing', 'failed'] as const) this.set({ status }, counts?.[status] ?? 0);
    },
  });
}
