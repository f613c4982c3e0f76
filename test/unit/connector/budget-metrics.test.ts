/**
 * The budget gauges, collected from the connections' snapshots at each scrape: what the
 * vendor said is left and its size per window where it said, the rate limit in force for
 * every connection (with where it comes from).
 */
import { describe, expect, it } from 'vitest';
import type { BudgetSnapshot } from '../../../src/connector/budget.ts';
import { registerBudgetMetrics } from '../../../src/connector/budget-metrics.ts';
import { createMetricsRegistry } from '../../../src/observability/metrics.ts';

describe('registerBudgetMetrics', () => {
  it('exposes the latest budget of each connection at every scrape', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const snapshots: BudgetSnapshot[] = [
      {
        connection: 'hubspot',
        calls: 12,
        rateLimit: { requests: 190, perMs: 10_000 },
        rateLimitFrom: 'vendor',
        reserve: 0.2,
        vendor: {
          interval: { max: 190, remaining: 150, intervalMs: 10_000 },
          daily: { remaining: 999 },
          observedAt: 1,
        },
      },
      {
        connection: 'odoo',
        calls: 30,
        rateLimit: { requests: 10, perMs: 1_000 },
        rateLimitFrom: 'declared',
        reserve: 0.2,
      },
    ];
    registerBudgetMetrics(registry, () => snapshots);
    const text = await registry.metrics();
    expect(text).toContain('frontback_connector_budget_remaining{connection="hubspot",window="interval"} 150');
    expect(text).toContain('frontback_connector_budget_remaining{connection="hubspot",window="daily"} 999');
    expect(text).toContain('frontback_connector_budget_max{connection="hubspot",window="interval"} 190');
    expect(text).not.toContain('frontback_connector_budget_max{connection="hubspot",window="daily"}');
    expect(text).not.toMatch(/frontback_connector_budget_(remaining|max)\{connection="odoo"/);
    expect(text).toContain(
      'frontback_connector_rate_limit_requests{connection="hubspot",per_ms="10000",source="vendor"} 190',
    );
    expect(text).toContain(
      'frontback_connector_rate_limit_requests{connection="odoo",per_ms="1000",source="declared"} 10',
    );

    snapshots[0] = { ...snapshots[0]!, vendor: { interval: { max: 190, remaining: 7 }, observedAt: 2 } };
    const later = await registry.metrics();
    expect(later).toContain('frontback_connector_budget_remaining{connection="hubspot",window="interval"} 7');
    expect(later).not.toContain('window="daily"');
  });
});
