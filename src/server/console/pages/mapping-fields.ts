/**
 * A mapping's field rules as rows of a table, for the mapping page: the CRM field, the way
 * it flows, the transform, value table, lookup or roll-up between, the ERP field, and the
 * side that owns it (wins when both changed it). Read from the file's spec when there is
 * one; from the compiled mapping alone (names, flows, owners) when the file is not at hand.
 */
import type {
  AggregateSpec,
  FieldRuleSpec,
  Flow,
  LookupSpec,
  MappingSpec,
  TransformSpec,
} from '../../../mapping/spec.ts';
import type { CompiledMapping } from '../../../mapping/types.ts';

/** One row of the fields table. */
export interface FieldRow {
  /** The field rule's name (its key in traces and conflicts); `children.<collection>.<name>` in a child collection. */
  readonly name: string;
  readonly crm: string;
  readonly erp: string;
  readonly flow: Flow;
  /** Arrow for people: ↔, →, ←. */
  readonly arrow: string;
  /** Transform, value table, lookup or roll-up between the two sides, as words; empty when the value passes as it is. */
  readonly between: string;
  /** The side that wins when both changed the field; empty: the mapping's conflict rule decides. */
  readonly owner: string;
}

const ARROW: Readonly<Record<Flow, string>> = { both: '↔', 'crm->erp': '→', 'erp->crm': '←' };

function transformText(t: TransformSpec): string {
  const steps = Array.isArray(t) ? t : [t];
  return steps.map((s) => (typeof s === 'string' ? s : JSON.stringify(s))).join(', ');
}

function lookupText(l: LookupSpec): string {
  return typeof l === 'string' ? `lookup: links of ${l}` : `lookup: ${l.model} by ${l.by}`;
}

function aggregateText(a: AggregateSpec): string {
  const op = a.count
    ? 'count'
    : a.sum
      ? `sum ${a.sum}`
      : a.min
        ? `min ${a.min}`
        : a.max
          ? `max ${a.max}`
          : `latest ${a.latest ?? ''}`;
  return `roll-up: ${op} of ${a.from} by ${a.by}${a.where ? ` where ${a.where}` : ''}`;
}

function betweenText(f: FieldRuleSpec): string {
  const parts: string[] = [];
  if (f.transform !== undefined) parts.push(`transform: ${transformText(f.transform)}`);
  if (f.inverse !== undefined) parts.push(`back: ${transformText(f.inverse)}`);
  if (f.values !== undefined) parts.push(`values: ${Object.keys(f.values.map).length} listed`);
  if (f.lookup !== undefined) parts.push(lookupText(f.lookup));
  if (f.aggregate !== undefined) parts.push(aggregateText(f.aggregate));
  if (f.default !== undefined) parts.push(`default: ${JSON.stringify(f.default)}`);
  return parts.join('; ');
}

function row(f: FieldRuleSpec, name: string, flow: Flow, owner: string | undefined): FieldRow {
  return {
    name,
    crm: f.crm ?? '',
    erp: f.erp ?? '',
    flow,
    arrow: ARROW[flow],
    between: betweenText(f),
    owner: owner ?? '',
  };
}

/** The rows of `spec` (the file), with flows and owners as `compiled` (the same file, compiled) says. */
export function fieldRowsOfSpec(spec: MappingSpec, compiled: CompiledMapping): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const f of spec.fields) {
    if (f === undefined) continue;
    const name = f.name ?? f.crm ?? f.erp ?? '';
    rows.push(row(f, name, compiled.flow(name) ?? f.flow ?? 'both', compiled.owner(name) ?? f.owner));
  }
  for (const c of spec.children ?? []) {
    const collection = c.name ?? c.crm;
    for (const f of c.fields) {
      const name = `children.${collection}.${f.name ?? f.crm ?? f.erp ?? ''}`;
      rows.push(row(f, name, f.flow ?? 'both', f.owner));
    }
  }
  return rows;
}

/** The rows the compiled mapping alone tells: names, flows and owners. */
export function fieldRowsOfCompiled(compiled: CompiledMapping): FieldRow[] {
  return compiled.fields.map((name) => {
    const flow = compiled.flow(name) ?? 'both';
    return { name, crm: '', erp: '', flow, arrow: ARROW[flow], between: '', owner: compiled.owner(name) ?? '' };
  });
}
