/**
 * What a benchmark module provides and how it is measured. Each module in bench/
 * exports a {@link BenchSuite}; bench/index.ts lists them, runs them and prints
 * one table. Adding a benchmark = adding a module and one line in bench/index.ts.
 */

/** One measured case. */
export interface CaseResult {
  /** Suite name, e.g. `audit`. */
  benchmark: string;
  /** Case name, e.g. `sqlite append batched (500/tx)`. */
  case: string;
  /** Median over the rounds, in `unit`; null when skipped. */
  median: number | null;
  /** e.g. `entries/s`. Higher is better for every rate unit. */
  unit: string;
  /** Every round's figure, for the JSON output. */
  rounds: number[];
  /** Name of the case in the same suite this one is compared with. */
  baseline?: string;
  /** The goal, in `unit` (a minimum). */
  target?: number;
  /** The goal, in `unit`, where lower is better (a maximum: calls per record, MB). */
  maximum?: number;
  /** The goal as a ratio to the baseline (a minimum), e.g. 0.5. */
  ratioTarget?: number;
  /** Why it was skipped, or a remark. */
  note?: string;
}

/** A group of cases that share setup (a database, generated data). */
export interface BenchSuite {
  /** Short name used by `--only`. */
  name: string;
  /** Runs every case and returns the results. */
  run(): Promise<CaseResult[]>;
}

/** Median of the figures (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Runs `work` once to warm up, then `rounds` times; each call returns how many
 * items it handled. Returns items per second per round.
 */
export async function measureRate(rounds: number, work: () => Promise<number>): Promise<number[]> {
  await work();
  const rates: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    const items = await work();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(items / seconds);
  }
  return rates;
}

/**
 * Measures several synchronous cases round by round, interleaved (a, b, c, a, b, c, ...),
 * so that a burst of load on a noisy machine hits every case alike and the ratios of
 * their medians stay meaningful. Each case first runs for `warmupMs` (the JIT settles),
 * then in every round for at least `roundMs`, calling `work` repeatedly; `work` returns
 * how many items it handled. Returns items per second per round, by case name.
 */
export function measureInterleaved(
  cases: Readonly<Record<string, () => number>>,
  { rounds, roundMs, warmupMs }: { rounds: number; roundMs: number; warmupMs: number },
): Record<string, number[]> {
  const run = (work: () => number, ms: number): number => {
    let items = 0;
    const start = process.hrtime.bigint();
    const until = start + BigInt(Math.round(ms * 1e6));
    for (;;) {
      items += work();
      const now = process.hrtime.bigint();
      if (now >= until) return items / (Number(now - start) / 1e9);
    }
  };
  const names = Object.keys(cases);
  for (const name of names) run(cases[name] as () => number, warmupMs);
  const rates: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, [] as number[]]));
  for (let r = 0; r < rounds; r++)
    for (const name of names) (rates[name] as number[]).push(run(cases[name] as () => number, roundMs));
  return rates;
}
