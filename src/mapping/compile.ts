/**
 * Compiles a parsed mapping into a {@link CompiledMapping}: every field rule,
 * child collection, filter and match rule becomes a closure once, here. The
 * per-record functions only run those closures; nothing of the spec is looked at
 * again.
 */
import type { FieldType } from '../connector/describe.ts';
import type { YamlPath } from '../config/yaml-source.ts';
import { fieldRuleName, type FieldCompileContext } from './compile-field.ts';
import { createExpressionCompiler, isFieldName, type CompiledExpression } from './expression.ts';
import type { TextReader } from './expression-fast.ts';
import { addChild, compileFieldSet, patchOut, readSlots, slotsOf, SlotRecord, writeSlots } from './field-set.ts';
import { generateEntryPoints } from './generate.ts';
import { sameValue } from './normalize.ts';
import { SCHEDULE_EVERY, type ChildSpec, type FieldRuleSpec, type MappingSpec, type Side } from './spec.ts';
import { compileMatchRules } from './match-rules.ts';
import type { MappingValue } from './transforms/index.ts';
import type { CanonicalRecord, CompiledMapping, CompileIssue, CreateGuard, PatchResult } from './types.ts';

/** Options of {@link compileMapping}. */
export interface CompileOptions {
  /** The mapping's version (see load.ts); default `unversioned`. */
  version?: string;
  /** Field type on a side, when a connector describes it: sharpens normalised equality. */
  typeOf?(side: Side, field: string): FieldType | undefined;
  /**
   * Generate the per-record loops for this mapping (generate.ts); default true. False,
   * or a runtime that refuses code generation, runs the shared loops: same results, slower.
   */
  generate?: boolean;
}

/** The result of {@link compileMapping}: the mapping, or every problem found. */
export type CompileResult =
  | {
      ok: true;
      mapping: CompiledMapping;
      links: readonly MappingReference[];
      /** Whether the per-record loops were generated for this mapping (generate.ts), rather than shared. */
      generated: boolean;
      /** Things that work but are probably not meant (a mapping that creates without a match rule). */
      warnings: readonly CompileIssue[];
    }
  | { ok: false; issues: readonly CompileIssue[]; links: readonly MappingReference[] };

/** Another mapping a rule names (`lookup:`, or a match part's `via:`), for the loader to check it exists. */
export interface MappingReference {
  /** Where the name is written. */
  readonly path: YamlPath;
  /** The mapping id named. */
  readonly mapping: string;
  /** `via` for a match part; absent for a lookup. */
  readonly role?: 'via';
}

const FIVE_MINUTES = 300_000;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

const SHARE = /^(\d+(?:\.\d+)?)%$/;

/** `guard.maxCreates` as a number or a share (0..1); problems pushed to `issues`. */
function compileGuard(maxCreates: number | string | undefined, issues: CompileIssue[]): CreateGuard {
  if (maxCreates === undefined) return {};
  const path: YamlPath = ['guard', 'maxCreates'];
  if (typeof maxCreates === 'number') {
    if (Number.isInteger(maxCreates) && maxCreates >= 0) return { maxCreates };
    issues.push({
      path,
      message: `expected a whole number of records (0 or more), or a share such as "10%"; got ${maxCreates}`,
    });
    return {};
  }
  const percent = Number(SHARE.exec(maxCreates)?.[1]);
  if (!(percent <= 100)) {
    issues.push({ path, message: `a share is at most "100%"; got "${maxCreates}"` });
    return {};
  }
  return { maxShare: percent / 100 };
}

/** A side the mapping may create in without any match rule: every unlinked record becomes a new one there. */
function createWarnings(spec: MappingSpec, creates: Readonly<Record<Side, boolean>>): CompileIssue[] {
  if ((spec.match ?? []).length > 0) return [];
  return (['crm', 'erp'] as const)
    .filter((side) => creates[side])
    .map((side) => ({
      path: spec.creates === undefined ? [] : spec.creates[side] === undefined ? ['creates'] : ['creates', side],
      message: `creates in ${side} without a match rule: every record without a link becomes a new one (add match: rules, or creates: { ${side}: false })`,
    }));
}

/** Compiles `spec`. Never throws for a bad mapping: every problem is returned with its path. */
export function compileMapping(spec: MappingSpec, options: CompileOptions = {}): CompileResult {
  const issues: CompileIssue[] = [];
  const links: { path: YamlPath; mapping: string; role?: 'via' }[] = [];
  const compileExpression = createExpressionCompiler();
  const fieldsByText = new Map<string, readonly string[]>();
  const textReaders = new Map<string, TextReader>();
  const ctx: FieldCompileContext = {
    issues,
    expression(text, path) {
      const result = compileExpression(text);
      if (result.ok) {
        fieldsByText.set(text, result.fields);
        if (result.text) textReaders.set(text, result.text);
        return result.evaluate;
      }
      issues.push({ path, message: `bad expression: ${result.error.message}`, offset: result.error.offset });
      return undefined;
    },
    fieldsOf: (text) => fieldsByText.get(text) ?? [],
    textReaderOf: (text) => textReaders.get(text),
    ...(options.typeOf ? { typeOf: options.typeOf } : {}),
  };

  const root = compileFieldSet(spec.fields, ['fields'], ctx);
  (spec.children as readonly (ChildSpec | undefined)[] | undefined)?.forEach((child, index) => {
    if (child === undefined) return;
    const set = compileFieldSet(child.fields, ['children', index, 'fields'], ctx);
    const name = child.name ?? child.crm;
    if (root.fields.some((f) => f.name === name))
      issues.push({
        path: ['children', index],
        message: `child collection "${name}" has the name of a field; give it another name:`,
      });
    addChild(root, { name, crm: child.crm, erp: child.erp, set });
  });
  const collectLinks = (specs: readonly (FieldRuleSpec | undefined)[], base: YamlPath): void =>
    specs.forEach((f, i) => {
      if (typeof f?.lookup === 'string') links.push({ path: [...base, i, 'lookup'], mapping: f.lookup });
    });
  collectLinks(spec.fields, ['fields']);
  (spec.children as readonly (ChildSpec | undefined)[] | undefined)?.forEach((c, i) => {
    if (c) collectLinks(c.fields, ['children', i, 'fields']);
  });

  const filters: Partial<Record<Side, CompiledExpression>> = {};
  for (const side of ['crm', 'erp'] as const) {
    const text = spec.filter?.[side];
    if (text === undefined) continue;
    const fn = ctx.expression(text, ['filter', side]);
    if (fn) filters[side] = fn;
  }
  // Parts naming a field rule read what each side writes there: its field, or its expression's value (whichever way
  // the rule flows: a name built from first and last names in the CRM is compared with the ERP's name).
  const sideText = (field: string, side: Side): string | undefined =>
    (spec.fields as readonly (FieldRuleSpec | undefined)[]).find(
      (f, i) => f !== undefined && fieldRuleName(f, ['fields', i]) === field,
    )?.[side];
  const readers = new Map<
    string,
    ((record: Readonly<Record<string, unknown>>) => MappingValue | undefined) | undefined
  >();
  const match = compileMatchRules(spec.match ?? [], spec.fields, issues, links, {
    read(field, record, side) {
      const id = `${side}|${field}`;
      if (!readers.has(id)) {
        const text = sideText(field, side);
        const fn =
          text === undefined
            ? undefined
            : isFieldName(text)
              ? (r: Readonly<Record<string, unknown>>) => r[text] as MappingValue | undefined
              : ctx.expression(text, ['fields']);
        readers.set(
          id,
          fn === undefined
            ? undefined
            : (r) => {
                try {
                  return fn(r as Record<string, unknown>) as MappingValue | undefined;
                } catch {
                  return undefined;
                }
              },
        );
      }
      return readers.get(id)?.(record);
    },
    sources(field, side) {
      const text = sideText(field, side);
      if (text === undefined) return [];
      return isFieldName(text) ? [text] : [...(ctx.fieldsOf?.(text) ?? [])];
    },
  });
  const creates = { crm: spec.creates?.crm ?? true, erp: spec.creates?.erp ?? true };
  const guard = compileGuard(spec.guard?.maxCreates, issues);
  if (issues.length > 0) return { ok: false, issues, links };

  const byName = new Map(root.fields.map((f) => [f.name, f]));
  const every = spec.schedule ? SCHEDULE_EVERY.exec(spec.schedule.trim()) : null;
  const schedule =
    spec.schedule === undefined
      ? { everyMs: FIVE_MINUTES }
      : every
        ? { everyMs: Number(every[1]) * UNIT_MS[every[2] as 's' | 'm' | 'h'] }
        : { cron: spec.schedule.trim() };

  const mapping: CompiledMapping = {
    id: spec.id,
    version: options.version ?? 'unversioned',
    sides: spec.sides,
    conflicts: spec.conflicts ?? 'newest',
    deletes: spec.deletes ?? 'ignore',
    schedule,
    fields: root.fields.map((f) => f.name),
    owner: (field) => byName.get(field)?.owner,
    flow: (field) => byName.get(field)?.flow,
    derived: (field) => byName.get(field)?.derived === true,
    rollUps: root.fields.flatMap((f) => (f.rollsUp ? [{ field: f.name, ...f.rollsUp }] : [])),
    accepts(record, side) {
      const filter = filters[side];
      if (!filter) return true;
      try {
        return filter(record) === true;
      } catch {
        // A record the filter cannot evaluate (a field of the wrong type) is not synced.
        return false;
      }
    },
    matchRules: match.rules,
    matchVersion: JSON.stringify(spec.match ?? []),
    matchKeys: match.matchKeys,
    creates,
    guard,
    toCanonical: (record, side): CanonicalRecord => new SlotRecord(side, root, readSlots(root, record, side)),
    toPatch(canonical, target, resolver, opts): PatchResult {
      if (canonical.side === target)
        throw new RangeError(`toPatch: the canonical record already comes from ${target}; ask for the other side`);
      const out = patchOut(opts?.trace === true);
      out.patch = writeSlots(root, slotsOf(root, canonical), target, resolver, out);
      return out;
    },
    equal(field, a, b) {
      const compiled = byName.get(field);
      if (!compiled) return sameValue(a, b);
      return sameValue(compiled.normalize(a), compiled.normalize(b));
    },
  };
  // The same entry points, generated for this mapping where the runtime allows it (generate.ts).
  const generated =
    options.generate === false
      ? undefined
      : generateEntryPoints(root, filters, {
          accepts: mapping.accepts,
          toCanonical: mapping.toCanonical,
          toPatch: mapping.toPatch,
        });
  if (generated) Object.assign(mapping, generated);
  return { ok: true, mapping, links, generated: generated !== undefined, warnings: createWarnings(spec, creates) };
}
