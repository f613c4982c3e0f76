/**
 * Prometheus gauges of each connection's API budget, read from the connectors' budget
 * snapshots when scraped: what the vendor says is left and its size per window (interval,
 * daily) where it says, and the client-side rate limit in force. Calls made per connection
 * are `frontback_connector_requests_total` (http-metrics.ts), summed by connection.
 */
import { Gauge, type Registry } from '../observability/metrics.ts';
import type { BudgetSnapshot } from './budget.ts';

/**
 * Registers `frontback_connector_budget_remaining`, `frontback_connector_budget_max` and
 * `frontback_connector_rate_limit_requests` on `registry`, collected from `snapshots()` at
 * each scrape. Call once per registry.
 */
export function registerBudgetMetrics(registry: Registry, snapshots: () => Iterable<BudgetSnapshot>): void {
  const windows = (snapshot: BudgetSnapshot) => {
    const vendor = snapshot.vendor;
    return [
      { window: 'interval', max: vendor?.interval?.max, remaining: vendor?.interval?.remaining },
      { window: 'daily', max: vendor?.daily?.max, remaining: vendor?.daily?.remaining },
    ];
  };
  // One gauge per figure the vendor announces, by connection and window.
  const windowGauge = (
    name: string,
    help: string,
    pick: (w: ReturnType<typeof windows>[number]) => number | undefined,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['connection', 'window'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const snapshot of snapshots())
          for (const w of windows(snapshot)) {
            const value = pick(w);
            if (value !== undefined) this.set({ connection: snapshot.connection, window: w.window }, value);
          }
      },
    });
  windowGauge(
    'frontback_connector_budget_remaining',
    "Requests left in the vendor's budget by connection and window (interval, daily), as the vendor last said",
    (w) => w.remaining,
  );
  windowGauge(
    'frontback_connector_budget_max',
    'Requests the vendor allows by connection and window (interval, daily), as the vendor last said',
    (w) => w.max,
  );
  new Gauge({
    name: 'frontback_connector_rate_limit_requests',
    help: 'Client-side rate limit in force by connection: requests per window of per_ms ms, and where it comes from (declared, connection, vendor)',
    labelNames: ['connection', 'per_ms', 'source'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const snapshot of snapshots())
        this.set(
          { connection: snapshot.connection, per_ms: String(snapshot.rateLimit.perMs), source: snapshot.rateLimitFrom },
          snapshot.rateLimit.requests,
        );
    },
  });
}
