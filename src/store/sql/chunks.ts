/**
 * Ids per `in (...)` list and rows per multi-row insert: well under SQLite's 32,766
 * and PostgreSQL's 65,535 bound parameters per statement, even at 8 columns a row.
 */
export const ROWS_PER_STATEMENT = 500;

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
