/**
 * Match rules (`match:`), compiled once into key functions: a simple rule reads one
 * field per side through its normaliser (one chain for both sides, or one per side); a
 * compound rule (`all:`) reads every part and encodes their keys together, a `via` part
 * comparing record ids through another mapping's links (a {@link LinkResolver} the engine
 * passes in). `confirm:` names are checked against the mapping's field rules here; the
 * agreement itself is the engine's to check (it has the translations).
 */
import { didYouMean } from '../config/did-you-mean.ts';
import type { YamlPath } from '../config/yaml-source.ts';
import { fieldRuleName } from './compile-field.ts';
import type { FieldRuleSpec, MatchPartSpec, MatchRuleSpec, NormalizeSpec, Side, TransformSpec } from './spec.ts';
import { compileChain, keyOf, type CompiledChain } from './transform-chain.ts';
import { referenceId } from './translation.ts';
import type { MappingValue, TransformFn } from './transforms/index.ts';
import type {
  CompileIssue,
  CompiledMatchPart,
  CompiledMatchRule,
  LinkResolver,
  MatchKey,
  SourceRecord,
} from './types.ts';

// A rule without `normalize:` compares the values as they are (blank is no key).
const NO_STEPS: CompiledChain = { steps: [], withoutInverse: [] };
const SIDES = ['crm', 'erp'] as const;

/** A `via:` mapping name and where it is written, for the loader to check the mapping exists. */
interface ViaLink {
  readonly path: YamlPath;
  readonly mapping: string;
  readonly role: 'via';
}

/** One part, ready to read: its fields, `via`, and the normaliser of each side. */
interface PartReader extends CompiledMatchPart {
  readonly normalize: Readonly<Record<Side, TransformFn>>;
}

/**
 * How parts naming a field rule (`field: name`) read it: the value a side's record gives
 * that rule (compile.ts passes the mapping's own reader), and the raw fields it is read from.
 */
export interface FieldRuleReader {
  /** The field rule's value as `side` reads it from `record`, or undefined. */
  read(field: string, record: SourceRecord, side: Side): MappingValue | undefined;
  /** The raw fields of `side` the rule reads (a field name, or those an expression uses). */
  sources(field: string, side: Side): string[];
}

/** What {@link compileMatchRules} gives compile.ts. */
export interface CompiledMatch {
  /** The rules, in file order (rules with problems left out; their problems are in `issues`). */
  readonly rules: readonly CompiledMatchRule[];
  /** Match keys of a record for the simple rules (`CompiledMapping.matchKeys`). */
  matchKeys(record: SourceRecord, side: Side): MatchKey[];
}

/** The key of a raw value through a normaliser, or undefined (empty, no key, refused). */
function keyThrough(normalize: TransformFn, raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '' || raw === false) return undefined;
  try {
    const key = normalize(raw as MappingValue);
    if (key === undefined || key === null || key === '' || typeof key === 'object') return undefined;
    return String(key);
  } catch {
    // A value the normaliser refuses cannot match anything.
    return undefined;
  }
}

/** The record id a reference value holds (an Odoo many2one in any shape, a HubSpot id), or undefined. */
function idOf(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === false) return undefined;
  const id = referenceId(raw as MappingValue);
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : undefined;
}

function isPerSide(spec: NormalizeSpec): spec is { crm: TransformSpec; erp: TransformSpec } {
  if (typeof spec !== 'object' || Array.isArray(spec)) return false;
  return Object.keys(spec).length === 2 && 'crm' in spec && 'erp' in spec;
}

/** The normaliser of each side: one chain for both, or `{ crm, erp }`. */
function compileNormalize(
  spec: NormalizeSpec | undefined,
  path: YamlPath,
  issues: CompileIssue[],
): Record<Side, TransformFn> {
  if (spec === undefined) {
    const same = keyOf(NO_STEPS);
    return { crm: same, erp: same };
  }
  if (isPerSide(spec)) {
    return {
      crm: keyOf(compileChain(spec.crm, [...path, 'crm'], issues)),
      erp: keyOf(compileChain(spec.erp, [...path, 'erp'], issues)),
    };
  }
  const keys = typeof spec === 'object' && !Array.isArray(spec) ? Object.keys(spec) : [];
  if (keys.length === 1 && (keys[0] === 'crm' || keys[0] === 'erp')) {
    const missing = keys[0] === 'crm' ? 'erp' : 'crm';
    const message = `a normaliser per side names both sides: { crm: <transform>, erp: <transform> }; "${missing}" is missing`;
    issues.push({ path, message });
    const same = keyOf(NO_STEPS);
    return { crm: same, erp: same };
  }
  const same = keyOf(compileChain(spec as TransformSpec, path, issues));
  return { crm: same, erp: same };
}

function partLabel(part: CompiledMatchPart): string {
  if (part.field !== undefined) return part.field;
  const { crm, erp } = part.fields;
  return `${crm === erp ? crm : `crm ${crm} = erp ${erp}`}${part.via ? ` via ${part.via}` : ''}`;
}

/** The key of one part of a compound rule, read on `side`. */
function partKey(
  part: PartReader,
  record: SourceRecord,
  side: Side,
  links: LinkResolver | undefined,
  reader: FieldRuleReader,
): string | undefined {
  if (part.field !== undefined) return keyThrough(part.normalize[side], reader.read(part.field, record, side));
  const raw = record[part.fields[side]];
  if (part.via === undefined) return keyThrough(part.normalize[side], raw);
  if (links === undefined) return undefined;
  const id = idOf(raw);
  if (id === undefined) return undefined;
  // Both sides meet as ids of the via mapping's ERP side: the CRM id goes through its links.
  return side === 'crm' ? links(part.via, 'crm', id) : id;
}

function simpleRule(index: number, part: PartReader, confirm: readonly string[]): CompiledMatchRule {
  const { fields, normalize } = part;
  return {
    index,
    label: partLabel(part),
    compound: false,
    fields,
    parts: [{ fields }],
    confirm,
    indexFields: (side) => [fields[side]],
    key: (record, side) => keyThrough(normalize[side], record[fields[side]]),
    searchValue: (key) => key,
  };
}

function compoundRule(
  index: number,
  parts: readonly PartReader[],
  confirm: readonly string[],
  reader: FieldRuleReader,
): CompiledMatchRule {
  return {
    index,
    label: `all(${parts.map(partLabel).join(', ')})`,
    compound: true,
    parts: parts.map((p) => ({
      fields: p.fields,
      ...(p.via === undefined ? {} : { via: p.via }),
      ...(p.field === undefined ? {} : { field: p.field }),
    })),
    confirm,
    indexFields: (side) => [
      ...new Set(parts.flatMap((p) => (p.field === undefined ? [p.fields[side]] : reader.sources(p.field, side)))),
    ],
    key(record, side, links) {
      const keys: string[] = [];
      for (const part of parts) {
        const key = partKey(part, record, side, links, reader);
        if (key === undefined) return undefined;
        keys.push(key);
      }
      // A JSON list: unambiguous whatever the parts hold (no separator to escape), and stable.
      return JSON.stringify(keys);
    },
    searchValue: (key) => key,
  };
}

/** Checks `confirm:` names against the mapping's field rules (aggregates have one side only). */
function checkConfirm(
  names: readonly string[],
  fields: readonly (FieldRuleSpec | undefined)[],
  path: YamlPath,
  issues: CompileIssue[],
): void {
  const rules = new Map<string, FieldRuleSpec>();
  fields.forEach((f, i) => {
    if (f !== undefined) rules.set(fieldRuleName(f, ['fields', i]), f);
  });
  names.forEach((name, i) => {
    const rule = rules.get(name);
    if (rule === undefined) {
      const known = [...rules.keys()];
      const message =
        `unknown field rule "${name}"${didYouMean(name, known)}; confirm: ` +
        `names field rules of this mapping (by name), whose two sides must agree`;
      issues.push({ path: [...path, i], message });
    } else if (rule.aggregate !== undefined) {
      const message = `field rule "${name}" is an aggregate, read on one side only: there is nothing to compare it with`;
      issues.push({ path: [...path, i], message });
    }
  });
}

function compilePart(
  spec: MatchPartSpec,
  path: YamlPath,
  issues: CompileIssue[],
  links: ViaLink[],
  known?: ReadonlySet<string>,
): PartReader {
  if (spec.field !== undefined) {
    for (const key of ['crm', 'erp', 'via'] as const) {
      if (spec[key] !== undefined)
        issues.push({
          path: [...path, key],
          message: `a part naming a field rule (field: ${spec.field}) reads it on both sides; remove ${key}:`,
          at: 'key',
        });
    }
    if (known !== undefined && !known.has(spec.field)) {
      issues.push({
        path: [...path, 'field'],
        message: `unknown field rule "${spec.field}"${didYouMean(spec.field, [...known])}; field: names a field rule of this mapping (by name)`,
      });
    }
    const normalize = compileNormalize(spec.normalize, [...path, 'normalize'], issues);
    return { fields: { crm: spec.field, erp: spec.field }, field: spec.field, normalize };
  }
  if (spec.crm === undefined || spec.erp === undefined) {
    issues.push({
      path,
      message: 'a part names a field on both sides ({ crm, erp }), or a field rule of this mapping ({ field: <name> })',
    });
    return {
      fields: { crm: spec.crm ?? '', erp: spec.erp ?? '' },
      normalize: compileNormalize(undefined, path, issues),
    };
  }
  if (spec.via !== undefined) {
    links.push({ path: [...path, 'via'], mapping: spec.via, role: 'via' });
    if (spec.normalize !== undefined) {
      const message =
        'a via part compares record ids through the links of another mapping: normalize does not apply; remove it';
      issues.push({ path: [...path, 'normalize'], message, at: 'key' });
    }
  }
  const written = spec.via === undefined ? spec.normalize : undefined;
  const normalize = compileNormalize(written, [...path, 'normalize'], issues);
  return { fields: { crm: spec.crm, erp: spec.erp }, ...(spec.via === undefined ? {} : { via: spec.via }), normalize };
}

/** The names of the mapping's field rules. */
function ruleNames(fields: readonly (FieldRuleSpec | undefined)[]): Set<string> {
  const names = new Set<string>();
  fields.forEach((f, i) => {
    if (f !== undefined) names.add(fieldRuleName(f, ['fields', i]));
  });
  return names;
}

/**
 * Compiles `specs` (the `match:` list). `fields` are the mapping's field rules (for
 * `confirm:`); `via` mappings are added to `links` so the loader checks they exist.
 */
export function compileMatchRules(
  specs: readonly (MatchRuleSpec | undefined)[],
  fields: readonly (FieldRuleSpec | undefined)[],
  issues: CompileIssue[],
  links: { path: YamlPath; mapping: string; role?: 'via' }[],
  reader: FieldRuleReader,
): CompiledMatch {
  const known = ruleNames(fields);
  const rules: CompiledMatchRule[] = [];
  const simple: { fields: Readonly<Record<Side, string>>; normalize: Readonly<Record<Side, TransformFn>> }[] = [];
  specs.forEach((spec, index) => {
    if (spec === undefined) return;
    const path: YamlPath = ['match', index];
    const before = issues.length;
    const confirm = spec.confirm ?? [];
    checkConfirm(confirm, fields, [...path, 'confirm'], issues);
    if (spec.all !== undefined) {
      for (const key of ['crm', 'erp', 'normalize'] as const) {
        if (spec[key] === undefined) continue;
        const message = `a compound rule (all:) says its fields in its parts; move ${key}: into the parts of all:`;
        issues.push({ path: [...path, key], message, at: 'key' });
      }
      const viaLinks: ViaLink[] = [];
      const parts = spec.all.map((part, i) => compilePart(part, [...path, 'all', i], issues, viaLinks, known));
      links.push(...viaLinks);
      if (issues.length === before) rules.push(compoundRule(index, parts, confirm, reader));
      return;
    }
    const missing = SIDES.filter((side) => spec[side] === undefined);
    if (missing.length > 0) {
      const what = missing.length === 2 ? 'crm and erp' : `"${missing[0] as string}"`;
      const message = `missing ${what}: a match rule names a field on both sides ({ crm, erp, normalize }), or lists parts that must all agree (all: [...])`;
      issues.push({ path, message });
      return;
    }
    const { crm, erp, normalize } = spec as { crm: string; erp: string; normalize?: NormalizeSpec };
    const part = compilePart({ crm, erp, ...(normalize === undefined ? {} : { normalize }) }, path, issues, []);
    if (issues.length > before) return;
    rules.push(simpleRule(index, part, confirm));
    simple.push(part);
  });
  return {
    rules,
    matchKeys(record, side) {
      const keys: MatchKey[] = [];
      for (const rule of simple) {
        const raw = record[rule.fields[side]];
        if (raw === undefined || raw === null || raw === '') continue;
        try {
          const value = rule.normalize[side](raw as MappingValue);
          // null is the normaliser's "no key" (blank, junk, not an address).
          if (value !== null) keys.push({ field: rule.fields[side === 'crm' ? 'erp' : 'crm'], value });
        } catch {
          // A value the normaliser refuses cannot match anything.
        }
      }
      return keys;
    },
  };
}
