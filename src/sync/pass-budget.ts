/**
 * The API use of one pass, for its run's summary and its report: per connection, the
 * calls the pass made (counted by the HTTP client in the pass's call context) and what the
 * vendor said was left of its budget when the pass ended, where it says.
 */
import { withCallContext, type Connector, type PassPriority } from '../connector/index.ts';

/** One connection's part in a pass (a type, not an interface: it is stored as JSON). */
export type ApiUse = {
  /** Vendor calls the pass made on this connection (each attempt counts). */
  readonly calls: number;
  /** Requests left in the vendor's current window at the pass's end, and its size, where announced. */
  readonly remaining?: number;
  readonly max?: number;
  /** Requests left of the vendor's daily budget, where announced. */
  readonly dailyRemaining?: number;
};

/** API use of a pass by connection name. */
export type PassApiUse = Readonly<Record<string, ApiUse>>;

/** What a connection's budget says now, with the pass's `calls` on it. */
function useOf(connector: Connector | undefined, calls: number): ApiUse {
  const vendor = connector?.budget?.().vendor;
  return {
    calls,
    ...(vendor?.interval?.remaining === undefined ? {} : { remaining: vendor.interval.remaining }),
    ...(vendor?.interval?.max === undefined ? {} : { max: vendor.interval.max }),
    ...(vendor?.daily?.remaining === undefined ? {} : { dailyRemaining: vendor.daily.remaining }),
  };
}

/**
 * Runs a pass's `work` in its own call context of `priority` (the HTTP client reads it:
 * the budget reserve holds scheduled passes back) and hands it `api()`, the pass's API use
 * so far on `connectors` (and on any other connection it called).
 */
export function withPassBudget<T>(
  priority: PassPriority,
  connectors: readonly Connector[],
  work: (api: () => PassApiUse) => Promise<T>,
): Promise<T> {
  return withCallContext(priority, (context) =>
    work(() => {
      const out: Record<string, ApiUse> = {};
      for (const connector of connectors)
        out[connector.connection] = useOf(connector, context.calls.get(connector.connection) ?? 0);
      for (const [connection, calls] of context.calls) out[connection] ??= useOf(undefined, calls);
      return out;
    }),
  );
}
