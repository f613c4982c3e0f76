/**
 * Compiles one field rule into closures: how to read it on each side it flows
 * from, and which stages translate a value read on one side into the other side's
 * value (default, value table, transforms, lookup; the stages themselves are in
 * translation.ts). Every decision about the rule is taken here, once; the closures
 * only run.
 */
import { formatPath, type YamlPath } from '../config/yaml-source.ts';
import type { FieldType } from '../connector/describe.ts';
import type { CompiledExpression } from './expression.ts';
import { isFieldName } from './expression.ts';
import { blankText, type TextReader } from './expression-fast.ts';
import { createNormalizer } from './normalize.ts';
import type { FieldRuleSpec, Flow, Side } from './spec.ts';
import { compileChain, forwardOf, inverseOf } from './transform-chain.ts';
import type { MappingValue, TransformFn } from './transforms/index.ts';
import type { CompileIssue, LookupRequest, SourceRecord } from './types.ts';
import {
  buildTranslator,
  lookupStage,
  transformStage,
  type DirectWrite,
  type FieldWrite,
  type Stage,
} from './translation.ts';
import { compileTable } from './value-table.ts';

/** What compiling a field needs from the mapping compiler. */
export interface FieldCompileContext {
  /** Compiles an expression at `path`, reporting syntax errors; undefined when it does not parse. */
  expression(text: string, path: YamlPath): CompiledExpression | undefined;
  /** The record fields an expression reads (after a successful {@link expression}). */
  fieldsOf?(text: string): readonly string[];
  /** The one-pass reader of a computed text (after a successful {@link expression}), when the expression has one. */
  textReaderOf?(text: string): TextReader | undefined;
  /** Problems found so far. */
  issues: CompileIssue[];
  /** Field type on a side, when a connector describes it (for normalised equality). */
  typeOf?(side: Side, field: string): FieldType | undefined;
}

/** One compiled field rule. */
export interface CompiledField {
  /** Rule name (canonical key). */
  readonly name: string;
  /** Rule position, e.g. `fields[3]`. */
  readonly path: string;
  /** Side that wins conflicts, if set. */
  readonly owner?: Side;
  /** The way the field flows: both, crm->erp or erp->crm. */
  readonly flow: Flow;
  /** Worked out from other records (an aggregate), not read from its side: compared as it is now, never against a snapshot. */
  readonly derived?: true;
  /** For an aggregate: the rows it rolls up (`from` on `side`) and their field that references the record (`by`). */
  readonly rollsUp?: {
    readonly side: Side;
    readonly from: string;
    readonly by: string;
    readonly key?: string;
    readonly split?: string;
  };
  /** What is read on each side the field flows from, for traces: `email`, `firstname + " " + lastname`. */
  readonly source: Partial<Record<Side, string>>;
  /** Readers for the sides the field flows from; undefined when the record does not carry the field. */
  readonly read: Partial<Record<Side, (record: SourceRecord) => MappingValue | undefined>>;
  /** Sides whose reader is a plain field read, with the field name (callers may read it inline, as `read` would). */
  readonly plain: Partial<Record<Side, string>>;
  /** Sides whose value is the same for every record (an expression that reads no field), with the value (callers may store it, as `read` would return it). */
  readonly constant: Partial<Record<Side, { readonly value: MappingValue | undefined }>>;
  /** Sides with a one-pass reader of a computed text: the same value as `read`, or {@link FALLBACK} when `read` must decide. */
  readonly text: Partial<Record<Side, TextReader>>;
  /** Target field and translator for the sides the field flows to. */
  readonly write: Partial<Record<Side, FieldWrite>>;
  /** Normalised equality key of a value. */
  readonly normalize: (value: MappingValue) => MappingValue;
}

const other = (side: Side): Side => (side === 'crm' ? 'erp' : 'crm');
const oneWay = (from: Side): Flow => (from === 'crm' ? 'crm->erp' : 'erp->crm');

function flowsFrom(flow: Flow, side: Side): boolean {
  return flow === 'both' || flow === oneWay(side);
}

/** Reads a plain field: "" becomes null; a field the record does not carry is undefined (left out, not cleared). */
function fieldReader(field: string): (record: SourceRecord) => MappingValue | undefined {
  // A name Object.prototype also has (`constructor`, `toString`) must only ever read an own property.
  if (field in Object.prototype) {
    return (record) => {
      const value = Object.hasOwn(record, field) ? record[field] : undefined;
      return value === '' ? null : (value as MappingValue | undefined);
    };
  }
  return (record) => {
    const value = record[field];
    return value === '' ? null : (value as MappingValue | undefined);
  };
}

function carriesAny(record: SourceRecord, fields: readonly string[]): boolean {
  for (let i = 0; i < fields.length; i++) if (record[fields[i] as string] !== undefined) return true;
  return false;
}

/** The value of a reader that reads no field, when it is a scalar and does not throw. */
function constantOf(
  read: (record: SourceRecord) => MappingValue | undefined,
): { value: MappingValue | undefined } | undefined {
  try {
    const value = read({});
    return value === null || value === undefined || typeof value !== 'object' ? { value } : undefined;
  } catch {
    // Throws for every record then: leave it to the per-record reader, which reports it.
    return undefined;
  }
}

/** The name of a field rule: `name:`, else the crm field if a plain name, else the erp field, else `field<index>`. */
export function fieldRuleName(spec: FieldRuleSpec, path: YamlPath): string {
  if (spec.name !== undefined) return spec.name;
  if (spec.crm !== undefined && isFieldName(spec.crm)) return spec.crm;
  if (spec.erp !== undefined && isFieldName(spec.erp)) return spec.erp;
  return `field${String(path[path.length - 1])}`;
}

/**
 * Compiles `spec` found at `path` (e.g. `['fields', 3]`). Returns undefined when
 * the rule has problems (they are in `ctx.issues`).
 */
export function compileField(spec: FieldRuleSpec, path: YamlPath, ctx: FieldCompileContext): CompiledField | undefined {
  const { issues } = ctx;
  const before = issues.length;
  const agg = spec.aggregate;
  const aggSide: Side | undefined = agg ? (agg.side ?? 'erp') : undefined;

  for (const side of ['crm', 'erp'] as const) {
    if (spec[side] === undefined && side !== aggSide) {
      issues.push({
        path,
        message: `missing "${side}": a field rule names a field on both sides (or an aggregate: on one)`,
      });
    }
    if (spec[side] !== undefined && side === aggSide) {
      issues.push({
        path: [...path, side],
        message: `the ${side} value comes from aggregate:, so ${side}: must not be given`,
        at: 'key',
      });
    }
  }
  const isExpr = (side: Side): boolean => spec[side] !== undefined && !isFieldName(spec[side] as string);
  let flow: Flow =
    spec.flow ?? (aggSide ? oneWay(aggSide) : isExpr('crm') ? 'crm->erp' : isExpr('erp') ? 'erp->crm' : 'both');
  for (const side of ['crm', 'erp'] as const) {
    const source = aggSide === side || isExpr(side);
    if ((source && !flowsFrom(flow, side)) || (source && flow === 'both')) {
      const what = aggSide === side ? 'an aggregate' : 'an expression';
      issues.push({
        path: [...path, 'flow'],
        message: `the ${side} side is ${what}, which can only be read: use flow: ${side}->${other(side)}`,
      });
      flow = oneWay(side);
    }
  }
  const name = fieldRuleName(spec, path);

  // Readers.
  const read: CompiledField['read'] = {};
  const plain: CompiledField['plain'] = {};
  const constants: CompiledField['constant'] = {};
  const texts: CompiledField['text'] = {};
  let aggregate: Extract<LookupRequest, { kind: 'aggregate' }> | undefined;
  for (const side of ['crm', 'erp'] as const) {
    if (!flowsFrom(flow, side)) continue;
    const text = spec[side];
    if (aggSide === side && agg) {
      const op = (['sum', 'min', 'max', 'count', 'latest'] as const).filter((k) => agg[k] !== undefined);
      if (op.length !== 1) {
        issues.push({
          path: [...path, 'aggregate'],
          message: `an aggregate needs exactly one of sum, min, max, count, latest; got ${op.length === 0 ? 'none' : op.join(', ')}`,
        });
        continue;
      }
      const kind = op[0] as 'sum' | 'min' | 'max' | 'count' | 'latest';
      const matches = agg.where === undefined ? undefined : ctx.expression(agg.where, [...path, 'aggregate', 'where']);
      const fieldName = kind === 'count' ? undefined : (agg[kind] as string);
      const request: Extract<LookupRequest, { kind: 'aggregate' }> = {
        kind: 'aggregate',
        side,
        from: agg.from,
        by: agg.by,
        op: kind,
        ...(fieldName ? { field: fieldName } : {}),
        ...(agg.where ? { where: agg.where } : {}),
        ...(matches ? { matches } : {}),
        ...(agg.order ? { order: agg.order } : {}),
        ...(agg.key ? { key: agg.key } : {}),
        ...(agg.split ? { split: agg.split } : {}),
      };
      // What the rows reference (the record's id, or its `key` field); the resolver does the roll-up in toPatch.
      const keyField = agg.key ?? 'id';
      read[side] = (record) => (record[keyField] ?? null) as MappingValue;
      aggregate = request;
    } else if (text !== undefined && !isFieldName(text)) {
      const fn = ctx.expression(text, [...path, side]);
      const used = ctx.fieldsOf?.(text) ?? [];
      // A record that carries none of the fields (a partial update) leaves the value out;
      // a computed text that comes out blank (every part empty) is empty, like a blank field.
      const computed = (record: SourceRecord): MappingValue | undefined => {
        if (used.length > 0 && !carriesAny(record, used)) return undefined;
        const value = (fn as CompiledExpression)(record);
        return typeof value === 'string' && blankText(value) ? null : value;
      };
      // An expression that reads no field (`crm: "false"`) is a constant: CEL has no clock
      // or randomness. A scalar is worked out once; objects are not shared between records.
      const constant = fn && ctx.fieldsOf && used.length === 0 ? constantOf(computed) : undefined;
      if (constant) {
        const value = constant.value;
        read[side] = () => value;
        constants[side] = constant;
      } else if (fn) {
        read[side] = computed;
        // `firstname + " " + lastname` read each field once, without joining a text only to test it for blanks.
        const onePass = ctx.textReaderOf?.(text);
        if (onePass) texts[side] = onePass;
      }
    } else if (text !== undefined) {
      read[side] = fieldReader(text);
      if (!(text in Object.prototype)) plain[side] = text;
    }
  }

  // Transforms, value table.
  const chain = spec.transform ? compileChain(spec.transform, [...path, 'transform'], issues) : undefined;
  const back = spec.inverse ? compileChain(spec.inverse, [...path, 'inverse'], issues) : undefined;
  if (flow === 'both' && chain && !back && chain.withoutInverse.length > 0) {
    issues.push({
      path: [...path, 'transform'],
      message:
        `transform "${chain.withoutInverse[0]?.name}" ${chain.withoutInverse[0]?.why}, but this field ` +
        `flows both ways: add inverse: <transform> for the way back, or make it one-way (flow: crm->erp)`,
    });
  }
  const table = spec.values ? compileTable(spec.values, [...path, 'values'], flow === 'both', issues) : undefined;
  if (issues.length > before) return undefined;

  const write: CompiledField['write'] = {};
  for (const target of ['crm', 'erp'] as const) {
    const from = other(target);
    if (!flowsFrom(flow, from)) continue;
    const targetField = spec[target];
    if (targetField === undefined || !isFieldName(targetField)) {
      issues.push({
        path: [...path, target],
        message: `the ${target} side is written, so it must be a field name, not an expression`,
      });
      continue;
    }
    if (targetField === '__proto__') {
      // Assigning it would set the patch's prototype and lose the value.
      issues.push({
        path: [...path, target],
        message: `"__proto__" cannot be written: it is not a field of any system, and JavaScript treats it as the object's prototype`,
      });
      continue;
    }
    const stages: Stage[] = [];
    // The transform (or table) stage of a direct write: at most one, added below.
    let transformOnly: Stage | undefined;
    const push = (stage: Stage): void => {
      stages.push(stage);
      transformOnly = stages.length === 1 ? stage : undefined;
    };
    if (aggregate)
      stages.push({ rule: `aggregate ${aggregate.op} of ${aggregate.from}`, run: (v, r) => r(aggregate, v) });
    const lookup = lookupStage(spec, from, target);
    // A code/name lookup on the source side turns the id into its key before anything else.
    if (lookup?.first) stages.push(lookup.stage);
    const names = chain?.steps.map((s) => s.name).join(', ') ?? '';
    if (flow !== 'both' || target === 'erp') {
      if (table) push(transformStage('values', table.toErp));
      if (chain && chain.steps.length > 0) push(transformStage(`transform ${names}`, forwardOf(chain)));
    } else {
      const inverse = back ? forwardOf(back) : chain ? inverseOf(chain) : undefined;
      if (back) push(transformStage(`inverse ${back.steps.map((s) => s.name).join(', ')}`, forwardOf(back)));
      else if (inverse && chain && chain.steps.length > 0) push(transformStage(`inverse of ${names}`, inverse));
      if (table?.toCrm) push(transformStage('values (reversed)', table.toCrm));
    }
    const transformStages = stages.length;
    if (lookup && !lookup.first) stages.push(lookup.stage);
    const plainStages =
      !aggregate && !lookup?.first && transformStages <= 1 && (transformStages === 0 || transformOnly !== undefined);
    const direct: DirectWrite | undefined =
      plainStages && spec.default === undefined && stages.length > 0
        ? {
            transform: transformOnly?.run as TransformFn | undefined,
            transformRule: transformOnly?.rule ?? '',
            lookup: lookup?.request,
            lookupRule: lookup?.stage.rule ?? '',
            fromReference: lookup?.fromReference ?? false,
          }
        : undefined;
    write[target] = {
      target: targetField,
      identity: stages.length === 0 && spec.default === undefined,
      ...(direct ? { direct } : {}),
      translate: buildTranslator(stages, spec.default),
    };
  }
  if (issues.length > before) return undefined;

  const sourceSide: Side = flowsFrom(flow, 'crm') ? 'crm' : 'erp';
  const sourceField = spec[sourceSide];
  const normalize = createNormalizer({
    name,
    ...(sourceField && ctx.typeOf ? { type: ctx.typeOf(sourceSide, sourceField) } : {}),
    extra: chain?.steps.flatMap((s) => (s.normalize ? [s.normalize] : [])) ?? [],
  });
  const sourceText: CompiledField['source'] = {};
  for (const side of ['crm', 'erp'] as const)
    if (read[side]) sourceText[side] = aggSide === side ? `id (for the aggregate)` : (spec[side] ?? '');
  return {
    name,
    path: formatPath(path),
    flow,
    ...(spec.owner ? { owner: spec.owner } : {}),
    ...(aggregate
      ? {
          derived: true as const,
          rollsUp: {
            side: aggregate.side,
            from: aggregate.from,
            by: aggregate.by,
            ...(aggregate.key ? { key: aggregate.key } : {}),
            ...(aggregate.split ? { split: aggregate.split } : {}),
          },
        }
      : {}),
    source: sourceText,
    read,
    plain,
    constant: constants,
    text: texts,
    write,
    normalize,
  };
}
