import { Registry, collectDefaultMetrics } from 'prom-client';

export { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface MetricsOptions {
  /** Also collect Node.js process metrics (event loop lag, heap, GC). Default true. */
  defaultMetrics?: boolean;
  /** Labels added to every metric, e.g. `{ role: 'worker' }`. */
  defaultLabels?: Record<string, string>;
}

/**
 * Creates a Prometheus registry. Never prom-client's global `register`: tests,
 * the server and the worker each own their registry, so nothing leaks between them.
 */
export function createMetricsRegistry(options: MetricsOptions = {}): Registry {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'frontback_' });
  return registry;
}
