/**
 * Runs the `examples:` of a mapping like tests: each input record is translated
 * for the other side and the patch must be exactly `expect`. Lookups are answered
 * from the example's `resolve:` table (`"<mapping or model>:<value>": result`; an aggregate
 * may be named finely, `"<object>.<op>[.<field>]:<value>"`, when a mapping has several);
 * anything else resolves to nothing, as an unlinked record would.
 */
import stringify from 'safe-stable-stringify';
import type { YamlPath } from '../config/yaml-source.ts';
import type { ExampleSpec } from './spec.ts';
import type { MappingValue } from './transforms/index.ts';
import type { CompiledMapping, CompileIssue, LookupRequest, Resolver } from './types.ts';

const show = (value: unknown): string => {
  const text = stringify(value) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** The key an example's `resolve:` table uses for a lookup. */
export function exampleLookupKey(lookup: LookupRequest, value: MappingValue): string {
  const scope = lookup.kind === 'link' ? lookup.mapping : lookup.kind === 'reference' ? lookup.model : lookup.from;
  return `${scope}:${typeof value === 'string' ? value : (stringify(value) ?? '')}`;
}

/** The finer key of an aggregate (`account.move.count:S00012`, `account.move.latest.name:S00012`), for mappings with several. */
function aggregateKey(lookup: Extract<LookupRequest, { kind: 'aggregate' }>, value: MappingValue): string {
  return `${lookup.from}.${lookup.op}${lookup.field === undefined ? '' : `.${lookup.field}`}:${typeof value === 'string' ? value : (stringify(value) ?? '')}`;
}

/**
 * Answers lookups from a table keyed `<mapping or model>:<value>` (the `resolve:` of
 * examples, `frontback preview --resolve`, the console's preview); an aggregate may be
 * keyed finer (`account.move.count:S00012`). A value the table does not hold is not found.
 */
export function exampleResolver(table: Readonly<Record<string, MappingValue>> | undefined): Resolver {
  return (lookup, value) => {
    if (!table) return undefined;
    const fine = lookup.kind === 'aggregate' ? aggregateKey(lookup, value) : undefined;
    if (fine !== undefined && Object.hasOwn(table, fine)) return table[fine];
    const key = exampleLookupKey(lookup, value);
    return Object.hasOwn(table, key) ? table[key] : undefined;
  };
}

/** Runs every example; a failing one becomes an issue at the place that differs. */
export function runExamples(mapping: CompiledMapping, examples: readonly ExampleSpec[]): CompileIssue[] {
  const issues: CompileIssue[] = [];
  examples.forEach((example, index) => {
    const base: YamlPath = ['examples', index];
    const target = example.from === 'crm' ? 'erp' : 'crm';
    let result;
    try {
      result = mapping.toPatch(
        mapping.toCanonical(example.input, example.from),
        target,
        exampleResolver(example.resolve),
      );
    } catch (err) {
      issues.push({ path: [...base, 'input'], message: `example fails: ${(err as Error).message}` });
      return;
    }
    for (const problem of result.problems) {
      issues.push({
        path: [...base, 'input'],
        message: `example fails: ${problem.path} (${problem.field}): ${problem.message}`,
      });
    }
    const expect = example.expect;
    for (const [key, want] of Object.entries(expect)) {
      if (!Object.hasOwn(result.patch, key)) {
        issues.push({
          path: [...base, 'expect', key],
          message: `example fails: expected ${key} = ${show(want)}, but the patch does not set ${key}`,
        });
      } else if (stringify(result.patch[key]) !== stringify(want)) {
        issues.push({
          path: [...base, 'expect', key],
          message: `example fails: expected ${show(want)}, got ${show(result.patch[key])}`,
        });
      }
    }
    for (const key of Object.keys(result.patch)) {
      if (!Object.hasOwn(expect, key)) {
        issues.push({
          path: [...base, 'expect'],
          message: `example fails: the patch also sets ${key} = ${show(result.patch[key])}; add it to expect`,
        });
      }
    }
  });
  return issues;
}
