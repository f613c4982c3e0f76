/**
 * A compiled list of field rules (a mapping's fields, or a child collection's)
 * and the per-record loops that run it. Values read from a record live in an
 * array indexed by field ("slots"), not in an object keyed by name: keyed stores
 * with a different key each time are what made translation slow. The
 * name-keyed `values` object of a {@link CanonicalRecord} is built only when
 * someone asks for it (a snapshot, a diff).
 */
import type { YamlPath } from '../config/yaml-source.ts';
import { compileField, type CompiledField, type FieldCompileContext } from './compile-field.ts';
import { runDirect, TranslationFailure, type DirectWrite, type Translation } from './translation.ts';
import { FALLBACK, type TextReader } from './expression-fast.ts';
import { readFields, storeAt } from './positional.ts';
import type { FieldRuleSpec, Side } from './spec.ts';
import type { MappingValue } from './transforms/index.ts';
import type { CanonicalRecord, FieldProblem, FieldTrace, Resolver, SourceRecord, TraceStep } from './types.ts';

/** Values of one record by slot; a child collection's slot holds one Slots per row. */
export type Slots = (MappingValue | Slots[] | undefined)[];

export interface Reader {
  slot: number;
  /** A plain field (read by position, see positional.ts); undefined when `read` must run (expressions, aggregates, prototype names). */
  field: string | undefined;
  /** The value of every record, when it is a constant: stored, not read. */
  constant: { readonly value: MappingValue | undefined } | undefined;
  /** The one-pass reader of a computed text, tried before `read` (see compile-field.ts). */
  text: TextReader | undefined;
  read: (record: SourceRecord) => MappingValue | undefined;
}

/** The plain field reads of one side: `fields[i]` goes to slot `at[i]`. */
export interface PlainReads {
  fields: string[];
  at: number[];
}

export interface Writer {
  slot: number;
  name: string;
  path: string;
  target: string;
  source: Partial<Record<Side, string>>;
  /** No stage and no default: the value is copied as it is. */
  identity: boolean;
  /** A translation {@link runDirect} runs, when it is that simple. */
  direct: DirectWrite | undefined;
  translate: (value: MappingValue, resolver: Resolver, steps?: TraceStep[]) => Translation;
}

export interface Child {
  slot: number;
  name: string;
  crm: string;
  erp: string;
  set: FieldSet;
}

/** Compiled field rules plus their child collections. */
export interface FieldSet {
  /** The compiled rules, in file order (rule i has slot i). */
  readonly fields: CompiledField[];
  /** Slot -> name (fields, then children). */
  readonly names: string[];
  readonly readers: Record<Side, Reader[]>;
  /** The readers that are plain field reads, by side. */
  readonly plain: Record<Side, PlainReads>;
  /** The readers that are not ({@link Reader.field} undefined), by side. */
  readonly computed: Record<Side, Reader[]>;
  readonly writers: Record<Side, Writer[]>;
  readonly children: Child[];
}

// Entries may be undefined when the loader compiles a file whose other entries failed the schema.
/** Compiles the rules at `base` (`['fields']`, `['children', 0, 'fields']`); problems go to `ctx.issues`. */
export function compileFieldSet(
  specs: readonly (FieldRuleSpec | undefined)[],
  base: YamlPath,
  ctx: FieldCompileContext,
): FieldSet {
  const fields: CompiledField[] = [];
  const seen = new Map<string, string>();
  const targets = new Map<string, string>();
  specs.forEach((spec, index) => {
    if (spec === undefined) return;
    const path = [...base, index];
    const field = compileField(spec, path, ctx);
    if (!field) return;
    const earlier = seen.get(field.name);
    if (earlier !== undefined) {
      ctx.issues.push({
        path,
        message: `duplicate field "${field.name}" (also ${earlier}); give one of them a different name:`,
      });
      return;
    }
    seen.set(field.name, field.path);
    for (const side of ['crm', 'erp'] as const) {
      const target = field.write[side]?.target;
      if (target === undefined) continue;
      const key = `${side}.${target}`;
      const writer = targets.get(key);
      if (writer !== undefined)
        ctx.issues.push({
          path: [...path, side],
          message: `${side} field "${target}" is already written by ${writer}; one field rule per target field and direction`,
        });
      else targets.set(key, field.path);
    }
    fields.push(field);
  });
  const readers = (side: Side): Reader[] =>
    fields.flatMap((f, slot) => {
      const read = f.read[side];
      return read ? [{ slot, field: f.plain[side], constant: f.constant[side], text: f.text[side], read }] : [];
    });
  const writers = (side: Side): Writer[] =>
    fields.flatMap((f, slot) => {
      const w = f.write[side];
      return w
        ? [
            {
              slot,
              name: f.name,
              path: f.path,
              target: w.target,
              source: f.source,
              identity: w.identity,
              direct: w.direct,
              translate: w.translate,
            },
          ]
        : [];
    });
  const all = { crm: readers('crm'), erp: readers('erp') };
  const plain = (side: Side): PlainReads => {
    const list = all[side].filter((r) => r.field !== undefined);
    return { fields: list.map((r) => r.field as string), at: list.map((r) => r.slot) };
  };
  const written = { crm: writers('crm'), erp: writers('erp') };
  return {
    fields,
    names: fields.map((f) => f.name),
    readers: all,
    plain: { crm: plain('crm'), erp: plain('erp') },
    computed: { crm: all.crm.filter((r) => r.field === undefined), erp: all.erp.filter((r) => r.field === undefined) },
    writers: written,
    children: [],
  };
}

/** Adds a child collection to `set` (after its fields). */
export function addChild(set: FieldSet, child: { name: string; crm: string; erp: string; set: FieldSet }): void {
  set.children.push({ ...child, slot: set.names.length });
  set.names.push(child.name);
}

/** Reads the fields of `record` that flow from `side`. */
export function readSlots(set: FieldSet, record: SourceRecord, side: Side): Slots {
  const slots: Slots = new Array<MappingValue | undefined>(set.names.length);
  const plain = set.plain[side];
  readFields(record, plain.fields, plain.at, slots as (MappingValue | undefined)[]);
  const computed = set.computed[side];
  for (let i = 0; i < computed.length; i++) {
    const reader = computed[i] as Reader;
    const constant = reader.constant;
    if (constant !== undefined) {
      slots[reader.slot] = constant.value;
      continue;
    }
    const text = reader.text;
    if (text !== undefined) {
      const value = text(record);
      if (value !== FALLBACK) {
        slots[reader.slot] = value;
        continue;
      }
    }
    slots[reader.slot] = reader.read(record);
  }
  for (const child of set.children) {
    if (child.set.readers[side].length === 0) continue;
    const rows = record[child[side]];
    slots[child.slot] = Array.isArray(rows)
      ? rows.map((row) => readSlots(child.set, (row ?? {}) as SourceRecord, side))
      : [];
  }
  return slots;
}

function materialize(set: FieldSet, slots: Slots): Record<string, MappingValue> {
  const out: Record<string, MappingValue> = {};
  for (let i = 0; i < set.fields.length; i++) {
    const value = slots[i];
    if (value !== undefined) out[set.names[i] as string] = value as MappingValue;
  }
  for (const child of set.children) {
    const rows = slots[child.slot] as Slots[] | undefined;
    if (rows !== undefined) out[child.name] = rows.map((row) => materialize(child.set, row));
  }
  return out;
}

/** The inverse of materialize, for canonical records that come from elsewhere (a stored snapshot). */
function fromValues(set: FieldSet, values: Readonly<Record<string, MappingValue>>): Slots {
  const slots: Slots = new Array<MappingValue | undefined>(set.names.length);
  set.fields.forEach((f, i) => {
    if (Object.hasOwn(values, f.name)) slots[i] = values[f.name];
  });
  for (const child of set.children) {
    const rows = values[child.name];
    if (Array.isArray(rows))
      slots[child.slot] = rows.map((row: MappingValue) =>
        fromValues(child.set, (row ?? {}) as Record<string, MappingValue>),
      );
  }
  return slots;
}

/** A canonical record made by a compiled mapping: slots inside, `values` on demand. */
export class SlotRecord implements CanonicalRecord {
  #values: Record<string, MappingValue> | undefined;
  constructor(
    readonly side: Side,
    /** The field set the slots belong to. */
    readonly set: FieldSet,
    /** The values by slot. */
    readonly slots: Slots,
  ) {}
  get values(): Readonly<Record<string, MappingValue>> {
    this.#values ??= materialize(this.set, this.slots);
    return this.#values;
  }
}

/** The slots of `canonical` for `set`: its own when it was made by this set, else rebuilt from its values. */
export function slotsOf(set: FieldSet, canonical: CanonicalRecord): Slots {
  return canonical instanceof SlotRecord && canonical.set === set ? canonical.slots : fromValues(set, canonical.values);
}

/** Problems of a record that translated cleanly: shared, frozen, never written to. */
const NO_PROBLEMS: readonly FieldProblem[] = Object.freeze([]);
const NO_PATCH: Record<string, MappingValue> = Object.freeze({}) as Record<string, MappingValue>;

/** What {@link writeSlots} collects besides the patch; becomes the {@link PatchResult}. */
export interface PatchOut {
  /** The patch (set by the caller from writeSlots' return value). */
  patch: Record<string, MappingValue>;
  /** Fields left out and why; {@link NO_PROBLEMS} until the first one. */
  problems: readonly FieldProblem[];
  /** Per-field trace, when asked for. */
  trace?: FieldTrace[];
}

/** A fresh collector for one toPatch call; allocates no problem list until there is a problem. */
export function patchOut(trace: boolean): PatchOut {
  return trace ? { patch: NO_PATCH, problems: NO_PROBLEMS, trace: [] } : { patch: NO_PATCH, problems: NO_PROBLEMS };
}

/** Adds `problem` to the problems of `out`. */
export function reportProblem(out: PatchOut, problem: FieldProblem): void {
  if (out.problems === NO_PROBLEMS) out.problems = [problem];
  else (out.problems as FieldProblem[]).push(problem);
}

/** Translates slots read on the other side into a patch for `target`; problems and trace go to `out`. */
export function writeSlots(
  set: FieldSet,
  slots: Slots,
  target: Side,
  resolver: Resolver,
  out: PatchOut,
): Record<string, MappingValue> {
  const patch: Record<string, MappingValue> = {};
  const writers = set.writers[target];
  const trace = out.trace;
  const from: Side = target === 'erp' ? 'crm' : 'erp';
  for (let i = 0; i < writers.length; i++) {
    const writer = writers[i] as Writer;
    const input = slots[writer.slot] as MappingValue | undefined;
    // An empty slot: the field does not flow from this side, or the record does not carry it.
    if (input === undefined) continue;
    if (!trace) {
      if (writer.identity) {
        storeAt(patch, i, writer.target, input);
        continue;
      }
      const direct = writer.direct;
      const result = direct === undefined ? writer.translate(input, resolver) : runDirect(direct, input, resolver);
      if (result instanceof TranslationFailure)
        reportProblem(out, { field: writer.name, path: writer.path, message: result.reason });
      else storeAt(patch, i, writer.target, result);
      continue;
    }
    const steps: TraceStep[] = [{ rule: `read ${from} ${writer.source[from] ?? writer.name}`, value: input }];
    const result = writer.translate(input, resolver, steps);
    const failed = result instanceof TranslationFailure;
    if (failed) reportProblem(out, { field: writer.name, path: writer.path, message: result.reason });
    else storeAt(patch, i, writer.target, result);
    trace.push({
      field: writer.name,
      path: writer.path,
      target: writer.target,
      steps,
      outcome: failed ? result.outcome : 'set',
      ...(failed ? { reason: result.reason } : {}),
    });
  }
  for (const child of set.children) {
    if (child.set.writers[target].length === 0) continue;
    const rows = slots[child.slot] as Slots[] | undefined;
    if (rows === undefined) continue;
    patch[child[target]] = rows.map((row) => writeSlots(child.set, row, target, resolver, out));
  }
  return patch;
}
