/**
 * `number` and `round`. HubSpot sends number properties as strings ("10.0"),
 * Odoo sends floats; `number` turns either into a JavaScript number so "10.0" and
 * 10 compare equal, and formats numbers back to text on the way back.
 */
import { z } from 'zod';
import { fail, kindOf, show } from './support.ts';
import type { MappingValue, TransformDefinition, TransformFn } from './types.ts';

/** Arguments of `number`. */
export interface NumberArgs {
  /** Decimal separator of text input and of text the inverse writes. Default `.`. */
  decimal: '.' | ',';
  /** Thousands separator accepted (and dropped) in text input, e.g. `,` for "1,234.5". Default none. */
  thousands?: ',' | '.' | ' ' | "'";
  /** What the inverse writes: `text` (HubSpot: "10.5") or `number`. Default `text`. */
  inverseAs: 'text' | 'number';
}

const numberArgs = z
  .object({
    decimal: z.enum(['.', ',']).default('.'),
    thousands: z.enum([',', '.', ' ', "'"]).optional(),
    inverseAs: z.enum(['text', 'number']).default('text'),
  })
  .strict()
  .refine((a) => a.thousands !== a.decimal, { message: 'thousands and decimal separators must differ' })
  .prefault({});

// Only plain decimal notation (and exponents): Number() would also accept "0x10",
// "Infinity" and "  ", which are never amounts.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Builds a parser: text or number in, finite number (or null for empty) out. */
export function numberParser(
  name: string,
  args: Pick<NumberArgs, 'decimal' | 'thousands'> = { decimal: '.' },
): TransformFn {
  const { decimal, thousands } = args;
  return (value: MappingValue): MappingValue => {
    if (value === null) return null;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw fail(name, `expects a finite number, got ${String(value)}`);
      return value === 0 ? 0 : value;
    }
    if (typeof value !== 'string')
      throw fail(name, `expects a number or numeric text, got ${kindOf(value)} ${show(value)}`);
    let text = value.trim();
    if (text === '') return null;
    if (thousands !== undefined) text = text.split(thousands).join('');
    if (decimal === ',') text = text.replace(',', '.');
    const n = DECIMAL.test(text) ? Number(text) : Number.NaN;
    if (!Number.isFinite(n)) {
      const hint =
        thousands === undefined && /\d[,.' ]\d{3}\b/.test(value)
          ? ' (thousands separators need the `thousands` argument)'
          : '';
      throw fail(name, `${show(value)} is not a number${hint}`);
    }
    return n === 0 ? 0 : n;
  };
}

/** `number`: numeric text or a number -> number; "" and null -> null. */
export const number: TransformDefinition<NumberArgs> = {
  name: 'number',
  output: 'number',
  summary: 'numeric text or number -> number ("10.0" -> 10); inverse writes text',
  args: numberArgs,
  compile: (args) => numberParser('number', args),
  inverse(args) {
    const parse = numberParser('number', args);
    return (value) => {
      const n = parse(value);
      if (n === null || args.inverseAs === 'number') return n;
      const text = String(n);
      return args.decimal === ',' ? text.replace('.', ',') : text;
    };
  },
  normalize: (args) => numberParser('number', args),
};

/** Arguments of `round`. */
export interface RoundArgs {
  /** Digits after the decimal point, 0-12. Default 0. */
  decimals: number;
}

/**
 * Rounds half away from zero at `decimals` digits, on the decimal value people
 * see: 1.005 rounds to 1.01 (plain `Math.round(x * 100) / 100` gives 1.00 because
 * 1.005 * 100 is 100.49999...).
 */
export function roundHalfAway(value: number, decimals: number): number {
  const sign = value < 0 ? -1 : 1;
  // Shift the decimal exponent on the shortest text form rather than multiplying,
  // so no binary error creeps in; toExponential also covers 1e-7 and 1e21.
  const [mantissa, exponent] = Math.abs(value).toExponential().split('e') as [string, string];
  const shifted = Math.round(Number(`${mantissa}e${Number(exponent) + decimals}`));
  const [m2, e2] = shifted.toExponential().split('e') as [string, string];
  const out = sign * Number(`${m2}e${Number(e2) - decimals}`);
  return out === 0 ? 0 : out;
}

/** `round`: number or numeric text -> number rounded half away from zero. Lossy: no inverse. */
export const round: TransformDefinition<RoundArgs> = {
  name: 'round',
  output: 'number',
  summary: 'round to `decimals` digits, half away from zero (1.005 -> 1.01)',
  args: z
    .object({ decimals: z.number().int().min(0).max(12).default(0) })
    .strict()
    .prefault({}),
  compile(args) {
    const parse = numberParser('round');
    return (value) => {
      const n = parse(value);
      return n === null ? null : roundHalfAway(n as number, args.decimals);
    };
  },
  normalize(args) {
    return round.compile(args);
  },
};
