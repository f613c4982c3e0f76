/**
 * HubSpot's budget headers (CONNECTORS.md "Rate limits"): every answer of the app's main
 * budget carries `X-HubSpot-RateLimit-Max`, `-Remaining` and `-Interval-Milliseconds` (the
 * rolling window, 100 per 10 s for a free app, 190 for Professional and Enterprise) and
 * `-Daily` / `-Daily-Remaining`. A header that is absent or not a whole number is left out
 * rather than guessed.
 */
import type { BudgetReading, HttpResponse } from '../../src/connector/index.ts';

function count(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

/** Only the members that were given. */
function defined<T extends object>(members: T): Partial<T> | undefined {
  const out = Object.fromEntries(Object.entries(members).filter(([, v]) => v !== undefined)) as Partial<T>;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The budget a HubSpot response announces; undefined when it carries none of the headers. */
export function readHubSpotBudget(response: HttpResponse): BudgetReading | undefined {
  const h = response.headers;
  const interval = defined({
    max: count(h['x-hubspot-ratelimit-max']),
    remaining: count(h['x-hubspot-ratelimit-remaining']),
    intervalMs: count(h['x-hubspot-ratelimit-interval-milliseconds']),
  });
  const daily = defined({
    max: count(h['x-hubspot-ratelimit-daily']),
    remaining: count(h['x-hubspot-ratelimit-daily-remaining']),
  });
  if (interval === undefined && daily === undefined) return undefined;
  return { ...(interval === undefined ? {} : { interval }), ...(daily === undefined ? {} : { daily }) };
}
