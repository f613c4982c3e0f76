import { describe, expect, it } from 'vitest';
import { Counter, createMetricsRegistry } from '../../../src/observability/metrics.ts';

describe('createMetricsRegistry', () => {
  it('gives each caller its own registry (nothing shared globally)', async () => {
    const a = createMetricsRegistry({ defaultMetrics: false });
    const b = createMetricsRegistry({ defaultMetrics: false });
    const counter = new Counter({ name: 'frontback_test_total', help: 'test', registers: [a] });
    counter.inc(3);
    expect(await a.metrics()).toContain('frontback_test_total 3');
    expect(await b.metrics()).not.toContain('frontback_test_total');
  });

  it('collects process metrics with the frontback_ prefix and default labels', async () => {
    const reg = createMetricsRegistry({ defaultLabels: { role: 'worker' } });
    const text = await reg.metrics();
    expect(text).toMatch(/frontback_process_cpu_user_seconds_total\{role="worker"\}/);
  });
});
