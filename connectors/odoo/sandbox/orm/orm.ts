/**
 * The sandbox ORM's front door: one call = one transaction (all or nothing), stamped
 * with the clock's time at its start; committed changes go to listeners (webhooks).
 * Both call styles are here: `execute_kw` (positional args + kwargs, JSON-RPC and
 * XML-RPC) and named arguments with `ids` (JSON-2).
 */
import type { SandboxClock } from '../../../../src/connector/sandbox/clock.ts';
import { typeError } from '../errors.ts';
import { Database } from './database.ts';
import { formatDatetime } from './datetime.ts';
import { Env, type Change } from './env.ts';
import { bindArgs, checkMethod, isRecordMethod, runMethod, toIds } from './methods.ts';
import type { Registry } from './registry.ts';

/** Who is calling. */
export interface Caller {
  /** User id (2 = admin). */
  uid: number;
  /** May create/write/unlink. */
  canWrite: boolean;
}

/** Options of {@link OdooOrm.transaction}. */
export interface TransactionOptions extends Caller {
  /** Context of the call. */
  context?: Record<string, unknown>;
  /** Overrides the transaction timestamp (`YYYY-MM-DD HH:MM:SS`), for late commits. */
  now?: string;
}

/** Result of a call with what it changed. */
export interface CallResult {
  /** The method's return value. */
  result: unknown;
  /** Records created, written or deleted (empty for reads). */
  changes: Change[];
}

/** The ORM over one in-memory database. */
export class OdooOrm {
  readonly db = new Database();
  private readonly listeners: ((changes: readonly Change[]) => void)[] = [];
  /** While true, commits are not reported to listeners (seeding). */
  quiet = false;

  constructor(
    readonly registry: Registry,
    readonly clock: SandboxClock,
  ) {}

  /** Registers a listener for committed changes. */
  onCommit(listener: (changes: readonly Change[]) => void): void {
    this.listeners.push(listener);
  }

  /** Runs `fn` in one transaction; on success, listeners see its changes. */
  transaction<T>(options: TransactionOptions, fn: (env: Env) => T): CallResult & { value: T } {
    const env = new Env(this.registry, this.db, {
      uid: options.uid,
      canWrite: options.canWrite,
      now: options.now ?? formatDatetime(this.clock.now()),
      context: options.context,
    });
    const value = this.db.transaction(() => fn(env));
    if (env.changes.length > 0 && !this.quiet) for (const listener of this.listeners) listener(env.changes);
    return { value, result: value, changes: env.changes };
  }

  /** `execute_kw(db, uid, key, model, method, args, kwargs)` after authentication. */
  executeKw(caller: Caller, model: string, method: string, args: unknown, kwargs: unknown): CallResult {
    this.registry.get(model);
    checkMethod(model, method);
    const positional = Array.isArray(args) ? [...(args as unknown[])] : [];
    const keywords =
      typeof kwargs === 'object' && kwargs !== null && !Array.isArray(kwargs)
        ? { ...(kwargs as Record<string, unknown>) }
        : {};
    const context = takeContext(keywords);
    let ids: number[] = [];
    if (isRecordMethod(method)) {
      if (positional.length === 0) throw typeError(`${method}() missing 1 required positional argument: 'ids'`);
      ids = toIds(positional.shift());
    }
    const bound = bindArgs(method, positional, keywords);
    return this.transaction({ ...caller, context }, (env) => runMethod(env, model, method, ids, bound));
  }

  /** JSON-2 style: named arguments, `ids` and `context` in the same object. */
  callNamed(caller: Caller, model: string, method: string, body: Record<string, unknown>): CallResult {
    this.registry.get(model);
    checkMethod(model, method);
    const keywords = { ...body };
    const context = takeContext(keywords);
    const rawIds = keywords['ids'];
    delete keywords['ids'];
    const ids = isRecordMethod(method) ? toIds(rawIds ?? []) : [];
    const bound = bindArgs(method, [], keywords);
    return this.transaction({ ...caller, context }, (env) => runMethod(env, model, method, ids, bound));
  }
}

function takeContext(keywords: Record<string, unknown>): Record<string, unknown> {
  const context = keywords['context'];
  delete keywords['context'];
  return typeof context === 'object' && context !== null && !Array.isArray(context)
    ? (context as Record<string, unknown>)
    : {};
}
