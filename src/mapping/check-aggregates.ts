/**
 * Checks the aggregates of a mapping (`aggregate: { from, by, sum, where }`) against
 * what the connector of their side describes offline: the object rolled up exists,
 * `by` is a field of it that references the mapped object, the summed (or min/max)
 * field exists and holds numbers (dates for min/max too), and the fields `where`
 * reads exist. Called by check-connectors.ts for each described side.
 */
import { didYouMean } from '../config/did-you-mean.ts';
import type { YamlPath } from '../config/yaml-source.ts';
import type { FieldType, ObjectDescription } from '../connector/describe.ts';
import { createExpressionCompiler } from './expression.ts';
import type { FieldRuleSpec, Side } from './spec.ts';
import type { CompileIssue } from './types.ts';

const NUMERIC: readonly FieldType[] = ['number', 'integer'];
const ORDERED: readonly FieldType[] = [...NUMERIC, 'date', 'datetime'];

/** Checks the aggregates on `side` of `rules` (at `fields[i]`); `mapped` is the side's object, `objects` its connector's. */
export function checkAggregates(
  rules: readonly (FieldRuleSpec | undefined)[],
  side: Side,
  mapped: ObjectDescription,
  objects: readonly ObjectDescription[],
  kind: string,
  issues: CompileIssue[],
): void {
  const compile = createExpressionCompiler();
  rules.forEach((rule, index) => {
    const agg = rule?.aggregate;
    if (agg === undefined || (agg.side ?? 'erp') !== side) return;
    const path: YamlPath = ['fields', index, 'aggregate'];
    const from = objects.find((o) => o.name === agg.from);
    if (from === undefined) {
      issues.push({
        path: [...path, 'from'],
        message: `unknown object "${agg.from}" in ${kind}${didYouMean(
          agg.from,
          objects.map((o) => o.name),
        )}`,
      });
      return;
    }
    const label = `${kind} ${from.name}`;
    const names = from.fields.map((f) => f.name);
    const field = (name: string, key: string): ReturnType<typeof from.fields.find> => {
      const found = from.fields.find((f) => f.name === name);
      if (found === undefined)
        issues.push({ path: [...path, key], message: `unknown field "${name}" in ${label}${didYouMean(name, names)}` });
      return found;
    };
    const by = field(agg.by, 'by');
    if (agg.key !== undefined) {
      // The rows hold a field of the record (an order's name), not a reference to it.
      if (!mapped.fields.some((f) => f.name === agg.key)) {
        issues.push({
          path: [...path, 'key'],
          message: `unknown field "${agg.key}" in ${kind} ${mapped.name}${didYouMean(
            agg.key,
            mapped.fields.map((f) => f.name),
          )}`,
        });
      }
    } else if (
      by !== undefined &&
      (by.type !== 'reference' || (by.reference !== undefined && by.reference.object !== mapped.name))
    ) {
      const is = by.type === 'reference' ? `a reference to ${by.reference?.object ?? 'another object'}` : `${by.type}`;
      issues.push({
        path: [...path, 'by'],
        message:
          `${label} field "${agg.by}" is ${is}, not a reference to ${mapped.name}: by: ` +
          `names the field of each ${from.name} row that points to the mapped record`,
      });
    }
    if (agg.latest !== undefined) field(agg.latest, 'latest');
    if (agg.order !== undefined) field(agg.order, 'order');
    for (const op of ['sum', 'min', 'max'] as const) {
      const name = agg[op];
      if (name === undefined) continue;
      const found = field(name, op);
      const allowed = op === 'sum' ? NUMERIC : ORDERED;
      if (found !== undefined && !allowed.includes(found.type)) {
        issues.push({
          path: [...path, op],
          message: `${label} field "${name}" is ${found.type}; ${op} needs ${op === 'sum' ? 'numbers' : 'numbers or dates'}`,
        });
      }
    }
    if (agg.where !== undefined) {
      const compiled = compile(agg.where);
      // A syntax error is reported by the compiler, with its offset.
      if (!compiled.ok) return;
      const unknown = compiled.fields.filter((f) => !names.includes(f));
      for (const name of unknown)
        issues.push({
          path: [...path, 'where'],
          message: `unknown field "${name}" in ${label}${didYouMean(name, names)}`,
        });
    }
  });
}
