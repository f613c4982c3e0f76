/**
 * The connector contract, the shared HTTP client and their helpers: everything a
 * connector in connectors/ may import from src/.
 */
export * from './auth.ts';
export * from './budget.ts';
export * from './budget-metrics.ts';
export * from './call-context.ts';
export * from './connection.ts';
export * from './connector.ts';
export * from './cursor.ts';
export * from './define-connector.ts';
export * from './describe.ts';
export * from './errors.ts';
export * from './http-client.ts';
export * from './http-errors.ts';
export * from './http-metrics.ts';
export * from './http-options.ts';
export * from './json-body.ts';
export * from './rate-limit-plan.ts';
export * from './rate-limiter.ts';
export * from './records.ts';
export * from './registry.ts';
export * from './webhooks.ts';
export * from './writes.ts';
