/**
 * One record explained by id: read through its side's connector and planned by the same
 * code as a pass's pages (plan.ts), then told field by field (explain.ts). What
 * `frontback explain` prints and the console's preview by id shows. Nothing is written
 * to either system, and the store is only read.
 */
import { ErrorCode, FrontbackError } from '../errors.ts';
import type { Side } from '../mapping/spec.ts';
import { explainPlan, type RecordExplanation } from './explain.ts';
import { planPage, type PlanContext } from './plan.ts';

/** What a pass would do with record `id` of `side`, and why; NOT_FOUND when the side has no such record. */
export async function explainRecord(ctx: PlanContext, side: Side, id: string): Promise<RecordExplanation> {
  const { mapping, connectors } = ctx;
  const object = mapping.sides[side].object;
  const [record] = await connectors[side].read(object, [id], undefined, { fieldTimes: mapping.conflicts === 'newest' });
  if (record === undefined)
    throw new FrontbackError(
      ErrorCode.NotFound,
      `no ${side} record ${id} in ${mapping.sides[side].connection} ${object} (deleted, archived, or another id)`,
      { details: { mapping: mapping.id, side, id } },
    );
  const { plans } = await planPage(ctx, side, [record]);
  const plan = plans[0];
  if (plan === undefined) throw new FrontbackError(ErrorCode.Internal, `planning ${side} record ${id} gave no plan`);
  return explainPlan(mapping, plan);
}
