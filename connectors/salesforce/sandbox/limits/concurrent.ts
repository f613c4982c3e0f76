/**
 * Concurrent long-running requests: a production org lets at most 25 API requests that
 * have lasted 20 seconds or longer run at once; further requests are refused while that
 * many are in flight (Salesforce Developer Limits and Allocations Quick Reference, "API
 * Request Limits and Allocations"). Durations are wall-clock time of requests in flight,
 * so this tracker reads a real monotonic timer, not the sandbox clock.
 */
import { performance } from 'node:perf_hooks';

/** Requests in flight and how long each has run. */
export class LongRequestTracker {
  /** Request → start time (performance.now(), ms). */
  private readonly started = new Map<object, number>();

  constructor(
    /** A request in flight this long (ms) counts as long-running. */
    public longRequestMs: number,
    /** Long-running requests allowed at once. */
    public maxLongRequests: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Requests in flight (any duration). */
  inFlight(): number {
    return this.started.size;
  }

  /** Requests that have been in flight at least `longRequestMs`. */
  longInFlight(): number {
    const threshold = this.now() - this.longRequestMs;
    let count = 0;
    for (const start of this.started.values()) if (start <= threshold) count += 1;
    return count;
  }

  /** True when a new request must be refused. */
  full(): boolean {
    return this.longInFlight() >= this.maxLongRequests;
  }

  /** A request starts. */
  begin(request: object): void {
    this.started.set(request, this.now());
  }

  /** A request ends (answered, failed or dropped); safe to call more than once. */
  end(request: object): void {
    this.started.delete(request);
  }
}
