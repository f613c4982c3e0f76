/**
 * "Did you mean ...?" suggestions for misspelt keys and names.
 */

/** Edit distance counting a swap of two neighbouring letters as one edit ("hots" -> "host"). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(a.length, b.length);
}

function score(input: string, candidate: string): number {
  if (candidate === input) return 0;
  // A longer or shorter spelling of the same word ("warning" for "warn") is a likely slip.
  const [short, long] = input.length < candidate.length ? [input, candidate] : [candidate, input];
  if (short.length >= 3 && long.startsWith(short)) return 1;
  return distance(input, candidate);
}

/**
 * The candidate closest to `input`, when it is close enough to be a likely typo:
 * same letters in another case, a prefix of at least 3 letters, or an edit
 * distance (a swap of neighbours counts once) of at most a third of the word (at
 * least 1, at most 3). Ties go to the earlier candidate.
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    const value = score(lower, candidate.toLowerCase());
    if (value < bestScore) {
      best = candidate;
      bestScore = value;
    }
  }
  const limit = Math.min(3, Math.max(1, Math.floor(input.length / 3)));
  return bestScore <= limit ? best : undefined;
}

/** ` (did you mean "x"?)` or an empty string. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const hit = suggest(input, candidates);
  return hit === undefined ? '' : ` (did you mean "${hit}"?)`;
}
