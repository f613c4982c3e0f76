/**
 * A read done at most once per interval: callers within the interval get the last outcome
 * (value or error), and callers while a read is under way share it. What keeps /metrics
 * and /readyz from asking the store once per request (issue #15: at about 80 scrapes/s of
 * store counts, webhook intake fell from 1,345/s to 144/s).
 */

/** `read`, run at most once per `everyMs` of `clock` (epoch ms), never twice at once. */
export function cacheFor<T>(everyMs: number, clock: () => number, read: () => Promise<T>): () => Promise<T> {
  let last: { at: number; result: Promise<T>; pending: boolean } | undefined;
  return () => {
    const now = clock();
    if (last !== undefined && (last.pending || now - last.at < everyMs)) return last.result;
    const entry = { at: now, result: read(), pending: true };
    // A failure is an outcome to hand out like a value, not an unhandled rejection.
    entry.result.then(
      () => void (entry.pending = false),
      () => void (entry.pending = false),
    );
    last = entry;
    return entry.result;
  };
}
