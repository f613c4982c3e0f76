/**
 * The time a sandbox lives in. Sandboxes read time only through a {@link SandboxClock},
 * so tests can hold it still or move it forward (rate-limit windows, webhook retry
 * backoff, modification timestamps) without sleeping.
 */

/** A source of "now" for a sandbox. */
export interface SandboxClock {
  /** Current time, epoch milliseconds. */
  now(): number;
}

/** The real wall clock. */
export const systemClock: SandboxClock = {
  now: () => Date.now(),
};

/** A clock that only moves when told to; for tests and rehearsals. */
export class ManualClock implements SandboxClock {
  private current: number;

  /** @param startMs the initial time, epoch milliseconds. */
  constructor(startMs: number) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** Jumps to `ms` (epoch milliseconds); time may go backwards if a test asks for it. */
  set(ms: number): void {
    this.current = ms;
  }

  /** Moves forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.current += ms;
  }
}
