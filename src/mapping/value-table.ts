/**
 * Value tables (`values: { map, default, strict }`): CRM value -> ERP value, and
 * the same table reversed for the way back. Built once into Maps. A table must
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
  /** ERP value -> CRM value; undefined when two CRM values share one ERP value. */
  readonly toCrm?: TransformFn;
}

const keyOf = (value: MappingValue): string => (typeof value === 'string' ? value : JSON.stringify(value));

function lookupFn(table: ReadonlyMap<string, MappingValue>, strict: boolean, fallback: MappingValue | undefined, way: string): TransformFn {
  const listed = [...table.keys()].slice(0, 8).join(', ');
  return (value) => {
    if (value === null) return null;
    const hit = table.get(keyOf(value));
    if (hit !== undefined) return hit;
    if (fallback !== undefined) return fallback;
    if (strict) throw new TransformError(`${JSON.stringify(value)} is not in the table (${way}; listed: ${listed})`, { transform: 'values' });
    return value;
  };
}

/**
 * Compiles `spec` at `path`. `bothWays` says the field flows both ways, which
 * needs the table to be one-to-one.
 */
export function compileTable(spec: ValuesSpec, path: YamlPath, bothWays: boolean, issues: CompileIssue[]): CompiledTable | undefined {
  const before = issues.length;
  if (spec.strict === true && spec.default !== undefined) {
    issues.push({ path: [...path, 'strict'], message: 'strict: true and a default contradict each other (with a default no value is refused); keep one' });
  }
  if (spec.strict === undefined && spec.default === undefined) {
    issues.push({ path, message: 'say what happens to a value the table does not list: add default: <value>, strict: true (refuse it) or strict: false (pass it unchanged)' });
  }
  const forward = new Map<string, MappingValue>();
  const backward = new Map<string, MappingValue>();
  let oneToOne = true;
  for (const [crm, erp] of Object.entries(spec.map)) {
    forward.set(crm, erp);
    const back = keyOf(erp);
    if (backward.has(back)) {
      oneToOne = false;
      if (bothWays) {
        issues.push({
          path: [...path, 'map', crm],
          message: `"${String(backward.get(back))}" and "${crm}" both map to ${JSON.stringify(erp)}, so the way back is ambiguous; make the field one-way (flow: crm->erp) or make the table one-to-one`,
        });
      }
    } else backward.set(back, crm);
  }
  if (issues.length > before) return undefined;
  const strict = spec.strict === true;
  const toErp = lookupFn(forward, strict, spec.default, 'crm -> erp');
  // The default is for the way to the ERP; on the way back an unlisted value follows `strict`.
  const toCrm = oneToOne ? lookupFn(backward, strict, undefined, 'erp -> crm') : undefined;
  return toCrm ? { toErp, toCrm } : { toErp };
}
