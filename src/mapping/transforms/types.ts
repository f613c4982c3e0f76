/**
 * The transform contract shared by the transform library (this folder) and the
 * mapping compiler. A transform is data in a mapping file (`name` plus `args`);
 * the compiler validates the args once with the zod schema and calls `compile`
 * (and `inverse`, `normalize`) once per field, so nothing is parsed per record.
 */
import type { ZodType } from 'zod';
import { ErrorCode, FrontbackError } from '../../errors.ts';

/** A value as mappings see it after connector normalisation: string, number, boolean, null, arrays/objects of those. */
export type MappingValue =
  string | number | boolean | null | readonly MappingValue[] | { readonly [key: string]: MappingValue };

/** A compiled transform: pure, synchronous, no I/O. Throws {@link TransformError} (with a message that says what and why) on bad input. */
export type TransformFn = (value: MappingValue) => MappingValue;

/**
 * What a transform's forward function gives, whatever its input: text, a number, a
 * boolean, a date or date-time (as text in the `to` format), or a list.
 */
export type TransformOutput = 'text' | 'number' | 'boolean' | 'date' | 'datetime' | 'list';

/** Arguments a transform takes in a mapping file, validated once at compile time. */
export interface TransformDefinition<A = unknown> {
  /** Name used in mapping files, kebab/lowercase, e.g. `e164`, `country-code`. */
  name: string;
  /** One line for docs and `did you mean`. */
  summary: string;
  /**
   * What `compile`'s function gives, so `frontback validate` can tell whether the
   * target field can take it (a boolean field fed by `trim`). Absent when it depends on
   * the input or the arguments (`default`, `map`): then the fit is not checked.
   */
  output?: TransformOutput;
  /** zod schema of the arguments (an object, or z.undefined() when it takes none). */
  args: ZodType<A>;
  /** Builds the forward function once per field (compile time): no per-record parsing of args. */
  compile(args: A): TransformFn;
  /** Builds the inverse (for fields that flow both ways), when the transform has one. */
  inverse?(args: A): TransformFn;
  /** Normalised equality helper: maps a value to a comparable form so "10.0" and 10 compare equal etc. (optional). */
  normalize?(args: A): (value: MappingValue) => MappingValue;
  /**
   * Builds the match-key form, used when the transform is a step of a match rule's
   * `normalize:` instead of `compile`'s function: pure, deterministic, idempotent, never
   * throws on text, and null for a value that cannot be a key (blank, junk, not an
   * address). Absent: the forward function serves. Only transforms whose forward
   * function must keep what is not a key (`email` keeps a mistyped address on a field)
   * need one; the key transforms (`domain`, `company-name`, ...) are keys going forward.
   */
  key?(args: A): TransformFn;
}

/** Where a transform failed, attached by the compiler (never by the transform itself). */
export interface TransformErrorContext {
  /** Field rule the transform belongs to, e.g. `fields[3]` or `phone`. */
  field?: string;
  /** Record id (either side) being translated. */
  record?: string;
}

/** Options of {@link TransformError}. */
export interface TransformErrorOptions {
  /** Name of the transform that failed, e.g. `e164`. */
  transform?: string;
  /** Where it failed; see {@link TransformErrorContext}. */
  context?: TransformErrorContext;
  /** Extra machine-readable facts (never secrets). */
  details?: Record<string, unknown>;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * A transform could not translate a value (bad input, unmapped value in strict
 * mode, bad arguments at compile time). Not retryable: the same value fails the
 * same way until someone fixes the data or the mapping. Code `TRANSFORM_FAILED`.
 */
export class TransformError extends FrontbackError {
  override name = 'TransformError';
  /** Name of the transform that failed, when known. */
  readonly transform: string | undefined;
  /** Field/record context attached by the compiler (empty when raised by a transform). */
  readonly context: TransformErrorContext;
  /** The transform's own message, without the context prefix that {@link withContext} adds. */
  readonly reason: string;

  constructor(message: string, options: TransformErrorOptions = {}) {
    const context = options.context ?? {};
    super(ErrorCode.Transform, prefix(context, message), {
      details: { ...options.details, transform: options.transform, ...context },
      cause: options.cause,
    });
    this.transform = options.transform;
    this.context = context;
    this.reason = message;
  }

  /** A copy that says which field/record failed: `field phone (record 42): <reason>`. */
  withContext(context: TransformErrorContext): TransformError {
    return new TransformError(this.reason, {
      transform: this.transform,
      context: { ...this.context, ...context },
      details: this.details,
      cause: this.cause,
    });
  }
}

function prefix(context: TransformErrorContext, message: string): string {
  const parts: string[] = [];
  if (context.field !== undefined) parts.push(`field ${context.field}`);
  if (context.record !== undefined) parts.push(`(record ${context.record})`);
  return parts.length === 0 ? message : `${parts.join(' ')}: ${message}`;
}
