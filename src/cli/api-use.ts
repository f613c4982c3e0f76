/**
 * A pass's API use in words, for `sync` and `runs`: per connection, the calls the pass made
 * and what the vendor said was left of its budget at the end, where it says.
 */

/**
 * `hubspot 12 calls (150 of 190 left in the window, 999,880 today), odoo 31 calls`, from a
 * run's `api` count (a pass's `PassApiUse`, or anything else stored under that name: a run
 * recorded before budgets were counted shows as it is).
 */
export function describeApiUse(api: unknown): string {
  if (typeof api !== 'object' || api === null) return String(api);
  const parts: string[] = [];
  for (const [connection, raw] of Object.entries(api as Record<string, unknown>)) {
    const use = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const left: string[] = [];
    if (typeof use.remaining === 'number')
      left.push(
        `${use.remaining.toLocaleString('en')}${typeof use.max === 'number' ? ` of ${use.max.toLocaleString('en')}` : ''} left in the window`,
      );
    if (typeof use.dailyRemaining === 'number') left.push(`${use.dailyRemaining.toLocaleString('en')} today`);
    parts.push(`${connection} ${String(use.calls ?? '?')} calls${left.length === 0 ? '' : ` (${left.join(', ')})`}`);
  }
  return parts.length === 0 ? 'no calls' : parts.join(', ');
}
