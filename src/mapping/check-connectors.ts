/**
 * Checks a mapping against the configuration and what connectors say about their
 * objects offline (descriptor `objects`, no network): connections exist, objects
 * exist, fields exist (top-level and in child collections), written fields can be
 * written (not read-only; a reference field gets a lookup), and what a rule gives a
 * target field fits its type (check-fit.ts), aggregates roll up fields that exist
 * (check-aggregates.ts). A connector without an offline
 * description is not an error: its fields are reported as not checked.
 */
import { didYouMean } from '../config/did-you-mean.ts';
import type { YamlPath } from '../config/yaml-source.ts';
import type { FieldType, ObjectDescription } from '../connector/describe.ts';
import { checkAggregates } from './check-aggregates.ts';
import { checkFit, type FitSide } from './check-fit.ts';
import { isFieldName } from './expression.ts';
import type { ChildSpec, FieldRuleSpec, Flow, MappingSpec, Side } from './spec.ts';
import type { CompileIssue } from './types.ts';

/** What validation knows about connections and connectors, without network. */
export interface ConnectorCatalog {
  /** Connection name -> connector kind, from the configuration. */
  readonly connections: ReadonlyMap<string, string>;
  /** Objects a connector kind describes offline; undefined when it gives no offline description. */
  objectsOf(kind: string): readonly ObjectDescription[] | undefined;
}

/** The outcome of {@link checkAgainstConnectors}. */
export interface ConnectorCheck {
  /** Problems, with paths into the mapping file. */
  readonly issues: CompileIssue[];
  /** Things that could not be checked (not errors). */
  readonly warnings: string[];
  /** Field type lookup for the sides that are described (for normalised equality). */
  readonly typeOf: (side: Side, field: string) => FieldType | undefined;
}

function flowOf(rule: FieldRuleSpec): Flow {
  if (rule.flow) return rule.flow;
  if (rule.aggregate) return (rule.aggregate.side ?? 'erp') === 'erp' ? 'erp->crm' : 'crm->erp';
  if (rule.crm !== undefined && !isFieldName(rule.crm)) return 'crm->erp';
  if (rule.erp !== undefined && !isFieldName(rule.erp)) return 'erp->crm';
  return 'both';
}

const MAX_LISTED = 20;

/** Options for a message: all of a short list, the first {@link MAX_LISTED} of a long one. */
function listOptions(options: readonly string[]): string {
  if (options.length <= MAX_LISTED) return options.join(', ');
  return `${options.slice(0, MAX_LISTED).join(', ')} and ${options.length - MAX_LISTED} more`;
}

/**
 * Values a table writes into an enum field must be among its options, in each direction
 * the field flows: for a both-way field the CRM values are the table's keys and the
 * values of `inverse` (what the way back writes), the ERP values the table's values, the
 * keys of `inverse` and `default`; for a one-way field the table's values and `default`
 * are the target's.
 */
function checkOptions(
  rule: FieldRuleSpec,
  side: Side,
  flow: Flow,
  options: readonly string[],
  what: string,
  path: YamlPath,
  issues: CompileIssue[],
): void {
  const table = rule.values;
  if (table === undefined) return;
  const landing: { value: unknown; path: YamlPath; at?: 'key' }[] = [];
  const entries = Object.entries(table.map);
  const inverse = Object.entries(table.inverse ?? {});
  if (flow === 'both' && side === 'crm') {
    landing.push(...entries.map(([key]) => ({ value: key, path: [...path, 'map', key], at: 'key' as const })));
    landing.push(...inverse.map(([key, value]) => ({ value, path: [...path, 'inverse', key] })));
  } else {
    landing.push(...entries.map(([key, value]) => ({ value, path: [...path, 'map', key] })));
    if (table.default !== undefined) landing.push({ value: table.default, path: [...path, 'default'] });
    if (flow === 'both') {
      landing.push(...inverse.map(([key]) => ({ value: key, path: [...path, 'inverse', key], at: 'key' as const })));
    }
  }
  for (const { value, path: at, at: where } of landing) {
    if (typeof value === 'string' && !options.includes(value)) {
      const message = `"${value}" is not an option of ${what}${didYouMean(value, options)} (options: ${listOptions(options)})`;
      issues.push({ path: at, message, ...(where ? { at: where } : {}) });
    }
  }
}

function checkFields(
  rules: readonly (FieldRuleSpec | undefined)[],
  base: YamlPath,
  side: Side,
  object: ObjectDescription,
  label: string,
  issues: CompileIssue[],
): void {
  const names = object.fields.map((f) => f.name);
  rules.forEach((rule, index) => {
    const text = rule?.[side];
    if (rule === undefined || text === undefined || !isFieldName(text)) return;
    const path: YamlPath = [...base, index, side];
    const field = object.fields.find((f) => f.name === text);
    if (!field) {
      issues.push({ path, message: `unknown field "${text}" in ${label}${didYouMean(text, names)}` });
      return;
    }
    const flow = flowOf(rule);
    const written = flow === 'both' || flow.endsWith(`->${side}`);
    if (written && field.readOnly) {
      issues.push({
        path,
        message: `${label} field "${text}" is read-only, but this rule writes it: use flow: ${side}->${side === 'crm' ? 'erp' : 'crm'}`,
      });
    }
    if (written && field.type === 'enum' && field.options && rule.values) {
      checkOptions(
        rule,
        side,
        flow,
        field.options.map((o) => o.value),
        `${label} field "${text}"`,
        [...base, index, 'values'],
        issues,
      );
    }
    if (written && field.type === 'reference' && rule.lookup === undefined) {
      issues.push({
        path,
        message: `${label} field "${text}" is a reference to ${field.reference?.object ?? 'another object'}: add lookup: (a mapping id, or { model, by })`,
      });
    }
  });
}

/**
 * The object a child collection's rules name fields of: the object a
 * `references` field of the parent lists (Odoo `order_line` -> sale.order.line),
 * else an object of that name on the same connector (HubSpot `line_items`,
 * associated to the deal).
 */
function childObject(
  child: ChildSpec,
  side: Side,
  parent: ObjectDescription,
  objects: readonly ObjectDescription[],
  kind: string,
  index: number,
  out: { issues: CompileIssue[]; warnings: string[] },
): ObjectDescription | undefined {
  const name = child[side];
  const field = parent.fields.find((f) => f.name === name);
  const target = field?.type === 'references' ? field.reference?.object : field === undefined ? name : undefined;
  const found = target === undefined ? undefined : objects.find((o) => o.name === target);
  if (found !== undefined) return found;
  const path: YamlPath = ['children', index, side];
  if (field !== undefined && field.type !== 'references') {
    out.issues.push({
      path,
      message:
        `${kind} ${parent.name} field "${name}" is not a collection (it is ${field.type}); ` +
        `a child collection is a field listing records (one2many) or an associated object`,
    });
  } else if (target !== undefined && target !== name) {
    out.warnings.push(
      `children[${index}] ${side} fields not checked: connector "${kind}" gives no offline description of ${target}`,
    );
  } else {
    const candidates = [
      ...parent.fields.filter((f) => f.type === 'references').map((f) => f.name),
      ...objects.map((o) => o.name),
    ];
    out.issues.push({
      path,
      message:
        `unknown collection "${name}" in ${kind} ${parent.name}${didYouMean(name, candidates)}: ` +
        `not a field of ${parent.name} that lists records, nor an object of the ${kind} connector`,
    });
  }
  return undefined;
}

/** Checks `spec` against `catalog`. */
export function checkAgainstConnectors(spec: MappingSpec, catalog: ConnectorCatalog): ConnectorCheck {
  const issues: CompileIssue[] = [];
  const warnings: string[] = [];
  const described: Partial<Record<Side, ObjectDescription>> = {};
  const fit: Partial<Record<Side, FitSide>> = {};
  const childFit: Partial<Record<Side, FitSide>>[] = (spec.children ?? []).map(() => ({}));
  const connectionNames = [...catalog.connections.keys()];
  for (const side of ['crm', 'erp'] as const) {
    const { connection, object } = spec.sides[side];
    const kind = catalog.connections.get(connection);
    if (kind === undefined) {
      const known = connectionNames.length === 0 ? 'none are configured' : `configured: ${connectionNames.join(', ')}`;
      issues.push({
        path: ['sides', side, 'connection'],
        message: `unknown connection "${connection}"${didYouMean(connection, connectionNames)} (${known})`,
      });
      continue;
    }
    const objects = catalog.objectsOf(kind);
    if (objects === undefined) {
      warnings.push(`${side} fields not checked: connector "${kind}" gives no offline description`);
      continue;
    }
    const found = objects.find((o) => o.name === object);
    if (!found) {
      issues.push({
        path: ['sides', side, 'object'],
        message: `unknown object "${object}" in ${kind}${didYouMean(
          object,
          objects.map((o) => o.name),
        )}`,
      });
      continue;
    }
    // Custom fields the file declares are taken as they are (their type is known only live).
    const custom = (spec.sides[side].custom ?? []).filter((n) => !found.fields.some((f) => f.name === n));
    const withCustom: ObjectDescription =
      custom.length === 0
        ? found
        : { ...found, fields: [...found.fields, ...custom.map((n) => ({ name: n, type: 'json' as const }))] };
    described[side] = found;
    const label = `${kind} ${object}`;
    fit[side] = { object: withCustom, label };
    checkFields(spec.fields, ['fields'], side, withCustom, label, issues);
    checkAggregates(spec.fields, side, found, objects, kind, issues);
    const names = withCustom.fields.map((f) => f.name);
    const checkMatchField = (field: string | undefined, path: YamlPath): void => {
      if (field === undefined || names.includes(field)) return;
      issues.push({ path, message: `unknown field "${field}" in ${label}${didYouMean(field, names)}` });
    };
    spec.match?.forEach((rule, index) => {
      checkMatchField(rule[side], ['match', index, side]);
      rule.all?.forEach((part, i) => checkMatchField(part[side], ['match', index, 'all', i, side]));
    });
    spec.children?.forEach((child, index) => {
      if (child === undefined) return;
      if (custom.includes(child[side])) {
        warnings.push(`children[${index}] ${side} fields not checked: "${child[side]}" is a custom field of ${label}`);
        return;
      }
      const rows = childObject(child, side, found, objects, kind, index, { issues, warnings });
      if (rows === undefined) return;
      const rowLabel = `${kind} ${rows.name}`;
      const at = childFit[index];
      if (at !== undefined) at[side] = { object: rows, label: rowLabel };
      checkFields(child.fields, ['children', index, 'fields'], side, rows, rowLabel, issues);
    });
  }
  // Type fit needs both sides; rules naming an unknown field were reported above and are skipped.
  checkFit(spec.fields, ['fields'], fit, flowOf, issues);
  spec.children?.forEach((child, index) => {
    const sides = childFit[index];
    if (child !== undefined && sides !== undefined)
      checkFit(child.fields, ['children', index, 'fields'], sides, flowOf, issues);
  });
  const typeOf = (side: Side, field: string): FieldType | undefined =>
    described[side]?.fields.find((f) => f.name === field)?.type;
  return { issues, warnings, typeOf };
}
