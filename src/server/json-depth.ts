/**
 * How deep a parsed JSON value nests, measured without recursion: a body nested 100,000
 * levels deep is walked with an explicit stack, so the check itself can never overflow
 * the call stack the way recursive code (`JSON.stringify`, zod) does on such input.
 * Webhook intake refuses bodies deeper than {@link MAX_WEBHOOK_DEPTH} before any
 * connector sees them.
 */

/** Deepest nesting accepted in a webhook body: far beyond any vendor's (HubSpot and Odoo nest 3 deep). */
export const MAX_WEBHOOK_DEPTH = 64;

/**
 * True when `value` has an array or object nested more than `max` levels deep (the
 * top-level array or object is level 1). Stops at the first node past `max`.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return true;
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}
