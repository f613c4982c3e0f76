/**
 * `datetime` and `date`: read a date-time (or a calendar date) in one format and
 * write it in another, with IANA time zones. Formats: `iso` (ISO 8601), `odoo`
 * (`YYYY-MM-DD HH:MM:SS`, naive UTC), `epoch-ms` (HubSpot), `epoch-s`, `auto`
 * (input only: any of those, recognised by shape), or a luxon pattern such as
 * `dd/MM/yyyy HH:mm`. The inverse swaps `from`/`to` (an `auto` input is written
 * back as `iso`). Equality compares instants at the coarser precision of the two
 * formats, so "2024-01-02T03:04:05.120Z" and "2024-01-02 03:04:05" are equal.
 */
import { z } from 'zod';
import {
  dateFormatter,
  dateParser,
  instantFormatter,
  instantParser,
  isUsablePattern,
  isValidZone,
  NAMED_FORMATS,
} from './instant.ts';
import type { MappingValue, TransformDefinition, TransformFn } from './types.ts';

/** Arguments of `datetime` and `date`. */
export interface DateTimeArgs {
  /** Format of the input: a named format or a luxon pattern. Default `auto`. */
  from: string;
  /** Format of the output (not `auto`). Default `iso` (`2024-01-02T03:04:05.000Z` / `2024-01-02`). */
  to: string;
  /** IANA zone for wall-clock times without an offset, in and out. Default `UTC`. */
  zone: string;
  /** Zone of the input when it differs from `zone`. */
  fromZone?: string;
  /** Zone of the output when it differs from `zone`. */
  toZone?: string;
}

function argsSchema(dateOnly: boolean): z.ZodType<DateTimeArgs> {
  const format = z.string().min(1);
  return z
    .object({
      from: format.default('auto'),
      to: format.default('iso'),
      zone: z.string().default('UTC'),
      fromZone: z.string().optional(),
      toZone: z.string().optional(),
    })
    .strict()
    .superRefine((a, ctx) => {
      if (a.to === 'auto')
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: '"auto" can only read; name the output format (iso, odoo, epoch-ms, epoch-s or a pattern)',
        });
      for (const key of ['from', 'to'] as const) {
        const f = a[key];
        if (!NAMED_FORMATS.includes(f as (typeof NAMED_FORMATS)[number]) && !isUsablePattern(f, dateOnly)) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `"${f}" is neither ${NAMED_FORMATS.join(', ')} nor a usable date pattern (e.g. ${dateOnly ? 'dd/MM/yyyy' : 'dd/MM/yyyy HH:mm'})`,
          });
        }
      }
      for (const key of ['zone', 'fromZone', 'toZone'] as const) {
        const zone = a[key];
        if (zone !== undefined && !isValidZone(zone))
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `"${zone}" is not an IANA time zone (e.g. Europe/Paris, UTC)`,
          });
      }
    })
    .prefault({});
}

function swap(args: DateTimeArgs): DateTimeArgs {
  return {
    from: args.to,
    to: args.from === 'auto' ? 'iso' : args.from,
    zone: args.zone,
    fromZone: args.toZone ?? args.zone,
    toZone: args.fromZone ?? args.zone,
  };
}

function convertInstant(args: DateTimeArgs): TransformFn {
  const parse = instantParser('datetime', args.from, args.fromZone ?? args.zone);
  const format = instantFormatter(args.to, args.toZone ?? args.zone);
  return (value) => {
    const ms = parse(value);
    return ms === null ? null : format(ms);
  };
}

function instantKey(args: DateTimeArgs): (value: MappingValue) => MappingValue {
  const fromZone = args.fromZone ?? args.zone;
  const toZone = args.toZone ?? args.zone;
  const parseFrom = instantParser('datetime', args.from, fromZone);
  const parseTo = instantParser('datetime', args.to, toZone);
  const formatTo = instantFormatter(args.to, toZone);
  const formatFrom = args.from === 'auto' ? undefined : instantFormatter(args.from, fromZone);
  return (value) => {
    let ms: number | null;
    try {
      ms = parseFrom(value);
    } catch {
      ms = parseTo(value);
    }
    if (ms === null) return null;
    // Through both formats and back: what one side cannot hold (Odoo's milliseconds,
    // a pattern's seconds) is dropped before comparing.
    ms = parseTo(formatTo(ms)) as number;
    return formatFrom === undefined ? ms : parseFrom(formatFrom(ms));
  };
}

/** `datetime`: a date-time from one format/zone to another. */
export const datetime: TransformDefinition<DateTimeArgs> = {
  name: 'datetime',
  output: 'datetime',
  summary: 'date-time between formats and time zones (ISO 8601, Odoo, epoch ms, patterns)',
  args: argsSchema(false),
  compile: convertInstant,
  inverse: (args) => convertInstant(swap(args)),
  normalize: instantKey,
};

function convertDate(args: DateTimeArgs): TransformFn {
  const parse = dateParser('date', args.from, args.fromZone ?? args.zone);
  const format = dateFormatter(args.to);
  return (value) => {
    const date = parse(value);
    return date === null ? null : format(date);
  };
}

/** `date`: a calendar date from one format to another; a date-time is dated in `zone`. */
export const date: TransformDefinition<DateTimeArgs> = {
  name: 'date',
  output: 'date',
  summary: 'calendar date between formats (YYYY-MM-DD, HubSpot midnight-UTC epoch ms, patterns)',
  args: argsSchema(true),
  compile: convertDate,
  inverse: (args) => convertDate(swap(args)),
  normalize(args) {
    const parseFrom = dateParser('date', args.from, args.fromZone ?? args.zone);
    const parseTo = dateParser('date', args.to, args.toZone ?? args.zone);
    return (value) => {
      try {
        return parseFrom(value);
      } catch {
        return parseTo(value);
      }
    };
  },
};
