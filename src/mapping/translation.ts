/**
 * How one value of a field rule becomes the other side's value: the stages of a rule
 * (value table, transforms, lookup, default) as closures, with an optional trace, and
 * the shared runner for the common case of one transform then one lookup. A value that
 * cannot be translated is a {@link TranslationFailure}, returned, not thrown, so the
 * rest of the record still translates.
 */
import type { FieldRuleSpec, Side } from './spec.ts';
import { TransformError, type MappingValue, type TransformFn } from './transforms/index.ts';
import type { LookupRequest, Resolver, TraceStep } from './types.ts';

/** Why a value could not be translated (returned, not thrown: the rest of the record still translates). */
export class TranslationFailure {
  constructor(
    /** `unresolved`: a lookup found nothing; `error`: a transform or table refused the value. */
    readonly outcome: 'unresolved' | 'error',
    /** What went wrong, starting with the rule. */
    readonly reason: string,
  ) {}
}

/** The outcome of translating one value: the value, or why not. */
export type Translation = MappingValue | TranslationFailure;

const isEmpty = (v: MappingValue | undefined): boolean => v === undefined || v === null || v === '';

/**
 * The one adapter for reference values: Odoo's connector gives a many2one as the id
 * string, but a raw `[id, "Name"]`, an `{ id, name }` object or a number mean the same.
 */
export function referenceId(value: MappingValue): MappingValue {
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value))
    return value.length > 0 && value[0] !== false && value[0] !== null ? String(value[0] as string | number) : null;
  if (typeof value === 'object' && value !== null && 'id' in value) {
    const id = (value as { id: MappingValue }).id;
    return id === null ? null : String(id as string | number);
  }
  return value;
}

/** A step of the translation pipeline: a name for the trace and a function. */
export interface Stage {
  rule: string;
  run: (value: MappingValue, resolver: Resolver) => MappingValue | undefined;
}

export function transformStage(rule: string, fn: TransformFn): Stage {
  // The transform is the stage's function itself: one call less per value.
  return { rule, run: fn };
}

function failure(stage: Stage, err: unknown): TranslationFailure {
  return translationError(stage.rule, err);
}

export function buildTranslator(stages: readonly Stage[], fallback: MappingValue | undefined): FieldWrite['translate'] {
  const count = stages.length;
  const only = stages[0];
  // The usual rule has one stage and no default; without a trace it needs no loop.
  if (count === 1 && only && fallback === undefined) {
    const run = only.run;
    const traced = loopTranslator(stages, fallback);
    return (input, resolver, steps) => {
      if (steps) return traced(input, resolver, steps);
      let value: MappingValue | undefined;
      try {
        value = run(input, resolver);
      } catch (err) {
        return failure(only, err);
      }
      return value === undefined ? nothingFound(only.rule, input) : value;
    };
  }
  return loopTranslator(stages, fallback);
}

function loopTranslator(stages: readonly Stage[], fallback: MappingValue | undefined): FieldWrite['translate'] {
  const count = stages.length;
  return (input, resolver, steps) => {
    let value = input;
    let i = 0;
    try {
      for (; i < count; i++) {
        const stage = stages[i] as Stage;
        const next = stage.run(value, resolver);
        if (next === undefined) return nothingFound(stage.rule, value);
        value = next;
        if (steps) steps.push({ rule: stage.rule, value });
      }
    } catch (err) {
      return failure(stages[i] as Stage, err);
    }
    if (fallback !== undefined && isEmpty(value)) {
      value = fallback;
      if (steps) steps.push({ rule: 'default', value });
    }
    return value;
  };
}

/** How a field is written on one side. */
export interface FieldWrite {
  /** The target field. */
  readonly target: string;
  /** No stage and no default: the value is copied as it is. */
  readonly identity: boolean;
  /**
   * Set when the translation is at most one transform (or value table) followed by
   * at most one lookup, without a default: the per-record loop runs it through
   * {@link runDirect}, one shared function, instead of this field's closures.
   */
  readonly direct?: DirectWrite;
  /** The translation, for every rule (and the only one that traces). */
  translate(value: MappingValue, resolver: Resolver, steps?: TraceStep[]): Translation;
}

/** A translation of at most one transform then at most one lookup (see {@link FieldWrite.direct}). */
export interface DirectWrite {
  readonly transform: TransformFn | undefined;
  /** The transform's rule, for messages: `transform email`. */
  readonly transformRule: string;
  readonly lookup: LookupRequest | undefined;
  /** The lookup's rule, for messages. */
  readonly lookupRule: string;
  /** The lookup's key is a reference (an id in any of the shapes {@link referenceId} accepts). */
  readonly fromReference: boolean;
}

/** A stage that threw: the failure, worded `<rule>: <reason>`. */
export function translationError(rule: string, err: unknown): TranslationFailure {
  return new TranslationFailure(
    'error',
    `${rule}: ${err instanceof TransformError ? err.reason : (err as Error).message}`,
  );
}

/** A stage that found nothing for `value` (a lookup without a match). */
export function nothingFound(rule: string, value: MappingValue): TranslationFailure {
  return new TranslationFailure('unresolved', `${rule}: nothing found for ${JSON.stringify(value)}`);
}

/**
 * Runs a {@link DirectWrite}: the same values and the same failures as the field's
 * `translate` (tested side by side), with no closure per stage.
 */
export function runDirect(direct: DirectWrite, input: MappingValue, resolver: Resolver): Translation {
  let value: MappingValue | undefined = input;
  const fn = direct.transform;
  if (fn !== undefined) {
    try {
      value = fn(input);
    } catch (err) {
      return translationError(direct.transformRule, err);
    }
    if (value === undefined) return nothingFound(direct.transformRule, input);
  }
  const lookup = direct.lookup;
  if (lookup === undefined || value === null) return value;
  let found: MappingValue | undefined;
  try {
    found = resolver(lookup, direct.fromReference ? referenceId(value) : value);
  } catch (err) {
    return translationError(direct.lookupRule, err);
  }
  return found === undefined ? nothingFound(direct.lookupRule, value) : found;
}

/** The rule text of a lookup through another mapping's links (what its problems start with). */
export function linkLookupRule(mapping: string, from: Side, to: Side): string {
  return `lookup ${mapping} (${from} id -> ${to} id)`;
}

const UNRESOLVED_LINK = /^lookup \S+ \((crm|erp) id -> (crm|erp) id\): nothing found/;

/** Whether a problem is a lookup through another mapping's links that found nothing yet (its record is not linked yet). */
export function waitsForLink(problem: { readonly message: string }): boolean {
  return UNRESOLVED_LINK.test(problem.message);
}

export function lookupStage(
  spec: FieldRuleSpec,
  from: Side,
  to: Side,
): { stage: Stage; first: boolean; request: LookupRequest; fromReference: boolean } | undefined {
  const lookup = spec.lookup;
  if (lookup === undefined) return undefined;
  let request: LookupRequest;
  let rule: string;
  if (typeof lookup === 'string') {
    request = { kind: 'link', mapping: lookup, from, to };
    rule = linkLookupRule(lookup, from, to);
  } else {
    const side = lookup.side ?? 'erp';
    request = { kind: 'reference', side, model: lookup.model, by: lookup.by, want: side === to ? 'id' : 'key' };
    rule = side === to ? `lookup ${lookup.model} by ${lookup.by}` : `lookup ${lookup.model} ${lookup.by} of id`;
  }
  // When the value is a reference (an id on the source side), accept every shape connectors use for one.
  const fromReference = request.kind === 'link' || request.want === 'key';
  const stage: Stage = {
    rule,
    run: fromReference
      ? (value, resolver) => (value === null ? null : resolver(request, referenceId(value)))
      : (value, resolver) => (value === null ? null : resolver(request, value)),
  };
  return { stage, first: request.kind === 'reference' && request.want === 'key', request, fromReference };
}
