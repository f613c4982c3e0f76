/**
 * A pass's progress, counted per stream as its pages are handled: pages, records read,
 * written, skipped, conflicted and failed, the rate, and the ETA where the listing said how
 * many records it expects (`ChangePage.total`). Pages may complete in any order (a pass
 * may handle several at once): everything here is a sum or a maximum, never "the last
 * page". The CLI renders it (src/cli/progress.ts) and the run row stores it for the admin
 * API (`runs.progress`).
 */
import type { JsonObject } from '../store/json.ts';
import type { AppliedRecord } from './apply.ts';
import type { PlannedRecord } from './plan.ts';

/** One stream's progress so far. */
export interface StreamProgress {
  /** `waiting`, `changes`, `deletions`, `rows:<object>`. */
  readonly stream: string;
  /** Pages handled. */
  readonly pages: number;
  /** Records read. */
  readonly read: number;
  /** Records written (a dry run: records that a pass would write). */
  readonly written: number;
  /** Records with nothing to do. */
  readonly skipped: number;
  /** Records left for a person: a compare-and-set lost twice, or both sides changed. */
  readonly conflicted: number;
  /** Records the target refused (dead-lettered). */
  readonly failed: number;
  /** Records read per second since the stream started. */
  readonly ratePerSecond: number;
  /** Records the listing expects in all, where the system said; absent otherwise. */
  readonly total?: number;
  /** Seconds left at the current rate, where a total is known; absent otherwise. */
  readonly etaSeconds?: number;
  /** Milliseconds since the stream started. */
  readonly elapsedMs: number;
}

/** What a page brings to the count. */
export interface PageTally {
  readonly stream: string;
  /** Records read by the page. */
  readonly read: number;
  /** The listing's total, where it told. */
  readonly total?: number | undefined;
  readonly plans: readonly PlannedRecord[];
  readonly applied: readonly AppliedRecord[];
}

interface Counter {
  pages: number;
  read: number;
  written: number;
  skipped: number;
  conflicted: number;
  failed: number;
  total: number | undefined;
  startedAt: number;
}

/** Seconds left to read `total` records at `ratePerSecond`, having read `read`; undefined without a total or a rate. */
export function etaSeconds(read: number, total: number | undefined, ratePerSecond: number): number | undefined {
  if (total === undefined) return undefined;
  if (read >= total) return 0;
  if (!(ratePerSecond > 0)) return undefined;
  return Math.ceil((total - read) / ratePerSecond);
}

/** Counts a pass's progress per stream (see the file's comment). */
export class PassProgress {
  readonly #dryRun: boolean;
  readonly #clock: () => number;
  readonly #streams = new Map<string, Counter>();
  /** When the last page of any stream was handled: a new stream starts from there. */
  #last: number;

  /** `dryRun`: count plans (what a pass would write) instead of outcomes. */
  constructor(dryRun: boolean, clock: () => number = Date.now) {
    this.#dryRun = dryRun;
    this.#clock = clock;
    this.#last = clock();
  }

  /** Adds one handled page; answers its stream's progress after it. */
  add(page: PageTally): StreamProgress {
    const now = this.#clock();
    let c = this.#streams.get(page.stream);
    if (c === undefined) {
      c = {
        pages: 0,
        read: 0,
        written: 0,
        skipped: 0,
        conflicted: 0,
        failed: 0,
        total: undefined,
        startedAt: this.#last,
      };
      this.#streams.set(page.stream, c);
    }
    c.pages += 1;
    c.read += page.read;
    if (page.total !== undefined) c.total = Math.max(c.total ?? 0, page.total);
    if (this.#dryRun) {
      for (const p of page.plans) {
        if (p.action === 'skip') c.skipped += 1;
        else c.written += 1;
      }
    } else {
      for (const a of page.applied) {
        if (a.status === 'applied') c.written += 1;
        else c[a.status] += 1;
      }
    }
    this.#last = Math.max(this.#last, now);
    return this.#snapshot(page.stream, c, now);
  }

  /** Every stream's progress, in the order they started. */
  streams(): StreamProgress[] {
    const now = this.#clock();
    return [...this.#streams].map(([stream, c]) => this.#snapshot(stream, c, now));
  }

  /** What the run row stores (`runs.progress`): every stream so far, and when. */
  toJson(): JsonObject {
    return {
      dryRun: this.#dryRun,
      updatedAt: new Date(this.#clock()).toISOString(),
      streams: this.streams().map((s) => ({ ...s })),
    };
  }

  #snapshot(stream: string, c: Counter, now: number): StreamProgress {
    const elapsedMs = Math.max(0, now - c.startedAt);
    // Under a second the rate says little; count it as one second rather than dividing by ~0.
    const ratePerSecond = Math.round((c.read / Math.max(elapsedMs, 1_000)) * 1_000 * 10) / 10;
    const eta = etaSeconds(c.read, c.total, ratePerSecond);
    return {
      stream,
      pages: c.pages,
      read: c.read,
      written: c.written,
      skipped: c.skipped,
      conflicted: c.conflicted,
      failed: c.failed,
      ratePerSecond,
      ...(c.total === undefined ? {} : { total: c.total }),
      ...(eta === undefined ? {} : { etaSeconds: eta }),
      elapsedMs,
    };
  }
}

/**
 * Runs `write` one call at a time, in the order asked: pages handled at once store their
 * run's progress one after the other, and each write reads the counts when it runs, so an
 * older snapshot never lands after a newer one. A failed write fails its own caller only.
 */
export function serialWrites(write: () => Promise<void>): () => Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  return () => {
    const next = chain.catch(() => undefined).then(write);
    chain = next;
    return next;
  };
}
