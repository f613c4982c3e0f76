/**
 * Generated per-record loops for one compiled field set, the way Ajv compiles a
 * JSON Schema and fast-json-stringify a serialiser: the reading of a record into
 * slots and the writing of slots into a patch become one small function per side,
 * written for this mapping's fields. Every access site in it sees the fields of
 * one mapping only, so V8 compiles it like the hand-written translation, however
 * many mappings a process runs (the shared loops of field-set.ts slow down as soon
 * as a second mapping passes through them: docs/mappings.md, Performance).
 *
 * What is generated and what is not:
 * - Nothing an admin wrote becomes code. The only text from the mapping that
 *   appears in the source is field names, and only names that passed
 *   {@link SAFE_NAME} (letters, digits, `_`), written as JSON string literals.
 * - Everything that runs per value (transforms, value tables, expressions,
 *   lookups, failure messages) stays the compiled closure of compile-field.ts,
 *   handed to the generated function as an argument, never as source text.
 * - The result is the same as readSlots/writeSlots' (held equal by a property test
 *   over every shipped mapping); the traced path (preview) always uses those loops.
 *
 * Where the runtime refuses code generation (`node
 * --disallow-code-generation-from-strings`, a locked-down host), {@link generateFieldSet}
 * returns undefined and the mapping runs on the shared loops, only slower.
 */
import { nothingFound, referenceId, TranslationFailure, translationError, type DirectWrite } from './translation.ts';
import { blankText, type TextPart } from './expression-fast.ts';
import { patchOut, reportProblem, SlotRecord, type FieldSet, type PatchOut, type Slots } from './field-set.ts';
import type { Side } from './spec.ts';
import type { MappingValue } from './transforms/index.ts';
import type { CompiledMapping, Resolver, SourceRecord } from './types.ts';

/** A field set's generated loops: the same contract as readSlots and writeSlots (field-set.ts) (without trace). */
export interface GeneratedSet {
  readonly read: Record<Side, (record: SourceRecord) => Slots>;
  readonly write: Record<Side, (slots: Slots, resolver: Resolver, out: PatchOut) => Record<string, MappingValue>>;
}

/** The only names written into generated source: what isFieldName accepts, checked again here. */
export const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Factory = (...args: unknown[]) => unknown;

let allowed: boolean | undefined;

/** Whether this runtime lets a string become a function (it does not under --disallow-code-generation-from-strings). */
export function codeGenerationAllowed(): boolean {
  if (allowed === undefined) {
    try {
      // The probe for code generation itself.
      allowed = (new Function('return true') as () => boolean)() === true;
    } catch {
      allowed = false;
    }
  }
  return allowed;
}

function factory(params: readonly string[], body: string): Factory {
  // Source built from SAFE_NAME field names and slot numbers only (see the file comment).
  return new Function(...params, `'use strict';\n${body}`) as Factory;
}

/** A name that may not be written into generated source: the mapping keeps the shared loops. */
class NotPlainName extends Error {}

const lit = (name: string): string => {
  if (!SAFE_NAME.test(name)) throw new NotPlainName(name);
  return JSON.stringify(name);
};

function generateRead(
  set: FieldSet,
  side: Side,
  childRead: readonly ((record: SourceRecord) => Slots)[],
): (record: SourceRecord) => Slots {
  const lines: string[] = [];
  const slot: string[] = Array.from({ length: set.names.length }, () => 'undefined');
  const plain = set.plain[side];
  plain.fields.forEach((field, i) => {
    const at = plain.at[i] as number;
    lines.push(`let s${at} = r[${lit(field)}];`, `if (s${at} === '') s${at} = null;`);
    slot[at] = `s${at}`;
  });
  const computed = set.computed[side];
  computed.forEach((reader, i) => {
    const at = reader.slot;
    if (reader.constant !== undefined) slot[at] = `V${i}`;
    else if (reader.text !== undefined) {
      lines.push(...textLines(at, i, reader.text.parts));
      slot[at] = `s${at}`;
    } else {
      lines.push(`const s${at} = R${i}(r);`);
      slot[at] = `s${at}`;
    }
  });
  set.children.forEach((child, i) => {
    if (child.set.readers[side].length === 0) return;
    lines.push(`const c${i} = r[${lit(child[side])}];`);
    slot[child.slot] = `Array.isArray(c${i}) ? c${i}.map((row) => C${i}(row ?? {})) : []`;
  });
  const prelude = computed.map(
    (_, i) => `const R${i} = K[${i}].read, V${i} = K[${i}].constant?.value, L${i} = K[${i}].text?.parts;`,
  );
  prelude.push(...set.children.map((_, i) => `const C${i} = C[${i}];`));
  const body = `${prelude.join('\n')}\nreturn function read(r) {\n${lines.join('\n')}\nreturn [${slot.join(', ')}];\n};`;
  return factory(['K', 'C', 'blankText'], body)(computed, childRead, blankText) as (record: SourceRecord) => Slots;
}

/**
 * A computed text (`firstname + " " + lastname`) read into `s<at>` as the shared
 * TextReader reads it (expression-fast.ts), written out part by part; where that
 * reader would answer FALLBACK, the field's general reader `R<i>` decides. Literal
 * texts are not written into the source: they are read from `L<i>`, the parts.
 */
function textLines(at: number, i: number, parts: readonly TextPart[]): string[] {
  const label = `text${at}`;
  const general = `{ s${at} = R${i}(r); break ${label}; }`;
  const lines = [`let s${at};`, `${label}: {`, '  let c = false, v = false, x = null, y, f;'];
  parts.forEach((part, k) => {
    if (part.field === undefined) {
      lines.push(`  y = L${i}[${k}].text;`);
      if (part.visible) lines.push('  v = true;');
    } else {
      lines.push(
        `  f = r[${lit(part.field)}];`,
        '  if (f === undefined) y = null;',
        `  else { c = true; if (f === '') y = null; else if (typeof f === 'string') { y = f; if (!v && !blankText(f)) v = true; } else ${general} }`,
      );
    }
    // text + null and null + text give the text; null + null is for the general reader.
    lines.push(
      k === 0 ? '  x = y;' : `  if (x === null) { if (y === null) ${general} x = y; } else if (y !== null) x = x + y;`,
    );
  });
  lines.push(`  s${at} = c ? (v ? x : null) : undefined;`, '}');
  return lines;
}

function directLines(i: number, direct: DirectWrite, store: string): string[] {
  const lines: string[] = [];
  lines.push('y = x;');
  if (direct.transform !== undefined) {
    lines.push(`try { y = F${i}(x); } catch (e) { y = translationError(W${i}.direct.transformRule, e); }`);
    lines.push(`if (y === undefined) y = nothingFound(W${i}.direct.transformRule, x);`);
  }
  if (direct.lookup !== undefined) {
    const key = direct.fromReference ? 'referenceId(y)' : 'y';
    lines.push(`if (y !== null && !(y instanceof Failure)) {`);
    lines.push(`  const z = y;`);
    lines.push(
      `  try { y = resolver(Q${i}, ${key}); } catch (e) { y = translationError(W${i}.direct.lookupRule, e); }`,
    );
    lines.push(`  if (y === undefined) y = nothingFound(W${i}.direct.lookupRule, z);`);
    lines.push('}');
  }
  lines.push(
    `if (y instanceof Failure) report(out, { field: W${i}.name, path: W${i}.path, message: y.reason }); else ${store}`,
  );
  return lines;
}

function generateWrite(
  set: FieldSet,
  target: Side,
  childWrite: readonly ((slots: Slots, resolver: Resolver, out: PatchOut) => Record<string, MappingValue>)[],
): (slots: Slots, resolver: Resolver, out: PatchOut) => Record<string, MappingValue> {
  const writers = set.writers[target];
  const lines: string[] = ['const p = {};', 'let x, y;'];
  const prelude: string[] = [];
  writers.forEach((writer, i) => {
    const store = `p[${lit(writer.target)}] = ${writer.identity ? 'x' : 'y'};`;
    lines.push(`x = s[${writer.slot}];`, 'if (x !== undefined) {');
    prelude.push(`const W${i} = W[${i}];`);
    if (writer.identity) lines.push(`  ${store}`);
    else if (writer.direct !== undefined) {
      prelude.push(`const F${i} = W${i}.direct.transform, Q${i} = W${i}.direct.lookup;`);
      lines.push(...directLines(i, writer.direct, store).map((l) => `  ${l}`));
    } else {
      lines.push(`  y = W${i}.translate(x, resolver);`);
      lines.push(
        `  if (y instanceof Failure) report(out, { field: W${i}.name, path: W${i}.path, message: y.reason }); else ${store}`,
      );
    }
    lines.push('}');
  });
  set.children.forEach((child, i) => {
    if (child.set.writers[target].length === 0) return;
    prelude.push(`const C${i} = C[${i}];`);
    lines.push(
      `x = s[${child.slot}];`,
      `if (x !== undefined) p[${lit(child[target])}] = x.map((row) => C${i}(row, resolver, out));`,
    );
  });
  const body = `${prelude.join('\n')}\nreturn function write(s, resolver, out) {\n${lines.join('\n')}\nreturn p;\n};`;
  const params = ['W', 'C', 'Failure', 'report', 'translationError', 'nothingFound', 'referenceId'];
  return factory(params, body)(
    writers,
    childWrite,
    TranslationFailure,
    reportProblem,
    translationError,
    nothingFound,
    referenceId,
  ) as ReturnType<typeof generateWrite>;
}

/** The entry points of a compiled mapping that run per record. */
export interface EntryPoints {
  accepts: CompiledMapping['accepts'];
  toCanonical: CompiledMapping['toCanonical'];
  toPatch: CompiledMapping['toPatch'];
}

/**
 * Generates the per-record entry points of a mapping over `root`: the same contract
 * as `shared` (the closures compile.ts builds), which they call for what they do not
 * cover (a traced toPatch, a canonical record made elsewhere). Being generated per
 * mapping, every call they make (filter, read, write) is seen by this mapping only.
 * Undefined when code generation is refused or a name is not plain.
 */
export function generateEntryPoints(
  root: FieldSet,
  filters: Partial<Record<Side, (record: SourceRecord) => MappingValue>>,
  shared: EntryPoints,
): EntryPoints | undefined {
  const loops = generateFieldSet(root);
  if (loops === undefined) return undefined;
  const filter = (side: Side): string =>
    filters[side] === undefined ? 'return true;' : `try { return FILTER_${side}(r) === true; } catch { return false; }`;
  const body = `const FILTER_crm = filters.crm, FILTER_erp = filters.erp;
const READ_crm = loops.read.crm, READ_erp = loops.read.erp, WRITE_crm = loops.write.crm, WRITE_erp = loops.write.erp;
return {
  accepts(r, side) {
    if (side === 'crm') { ${filter('crm')} }
    ${filter('erp')}
  },
  toCanonical(r, side) {
    return new SlotRecord(side, root, side === 'crm' ? READ_crm(r) : READ_erp(r));
  },
  toPatch(canonical, target, resolver, options) {
    const generic = options?.trace === true || !(canonical instanceof SlotRecord) || canonical.set !== root;
    if (generic || canonical.side === target) return shared.toPatch(canonical, target, resolver, options);
    const out = patchOut(false);
    out.patch = target === 'erp' ? WRITE_erp(canonical.slots, resolver, out) : WRITE_crm(canonical.slots, resolver, out);
    return out;
  },
};`;
  return factory(['filters', 'loops', 'root', 'shared', 'SlotRecord', 'patchOut'], body)(
    filters,
    loops,
    root,
    shared,
    SlotRecord,
    patchOut,
  ) as EntryPoints;
}

/**
 * Generates the loops of `set` (and of its child collections). Returns undefined
 * when the runtime refuses code generation or a name is not plain; the caller
 * then runs readSlots and writeSlots (field-set.ts).
 */
function generateFieldSet(set: FieldSet): GeneratedSet | undefined {
  if (!codeGenerationAllowed()) return undefined;
  try {
    const children = set.children.map((child) => generateFieldSet(child.set));
    if (children.some((c) => c === undefined)) return undefined;
    const sets = children as GeneratedSet[];
    const read = (side: Side): ((record: SourceRecord) => Slots) =>
      generateRead(
        set,
        side,
        sets.map((c) => c.read[side]),
      );
    const write = (side: Side): GeneratedSet['write'][Side] =>
      generateWrite(
        set,
        side,
        sets.map((c) => c.write[side]),
      );
    return { read: { crm: read('crm'), erp: read('erp') }, write: { crm: write('crm'), erp: write('erp') } };
  } catch (err) {
    // A name that is not plain (SAFE_NAME): the shared loops handle every name.
    if (err instanceof NotPlainName) return undefined;
    throw err;
  }
}
