/**
 * Type fit: does what a field rule gives the target field suit that field's type?
 * Only mismatches that cannot work are reported (free text into a boolean, number,
 * date or enum field; a date into a number), each with what to add. HubSpot sends
 * every value as text, so a field the connector describes as a number counts as a
 * number whatever its wire form; an expression, a lookup, an aggregate, or a
 * transform whose output depends on its input (`default`, `map`) is not judged.
 */
import type { YamlPath } from '../config/yaml-source.ts';
import type { FieldDescription, FieldType, ObjectDescription } from '../connector/describe.ts';
import { isFieldName } from './expression.ts';
import type { FieldRuleSpec, Flow, Side, TransformSpec } from './spec.ts';
import { TRANSFORMS, type TransformOutput } from './transforms/index.ts';
import type { CompileIssue } from './types.ts';

/** A value's kind as far as it is known: a field type, or a transform's output. */
type Kind = FieldType | TransformOutput;

/** What gives the value, for messages: `hubspot contacts field "firstname"`, `transform "trim"`. */
interface Given {
  readonly kind: Kind;
  readonly what: string;
  /** Options of an enum source. */
  readonly options?: readonly string[];
}

/** One side's described object and its label (`odoo res.partner`). */
export interface FitSide {
  /** The object the side's field names belong to. */
  readonly object: ObjectDescription;
  /** `<connector kind> <object>`, as in other messages. */
  readonly label: string;
}

const other = (side: Side): Side => (side === 'crm' ? 'erp' : 'crm');

const WORDS: Readonly<Record<Kind, string>> = {
  string: 'text',
  text: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'a boolean',
  date: 'a date',
  datetime: 'a date-time',
  enum: 'one of a list of options',
  reference: 'a reference',
  references: 'references',
  json: 'a structured value',
  list: 'a list',
};

const isText = (kind: Kind): boolean => kind === 'string' || kind === 'text';
const NUMERIC = /^[+-]?\d+(\.\d+)?$/;

/** The last step's name of a `transform:` entry. */
function lastStep(spec: TransformSpec): string | undefined {
  const step = Array.isArray(spec) ? spec.at(-1) : spec;
  if (typeof step === 'string') return step;
  const keys = step === undefined ? [] : Object.keys(step);
  return keys.length === 1 ? keys[0] : undefined;
}

/** The kind a value table writes (crm -> erp, or a one-way field's way), when all its values agree. */
function tableKind(rule: FieldRuleSpec): Kind | undefined {
  const values = [...Object.values(rule.values?.map ?? {}), rule.values?.default].filter(
    (v) => v !== undefined && v !== null,
  );
  const kinds = new Set(values.map((v) => typeof v));
  if (kinds.size !== 1) return undefined;
  const [only] = kinds;
  return only === 'boolean' ? 'boolean' : only === 'number' ? 'number' : only === 'string' ? 'string' : undefined;
}

/** What the rule gives the target on the way from `from`, when it can be known. */
function given(
  rule: FieldRuleSpec,
  flow: Flow,
  from: Side,
  source: FieldDescription | undefined,
  sourceLabel: string,
): Given | undefined {
  if (rule.lookup !== undefined || rule.aggregate !== undefined) return undefined;
  const forward = flow !== 'both' || from === 'crm';
  const steps = forward ? rule.transform : rule.inverse;
  if (forward || rule.inverse !== undefined) {
    if (steps !== undefined) {
      const name = lastStep(steps);
      const output = name === undefined ? undefined : TRANSFORMS.get(name)?.output;
      return output === undefined ? undefined : { kind: output, what: `transform "${name}"` };
    }
    if (forward && rule.values !== undefined) {
      const kind = tableKind(rule);
      return kind === undefined ? undefined : { kind, what: 'the value table' };
    }
  } else if (rule.transform !== undefined || rule.values !== undefined) {
    // The way back goes through inverses, whose output follows the other side's type.
    return undefined;
  }
  if (source === undefined) return undefined;
  const what = `${sourceLabel} field "${source.name}"`;
  return source.type === 'enum' && source.options
    ? { kind: 'enum', what, options: source.options.map((o) => o.value) }
    : { kind: source.type, what };
}

/** The problem with feeding `target` with `value`, and what to add; undefined when it can work. */
function misfit(target: FieldDescription, value: Given, rule: FieldRuleSpec): string | undefined {
  const { kind } = value;
  switch (target.type) {
    case 'boolean':
      if (isText(kind)) return 'add transform: boolean';
      if (kind === 'enum') return 'add values: { map: { <option>: true, ... }, default: false }';
      if (kind === 'date' || kind === 'datetime' || kind === 'list')
        return 'use an expression that gives true or false';
      return undefined;
    case 'number':
    case 'integer':
      if (isText(kind)) return 'add transform: number';
      if (kind === 'enum' && !(value.options ?? []).every((o) => NUMERIC.test(o)))
        return 'add values: { map: { <option>: <number>, ... }, strict: true }';
      if (kind === 'date' || kind === 'datetime' || kind === 'list') return 'use an expression that gives a number';
      return undefined;
    case 'date':
    case 'datetime':
      if (isText(kind)) return `add transform: { ${target.type}: { from: <its format, e.g. iso or dd/MM/yyyy> } }`;
      if (kind === 'boolean' || kind === 'enum' || kind === 'list')
        return `use an expression that gives ${WORDS[target.type]}`;
      return undefined;
    case 'enum': {
      if (rule.values !== undefined) return undefined;
      const options = (target.options ?? []).map((o) => o.value);
      if (isText(kind))
        return `add values: { map: { <value>: <option>, ... }, strict: true } (options: ${options.join(', ')})`;
      if (kind === 'enum') {
        const missing = (value.options ?? []).filter((o) => !options.includes(o));
        if (missing.length > 0)
          return (
            `its options ${missing.map((o) => `"${o}"`).join(', ')} are not options here: ` +
            `add values: { map: { ... }, strict: true } (options: ${options.join(', ')})`
          );
      }
      if (kind === 'boolean' || kind === 'date' || kind === 'datetime' || kind === 'list')
        return `add values: { map: { ... }, strict: true } (options: ${options.join(', ')})`;
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Checks every rule of `rules` (top-level fields or a child collection's, under
 * `base`) whose two sides are described, in each direction the rule flows.
 */
export function checkFit(
  rules: readonly (FieldRuleSpec | undefined)[],
  base: YamlPath,
  sides: Partial<Record<Side, FitSide>>,
  flowOf: (rule: FieldRuleSpec) => Flow,
  issues: CompileIssue[],
): void {
  rules.forEach((rule, index) => {
    if (rule === undefined) return;
    const flow = flowOf(rule);
    for (const target of ['crm', 'erp'] as const) {
      const from = other(target);
      if (flow !== 'both' && flow !== `${from}->${target}`) continue;
      const into = sides[target];
      const targetName = rule[target];
      if (into === undefined || targetName === undefined || !isFieldName(targetName)) continue;
      const field = into.object.fields.find((f) => f.name === targetName);
      if (field === undefined) continue;
      const sourceName = rule[from];
      const source =
        sourceName !== undefined && isFieldName(sourceName)
          ? sides[from]?.object.fields.find((f) => f.name === sourceName)
          : undefined;
      const value = given(rule, flow, from, source, sides[from]?.label ?? from);
      if (value === undefined || value.kind === 'json') continue;
      const fix = misfit(field, value, rule);
      if (fix === undefined) continue;
      const message = `${into.label} field "${targetName}" takes ${WORDS[field.type]}, but ${value.what} gives ${WORDS[value.kind]}: ${fix}`;
      issues.push({ path: [...base, index, target], message });
    }
  });
}
