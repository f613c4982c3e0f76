/**
 * Value tables (`values: { map, inverse, default, strict }`): CRM value -> ERP value,
 * and the same table reversed for the way back (`inverse` choosing where several CRM
 * values share one ERP value). Built once into Maps. A table must
 * say what happens to a value it does not list (`default`, or `strict: true` to
 * refuse it, or `strict: false` to pass it through), so nothing passes silently by
 * accident.
 */
import type { YamlPath } from '../config/yaml-source.ts';
import type { ValuesSpec } from './spec.ts';
import { TransformError, type MappingValue, type TransformFn } from './transforms/index.ts';
import type { CompileIssue } from './types.ts';

/** A compiled table. */
export interface CompiledTable {
  /** CRM value -> ERP value. */
  readonly toErp: TransformFn;
  /** ERP value -> CRM value; undefined when two CRM values share one ERP value and `inverse` does not choose. */
  readonly toCrm?: TransformFn;
}

const keyOf = (value: MappingValue): string => (typeof value === 'string' ? value : JSON.stringify(value));

function lookupFn(
  table: ReadonlyMap<string, MappingValue>,
  strict: boolean,
  fallback: MappingValue | undefined,
  way: string,
): TransformFn {
  const listed = [...table.keys()].slice(0, 8).join(', ');
  return (value) => {
    if (value === null) return null;
    const hit = table.get(keyOf(value));
    if (hit !== undefined) return hit;
    if (fallback !== undefined) return fallback;
    if (strict)
      throw new TransformError(`${JSON.stringify(value)} is not in the table (${way}; listed: ${listed})`, {
        transform: 'values',
      });
    return value;
  };
}

const quoted = (values: readonly string[]): string => values.map((v) => JSON.stringify(v)).join(', ');

/**
 * The way back (ERP value -> CRM value): the table reversed, with `inverse` choosing one
 * CRM value where several map to one ERP value. An `inverse` entry must name a CRM value
 * that maps to its ERP value: any other would be translated to a different ERP value on
 * the next sync, and the record would flip between the two.
 */
function backwardTable(
  spec: ValuesSpec,
  path: YamlPath,
  bothWays: boolean,
  issues: CompileIssue[],
): Map<string, MappingValue> | undefined {
  const sources = new Map<string, string[]>();
  const shown = new Map<string, string>();
  for (const [crm, erp] of Object.entries(spec.map)) {
    const back = keyOf(erp);
    sources.set(back, [...(sources.get(back) ?? []), crm]);
    shown.set(back, JSON.stringify(erp));
  }
  const chosen = new Map<string, MappingValue>();
  for (const [erp, crm] of Object.entries(spec.inverse ?? {})) {
    const at: YamlPath = [...path, 'inverse', erp];
    if (!bothWays) {
      const message =
        'inverse: is the way back (erp -> crm) of a field that flows both ways; this field flows one way: remove it';
      issues.push({ path: [...path, 'inverse'], message, at: 'key' });
      return undefined;
    }
    const from = sources.get(erp) ?? [];
    const forward = typeof crm === 'string' && Object.hasOwn(spec.map, crm) ? spec.map[crm] : undefined;
    if (forward !== undefined && keyOf(forward) === erp) {
      chosen.set(erp, crm);
      continue;
    }
    const choose =
      from.length > 0
        ? `choose one of ${quoted(from)}`
        : `no CRM value maps to ${JSON.stringify(erp)}: add one to map:`;
    const why =
      forward === undefined
        ? `${JSON.stringify(crm)} is not listed in map:, so the next sync would not give ${JSON.stringify(erp)} back`
        : `${JSON.stringify(crm)} maps to ${JSON.stringify(forward)}: the value would flip on every sync`;
    issues.push({
      path: at,
      message: `the way back gives ${JSON.stringify(crm)} for ${JSON.stringify(erp)}, but ${why}; ${choose}`,
    });
  }
  const backward = new Map<string, MappingValue>();
  let oneToOne = true;
  for (const [erp, from] of sources) {
    const pick = chosen.get(erp);
    if (pick !== undefined) backward.set(erp, pick);
    else if (from.length === 1) backward.set(erp, from[0] as string);
    else {
      oneToOne = false;
      if (bothWays) {
        issues.push({
          path: [...path, 'map', from[1] as string],
          message:
            `${shown.get(erp) ?? erp} comes from ${quoted(from)}, so the way back (erp -> crm) cannot choose: ` +
            `add inverse: { ${JSON.stringify(erp)}: <one of them> }, or make the field one-way (flow: crm->erp)`,
        });
      }
    }
  }
  return oneToOne ? backward : undefined;
}

/**
 * Compiles `spec` at `path`. `bothWays` says the field flows both ways, which
 * needs a way back: the table one-to-one, or settled by `inverse`.
 */
export function compileTable(
  spec: ValuesSpec,
  path: YamlPath,
  bothWays: boolean,
  issues: CompileIssue[],
): CompiledTable | undefined {
  const before = issues.length;
  if (spec.strict === true && spec.default !== undefined) {
    issues.push({
      path: [...path, 'strict'],
      message: 'strict: true and a default contradict each other (with a default no value is refused); keep one',
    });
  }
  if (spec.strict === undefined && spec.default === undefined) {
    issues.push({
      path,
      message:
        'say what happens to a value the table does not list: add default: <value>, strict: true (refuse it) or strict: false (pass it unchanged)',
    });
  }
  const forward = new Map<string, MappingValue>(Object.entries(spec.map));
  const backward = backwardTable(spec, path, bothWays, issues);
  if (issues.length > before) return undefined;
  const strict = spec.strict === true;
  const toErp = lookupFn(forward, strict, spec.default, 'crm -> erp');
  // The default is for the way to the ERP; on the way back an unlisted value follows `strict`.
  const toCrm = backward ? lookupFn(backward, strict, undefined, 'erp -> crm') : undefined;
  return toCrm ? { toErp, toCrm } : { toErp };
}
