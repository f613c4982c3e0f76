/**
 * One RPC call's environment (Odoo's `env`): who calls (uid), the transaction's
 * timestamp (which becomes every `write_date` of the call), the context, and the list
 * of changes the call made (what webhooks report once it commits).
 */
import { defaultDisplayName, type Registry } from './registry.ts';
import type { Database } from './database.ts';
import type { ComputeEnv, Row } from './types.ts';

/** One committed change, for webhooks. `row` is the row after create/write, before unlink. */
export interface Change {
  /** Model technical name. */
  model: string;
  /** Record id. */
  id: number;
  /** What happened. */
  action: 'create' | 'write' | 'unlink';
  /** The row after the change (before it, for unlink). */
  row: Row;
}

/** Options of {@link Env}. */
export interface EnvOptions {
  /** The calling user's id (2 = admin). */
  uid: number;
  /**
   * The transaction's start, `YYYY-MM-DD HH:MM:SS` UTC: Odoo stamps `write_date` with
   * the transaction start (`cr.now()`), not the commit time.
   */
  now: string;
  /** Context (`active_test`, `lang`, ...). */
  context?: Record<string, unknown>;
  /** May the user create/write/unlink. Default true. */
  canWrite?: boolean;
}

/** The environment of one call. */
export class Env implements ComputeEnv {
  readonly uid: number;
  readonly now: string;
  readonly context: Record<string, unknown>;
  readonly canWrite: boolean;
  readonly changes: Change[] = [];
  /** Per-call flags create hooks use to talk to each other. */
  readonly flags = new Set<string>();

  constructor(
    readonly registry: Registry,
    readonly db: Database,
    options: EnvOptions,
  ) {
    this.uid = options.uid;
    this.now = options.now;
    this.context = options.context ?? {};
    this.canWrite = options.canWrite ?? true;
  }

  /** `active_test` from the context (default true: archived records are hidden from searches). */
  get activeTest(): boolean {
    return this.context['active_test'] !== false;
  }

  rows(model: string): Iterable<Row> {
    return this.db.table(model).values();
  }

  row(model: string, id: number): Row | undefined {
    return this.db.get(model, id);
  }

  displayName(model: string, id: number): string {
    const def = this.registry.get(model);
    const row = this.db.get(model, id);
    if (!row) return '';
    return def.displayName ? def.displayName(row, this) : defaultDisplayName(def, row);
  }
}
