/**
 * Identity matching of unlinked records: pairs records of two sides that agree on a
 * normalised key (ARCHITECTURE.md "match" rules). Pure and synchronous; the engine
 * feeds it records it has read and links it has loaded.
 */
import { emailKey } from '../mapping/transforms/email.ts';

/** The outcome of matching two sides on one key. */
export interface MatchResult<L, R> {
  /** Records that agree on the key, one pair per key. */
  pairs: Array<{ key: string; left: L; right: R }>;
  /** Left records with no partner (or no usable key). */
  leftOnly: L[];
  /** Right records with no partner (or no usable key). */
  rightOnly: R[];
  /** Keys held by more than one record on a side: never auto-linked, a person must decide. */
  ambiguous: Array<{ key: string; left: L[]; right: R[] }>;
}

/**
 * Normalises an email for matching: the `email` transform's match key (trimmed,
 * lower-cased as a whole, domain in punycode; dots and plus tags kept, since they mean
 * different mailboxes at most providers). Returns undefined for values that are not
 * plausible addresses. One implementation: see `emailKey` in src/mapping/transforms/email.ts.
 */
export function normalizeEmail(value: unknown): string | undefined {
  return emailKey(value);
}

function group<T>(records: readonly T[], keyOf: (r: T) => string | undefined): { byKey: Map<string, T[]>; none: T[] } {
  const byKey = new Map<string, T[]>();
  const none: T[] = [];
  for (const record of records) {
    const key = keyOf(record);
    if (key === undefined) {
      none.push(record);
      continue;
    }
    const list = byKey.get(key);
    if (list) list.push(record);
    else byKey.set(key, [record]);
  }
  return { byKey, none };
}

/**
 * Matches `left` and `right` on `keyOf`. A key held by exactly one record on each
 * side is a pair; a key held by several records on either side is ambiguous and
 * is never paired automatically (a wrong link would merge two customers).
 */
export function matchByKey<L, R>(
  left: readonly L[],
  right: readonly R[],
  leftKey: (r: L) => string | undefined,
  rightKey: (r: R) => string | undefined,
): MatchResult<L, R> {
  const l = group(left, leftKey);
  const r = group(right, rightKey);
  const result: MatchResult<L, R> = { pairs: [], leftOnly: [...l.none], rightOnly: [...r.none], ambiguous: [] };
  for (const [key, ls] of l.byKey) {
    const rs = r.byKey.get(key) ?? [];
    if (ls.length === 1 && rs.length === 1) result.pairs.push({ key, left: ls[0] as L, right: rs[0] as R });
    else if (rs.length === 0) result.leftOnly.push(...ls);
    else result.ambiguous.push({ key, left: ls, right: rs });
  }
  for (const [key, rs] of r.byKey) {
    if (!l.byKey.has(key)) result.rightOnly.push(...rs);
  }
  return result;
}
