/**
 * Parses vendor response text as JSON without trusting it: `__proto__` and
 * `constructor.prototype` keys are dropped (secure-json-parse), and a parse failure is a
 * value, not an exception, so callers can report it with the status and route.
 */
import sjson from 'secure-json-parse';

/** The outcome of {@link parseJsonBody}. */
export type JsonBody = { ok: true; value: unknown } | { ok: false; error: string; snippet: string };

const SNIPPET_CHARS = 120;

/** Parses `text`; an empty or whitespace-only body is `undefined` (204, 202 without content). */
export function parseJsonBody(text: unknown): JsonBody {
  if (text === undefined || text === null) return { ok: true, value: undefined };
  const raw = typeof text === 'string' ? text : Buffer.isBuffer(text) ? text.toString('utf8') : undefined;
  if (raw === undefined) return { ok: true, value: text };
  if (raw.trim() === '') return { ok: true, value: undefined };
  try {
    return {
      ok: true,
      value: sjson.parse(raw, null, { protoAction: 'remove', constructorAction: 'remove' }) as unknown,
    };
  } catch (err) {
    return { ok: false, error: (err as Error).message, snippet: raw.slice(0, SNIPPET_CHARS) };
  }
}
