/**
 * Ctrl-C (SIGINT) and SIGTERM for the commands that run passes (`sync`, `start`,
 * `worker`), the same way everywhere: the first signal says at once what happens and asks
 * the passes to stop after the pages in hand; a second one stops now: it records what is
 * in hand (runs `stopped`, leases given up) and exits 130 (128 + SIGINT, as shells do).
 */

/** Said at once on the first signal. */
export const STOPPING = 'stopping after the pages in hand; Ctrl-C again to stop now';
/** Said on the second signal. */
export const STOPPING_NOW = 'stopping now: what was written is recorded by the next pass';
/** The exit code of a process stopped now (and of `sync` stopped after the pages in hand). */
export const EXIT_STOPPED = 130;
/** How long stopping now may take to record what is in hand before the process exits anyway, ms. */
const STOP_NOW_MS = 5_000;

/** What to do on each signal. */
export interface StopHandlers {
  /** The first signal: ask the passes to stop after the pages in hand. */
  first(): void;
  /** The second signal: record what is in hand; the process exits {@link EXIT_STOPPED} after it (or after 5 s). */
  now(): Promise<unknown>;
  /** Writes what is said (default: a line on stderr); progress bars hand their own, so a line never tears a bar. */
  say?(line: string): void;
}

/**
 * Listens for SIGINT and SIGTERM; answers a function that stops listening, unless a
 * signal came already: then a second one still stops now while the process winds down
 * (else Node's default would kill it without a word and with no exit code).
 */
export function onStopSignals(handlers: StopHandlers): () => void {
  let signals = 0;
  const say = handlers.say ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const on = (): void => {
    signals += 1;
    if (signals === 1) {
      say(STOPPING);
      handlers.first();
      return;
    }
    if (signals > 2) return;
    say(STOPPING_NOW);
    // A store that does not answer must not keep a person waiting: exit anyway (the leases then run out by themselves).
    const cap = setTimeout(() => process.exit(EXIT_STOPPED), STOP_NOW_MS);
    cap.unref();
    void handlers
      .now()
      .catch(() => undefined)
      .finally(() => process.exit(EXIT_STOPPED));
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return () => {
    if (signals > 0) return;
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
}
