/**
 * One record translated by a mapping, offline: whether the side's filter accepts it and
 * the patch for the other side with a per-field trace of the rule that produced each
 * value. What `frontback preview` prints and the console's preview shows; lookups are
 * answered by the resolver given (e.g. a `resolve:` table, {@link exampleResolver}), else
 * left out. Pure: nothing is read or written.
 */
import sjson from 'secure-json-parse';
import { exampleResolver } from './examples.ts';
import type { Side } from './spec.ts';
import type { MappingValue } from './transforms/index.ts';
import type { CompiledMapping, PatchResult, Resolver, SourceRecord } from './types.ts';

/** What {@link previewRecord} found. */
export interface RecordPreview {
  /** The side the record comes from. */
  readonly from: Side;
  /** The side the patch is for. */
  readonly target: Side;
  /** False when the `from` side's filter rejects the record: a pass would not sync it. */
  readonly accepted: boolean;
  /** The patch for `target`, the fields left out, and the trace. */
  readonly result: PatchResult & { readonly trace: NonNullable<PatchResult['trace']> };
}

/** Translates `record` (as the `from` connector delivers it) for the other side. */
export function previewRecord(
  mapping: CompiledMapping,
  from: Side,
  record: SourceRecord,
  resolver: Resolver = exampleResolver(undefined),
): RecordPreview {
  const target: Side = from === 'crm' ? 'erp' : 'crm';
  const result = mapping.toPatch(mapping.toCanonical(record, from), target, resolver, { trace: true });
  return { from, target, accepted: mapping.accepts(record, from), result: { ...result, trace: result.trace ?? [] } };
}

/** True for a plain JSON object (a record, a resolve table). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses JSON typed or pasted by a person, refusing `__proto__` and `constructor` keys;
 * throws a SyntaxError whose message says where it is not JSON.
 */
export function parseJsonSafely(text: string): unknown {
  return sjson.parse(text, null, { protoAction: 'error', constructorAction: 'error' }) as unknown;
}

/** A resolve table (`{ "<mapping or model>:<value>": result }`) as a resolver. */
export function resolverOfTable(table: Readonly<Record<string, unknown>>): Resolver {
  return exampleResolver(table as Readonly<Record<string, MappingValue>>);
}
