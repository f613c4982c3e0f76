/**
 * Prometheus metrics for vendor calls: request counts by connection, route and status
 * (429s and 5xx storms show up here), and latency.
 */
import { Counter, Histogram, type Registry } from '../observability/metrics.ts';
import type { RequestEvent } from './http-options.ts';

/**
 * Registers `frontback_connector_requests_total` and
 * `frontback_connector_request_duration_seconds` on `registry` and returns the
 * `onRequest` hook that feeds them. Call once per registry; share the hook.
 */
export function httpMetricsHook(registry: Registry): (event: RequestEvent) => void {
  const requests = new Counter({
    name: 'frontback_connector_requests_total',
    help: 'Vendor HTTP requests by connection, route and status (network = no response)',
    labelNames: ['connection', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'frontback_connector_request_duration_seconds',
    help: 'Vendor HTTP request latency in seconds',
    labelNames: ['connection', 'route'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return (event) => {
    requests.inc({ connection: event.connection, route: event.route, status: String(event.status) });
    duration.observe({ connection: event.connection, route: event.route }, event.durationMs / 1000);
  };
}
