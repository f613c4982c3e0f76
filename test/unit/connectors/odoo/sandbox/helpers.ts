/** Shared set-up for the Odoo sandbox tests: an empty ORM, or one with reference data. */
import { ManualClock } from '../../../../../src/connector/sandbox/clock.ts';
import { odooModels } from '../../../../../connectors/odoo/sandbox/models/index.ts';
import type { Env } from '../../../../../connectors/odoo/sandbox/orm/env.ts';
import { OdooOrm } from '../../../../../connectors/odoo/sandbox/orm/orm.ts';
import { Registry } from '../../../../../connectors/odoo/sandbox/orm/registry.ts';
import { seedOdoo } from '../../../../../connectors/odoo/sandbox/seed.ts';

/** 2025-03-01 12:00:00 UTC. */
export const T0 = Date.UTC(2025, 2, 1, 12, 0, 0);

/** An ORM on a manual clock; `reference` seeds countries, industries, locations (no partners). */
export function makeOrm(reference = true): { orm: OdooOrm; clock: ManualClock } {
  const clock = new ManualClock(T0);
  const orm = new OdooOrm(new Registry(odooModels()), clock);
  if (reference) seedOdoo(orm, { seed: 1, records: 0 });
  return { orm, clock };
}

/** Runs `fn` as admin in one transaction and returns its value. */
export function asAdmin<T>(orm: OdooOrm, fn: (env: Env) => T, context?: Record<string, unknown>): T {
  return orm.transaction({ uid: 2, canWrite: true, context }, fn).value;
}
