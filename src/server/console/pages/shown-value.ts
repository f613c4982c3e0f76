/**
 * A field value as the decision pages show it: short text in the table, and the whole
 * value (JSON, indented, for structured values) in a `<details>` when it is too long to
 * read at a glance. The template escapes both (views/decision-value.eta).
 */

/** Characters shown before a value is cut. */
export const SHORT_CHARS = 60;

/** A value ready for views/decision-value.eta. */
export interface ShownValue {
  /** The text shown in the cell, on one line (cut at {@link SHORT_CHARS}, with an ellipsis, when longer). */
  readonly short: string;
  /** The whole value, when `short` is not all of it (or the value spans lines). */
  readonly full?: string;
  /** True for no value (null, absent, empty text): shown as a muted dash. */
  readonly empty: boolean;
}

/** How `value` is shown: text as it is, anything else as JSON. */
export function shown(value: unknown): ShownValue {
  if (value === undefined || value === null || value === '') return { short: '', empty: true };
  const text = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
  const oneLine = text.replace(/\s+/g, ' ');
  if (oneLine.length <= SHORT_CHARS)
    return text.includes('\n') ? { short: oneLine, full: text, empty: false } : { short: text, empty: false };
  return { short: `${oneLine.slice(0, SHORT_CHARS)}…`, full: text, empty: false };
}
