/**
 * The daily API allowance: Salesforce counts API requests over a rolling 24-hour window,
 * not per calendar day (Salesforce Developer Limits and Allocations Quick Reference, "API
 * Request Limits and Allocations"). Calls are kept in one-minute buckets, so memory stays
 * bounded (at most 1,440 buckets) however many calls are made; a call stops counting once
 * its minute is more than 24 hours old.
 */
import type { SandboxClock } from '../../../../src/connector/sandbox/clock.ts';

const MINUTE_MS = 60_000;
/** Minutes in the rolling window. */
const WINDOW_MINUTES = 24 * 60;

/** Rolling 24-hour call counter. */
export class DailyAllowance {
  /** Calls per minute (epoch minute → count). */
  private readonly buckets = new Map<number, number>();
  private total = 0;

  constructor(
    private readonly clock: SandboxClock,
    /** The allowance per rolling 24 hours. */
    public max: number,
  ) {}

  /** Calls counted in the last 24 hours. */
  used(): number {
    this.prune();
    return this.total;
  }

  /** Calls left before requests are refused (never below 0). */
  remaining(): number {
    return Math.max(0, this.max - this.used());
  }

  /** True when the allowance is spent. */
  spent(): boolean {
    return this.used() >= this.max;
  }

  /** Counts one call now; returns its bucket so it can be given back ({@link refund}). */
  take(): number {
    const minute = this.minuteNow();
    this.buckets.set(minute, (this.buckets.get(minute) ?? 0) + 1);
    this.total += 1;
    return minute;
  }

  /** Gives back a call counted by {@link take} (no-op once that bucket has aged out). */
  refund(minute: number): void {
    const count = this.buckets.get(minute);
    if (count === undefined) return;
    if (count <= 1) this.buckets.delete(minute);
    else this.buckets.set(minute, count - 1);
    this.total -= 1;
  }

  /** Replaces the usage with `used` calls made now (an admin jumping to "almost spent"). */
  setUsed(used: number): void {
    this.buckets.clear();
    this.total = used;
    if (used > 0) this.buckets.set(this.minuteNow(), used);
  }

  private minuteNow(): number {
    return Math.floor(this.clock.now() / MINUTE_MS);
  }

  /** Drops buckets older than the window. */
  private prune(): void {
    const oldest = this.minuteNow() - WINDOW_MINUTES;
    for (const [minute, count] of this.buckets) {
      if (minute > oldest) continue;
      this.buckets.delete(minute);
      this.total -= count;
    }
  }
}
