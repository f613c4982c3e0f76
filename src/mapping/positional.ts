/**
 * Property reads and writes by position, for the per-record loops of a compiled
 * field set. A loop `record[names[i]]` is one property access site for every field
 * of every mapping: V8 sees dozens of names there and falls back to its slowest,
 * generic lookup. Written out position by position, each site sees the name of one
 * field of the few mappings in use, and V8 specialises it like `record.email`.
 * No code is generated: these are ordinary functions, written out by hand.
 *
 * Positions from {@link UNROLLED} on share one site (same result, generic speed). The
 * gain is largest while a process runs few mappings; with many, each site sees more
 * names and V8 falls back to the generic lookup (figures: docs/mappings.md, Performance).
 */
import type { MappingValue } from './transforms/index.ts';
import type { SourceRecord } from './types.ts';

/** How many positions have their own access site. */
export const UNROLLED = 12;

type Values = (MappingValue | undefined)[];

// "" reads as null, like every plain field reader (compile-field.ts fieldReader).
const read = (value: unknown): MappingValue | undefined => (value === '' ? null : (value as MappingValue | undefined));

/** Reads `record[fields[i]]` into `out[at[i]]` for every i ("" becomes null, a missing field undefined). */
export function readFields(record: SourceRecord, fields: readonly string[], at: readonly number[], out: Values): void {
  const n = fields.length;
  if (n === 0) return;
  out[at[0] as number] = read(record[fields[0] as string]);
  if (n === 1) return;
  out[at[1] as number] = read(record[fields[1] as string]);
  if (n === 2) return;
  out[at[2] as number] = read(record[fields[2] as string]);
  if (n === 3) return;
  out[at[3] as number] = read(record[fields[3] as string]);
  if (n === 4) return;
  out[at[4] as number] = read(record[fields[4] as string]);
  if (n === 5) return;
  out[at[5] as number] = read(record[fields[5] as string]);
  if (n === 6) return;
  out[at[6] as number] = read(record[fields[6] as string]);
  if (n === 7) return;
  out[at[7] as number] = read(record[fields[7] as string]);
  if (n === 8) return;
  out[at[8] as number] = read(record[fields[8] as string]);
  if (n === 9) return;
  out[at[9] as number] = read(record[fields[9] as string]);
  if (n === 10) return;
  out[at[10] as number] = read(record[fields[10] as string]);
  if (n === 11) return;
  out[at[11] as number] = read(record[fields[11] as string]);
  for (let i = UNROLLED; i < n; i++) out[at[i] as number] = read(record[fields[i] as string]);
}

/** `patch[key] = value`, through the access site of `position` (the writer's index in its field set). */
export function storeAt(patch: Record<string, MappingValue>, position: number, key: string, value: MappingValue): void {
  switch (position) {
    case 0:
      patch[key] = value;
      return;
    case 1:
      patch[key] = value;
      return;
    case 2:
      patch[key] = value;
      return;
    case 3:
      patch[key] = value;
      return;
    case 4:
      patch[key] = value;
      return;
    case 5:
      patch[key] = value;
      return;
    case 6:
      patch[key] = value;
      return;
    case 7:
      patch[key] = value;
      return;
    case 8:
      patch[key] = value;
      return;
    case 9:
      patch[key] = value;
      return;
    case 10:
      patch[key] = value;
      return;
    case 11:
      patch[key] = value;
      return;
    default:
      patch[key] = value;
  }
}
