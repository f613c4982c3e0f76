/**
 * Which pass a vendor call serves, carried with the call's async context
 * (AsyncLocalStorage) so the HTTP client can tell without every connector method taking
 * it as a parameter: the pass's priority (the budget reserve holds scheduled passes back,
 * see budget.ts) and a per-pass count of the calls made on each connection (the run's
 * summary records it). Concurrent requests of one pass share the context; two passes
 * running side by side each have their own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Why a pass runs: `webhook` for a pass started by webhook deliveries (they may spend the
 * reserve), `scheduled` for a pass on the schedule or started by a person's command.
 */
export type PassPriority = 'webhook' | 'scheduled';

/** The context of the pass a call serves. */
export interface CallContext {
  /** The pass's priority. */
  readonly priority: PassPriority;
  /** Calls sent by this pass, by connection name (each attempt counts: a retry is a call). */
  readonly calls: Map<string, number>;
}

const storage = new AsyncLocalStorage<CallContext>();

/** Runs `work` with every vendor call it makes counted in a new context of `priority`. */
export function withCallContext<T>(priority: PassPriority, work: (context: CallContext) => Promise<T>): Promise<T> {
  const context: CallContext = { priority, calls: new Map() };
  return storage.run(context, () => work(context));
}

/**
 * The priority of the pass the current call serves; undefined outside a pass (a person's
 * command, the admin API): such calls are not held back by the reserve.
 */
export function currentPriority(): PassPriority | undefined {
  return storage.getStore()?.priority;
}

/** Counts one call sent on `connection` for the current pass, if there is one. */
export function countCall(connection: string): void {
  const calls = storage.getStore()?.calls;
  if (calls !== undefined) calls.set(connection, (calls.get(connection) ?? 0) + 1);
}
